package dev.retort.cli;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.BlockingSession;
import dev.retort.engine.DdlStatement;
import dev.retort.engine.Durations;
import dev.retort.engine.EditedRevision;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.LockRetry;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SchemaFacts;
import dev.retort.engine.SqlText;
import dev.retort.engine.Step;
import dev.retort.engine.StepProgress;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Prints a run as Alembic does ({@code Running upgrade 002 -> 003, create audit_logs table}), with each step's
 * time appended when it ends. The line is printed when the step starts, so a long step shows what it is doing;
 * whatever happens meanwhile (a lock timeout and its retry, a statement a rerun skips) goes on indented lines
 * below it, and the time then follows on a line of its own.
 *
 * <p>A step that runs longer than two seconds shows its progress: on a terminal, on the step's own line, redrawn
 * every second (elapsed time, the statement, an index build's phase and blocks); otherwise as a plain line every
 * five seconds, so that a log stays readable. Progress comes from another thread, hence the synchronized methods.
 */
final class ConsoleListener implements MigrationListener {

    private static final int STATEMENT_WIDTH = 100;
    private static final Duration PLAIN_PROGRESS_EVERY = Duration.ofSeconds(5);
    /** ANSI: erase from the cursor to the end of the line. */
    private static final String CLEAR_TO_END = "\033[K";

    private final PrintWriter out;
    private final PrintWriter err;
    private final String database;
    private final LockPolicy lockPolicy;
    private final boolean terminal;
    private boolean named;
    private boolean lineOpen;
    private String runningLine = "";
    private boolean progressDrawn;
    private Duration nextPlainProgress = Duration.ZERO;
    /** The step running now, and its statement (numbered from 1; 0 before the first): for {@link #interrupted}. */
    private Step running;
    private int statementNumber;
    private int statementCount;
    /** The statement running now, for what an interruption leaves. */
    private String statementSql;
    /** The last step this run finished, and whether it waited for the migration lock: for an interruption too. */
    private Step finished;
    private boolean waitedForLock;
    /** The online step being undone after it failed, if one is: for {@link #interrupted} too. */
    private Step undoing;

    /**
     * @param database where the run goes, fit to print (password masked); said once, before the first step
     * @param terminal whether {@code out} is a terminal, where progress may redraw a line
     */
    ConsoleListener(PrintWriter out, PrintWriter err, String database, LockPolicy lockPolicy, boolean terminal) {
        this.out = out;
        this.err = err;
        this.database = database;
        this.lockPolicy = lockPolicy;
        this.terminal = terminal;
    }

    @Override
    public synchronized void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
        waitedForLock = true;
        err.println("Waiting for the migration lock, held by "
                + holder.map(AdvisoryLock.Holder::toString).orElse("another session") + "…");
        err.flush();
    }

    @Override
    public synchronized void waitingForEarlierRun(List<BlockingSession> sessions) {
        waitedForLock = true;
        err.println("Waiting for a run that lost its migration lock but is still at work: "
                + BlockingSession.describeAll(sessions) + "…");
        err.flush();
    }

    @Override
    public synchronized void warning(String text) {
        err.println("retort: warning: " + text + ".");
        err.flush();
    }

    /** As current warns of them, on stderr, before the run says anything else. */
    @Override
    public synchronized void editedRevisions(List<EditedRevision> edited) {
        RevisionText.warnings(edited, null).forEach(err::println);
        err.flush();
    }

    @Override
    public synchronized void sessionsInTheWay(Step step, List<BlockingSession> sessions) {
        nameDatabase();
        Instant now = Instant.now();
        for (BlockingSession session : sessions) {
            out.println("Warning: " + session.describe(now) + ", holds a lock on " + session.table() + "; "
                    + step.describe() + " will wait for it, " + Durations.format(lockPolicy.lockTimeout())
                    + " a try.");
        }
        out.flush();
    }

    @Override
    public synchronized void stepStarted(Step step) {
        nameDatabase();
        undoing = null; // a step an earlier run left half done, reverted before this one
        running = step;
        statementNumber = 0;
        runningLine = "Running " + step.describe();
        out.print(runningLine);
        out.flush();
        lineOpen = true;
        progressDrawn = false;
        nextPlainProgress = Duration.ZERO;
    }

    @Override
    public synchronized void statementStarting(Step step, int number, int count, String sql) {
        statementNumber = number;
        statementCount = count;
        statementSql = sql;
    }

    @Override
    public synchronized void progress(StepProgress progress) {
        String waiting = progress.describeWaiting();
        String what = Durations.format(progress.elapsed()) + ": "
                + SqlText.abbreviated(progress.statement(), STATEMENT_WIDTH)
                + (progress.index() == null ? "" : " (" + progress.index().describe() + ")")
                + (waiting.isEmpty() ? "" : "; " + waiting);
        if (terminal && lineOpen) {
            out.print("\r" + runningLine + " ... " + what + CLEAR_TO_END);
            out.flush();
            progressDrawn = true;
        } else if (progress.elapsed().compareTo(nextPlainProgress) >= 0) {
            say("  ... " + what);
            nextPlainProgress = progress.elapsed().plus(PLAIN_PROGRESS_EVERY);
        }
    }

    @Override
    public synchronized void resuming(Step step, String lastDone) {
        say("  resuming: the last run of this step stopped after " + SqlText.abbreviated(lastDone, STATEMENT_WIDTH)
                + "; what it did is skipped");
    }

    /** While a failed step is undone, each statement is told, run or skipped: what the undoing did is on screen. */
    @Override
    public synchronized void statementDone(Step step, String sql) {
        if (undoing != null) {
            say("  ran: " + SqlText.abbreviated(sql, STATEMENT_WIDTH));
        }
    }

    @Override
    public synchronized void statementSkipped(Step step, String sql, String reason) {
        say("  " + reason + ": " + SqlText.abbreviated(sql, STATEMENT_WIDTH));
    }

    @Override
    public synchronized void retrying(LockRetry retry) {
        sayWhyTheTryFailed(retry);
        say("    trying again in " + Durations.format(retry.pause()));
    }

    @Override
    public synchronized void lastTryFailed(LockRetry lastTry) {
        sayWhyTheTryFailed(lastTry);
        say(lastTry.attempt() < lastTry.attempts() ? "    no more tries: another could not end within --retry-window"
                : "    that was the last try");
    }

    private void sayWhyTheTryFailed(LockRetry retry) {
        String why = retry.deadlock() ? "chosen as a deadlock's victim"
                : "no lock within " + Durations.format(retry.lockTimeout());
        say("  " + why + " (try " + retry.attempt() + " of " + retry.attempts() + "): "
                + SqlText.abbreviated(retry.statement(), STATEMENT_WIDTH));
        Instant now = Instant.now();
        for (BlockingSession blocker : retry.blockers()) {
            say("    blocked by " + blocker.describe(now));
        }
    }

    @Override
    public synchronized void undoing(Step failed, Step undo) {
        undoing = failed;
        say("  undoing what " + failed.revision().id() + " did so far (" + undo.direction().word() + " statements)");
    }

    @Override
    public synchronized void undoingHalfDone(Step halfDone, Step undo) {
        nameDatabase();
        undoing = halfDone;
        say(halfDone.describe() + ": an earlier run left it half done, and this run goes elsewhere: reverting what it "
                + "did first (" + undo.direction().word() + " statements)");
    }

    /**
     * The process is ending in the middle of a step (Ctrl-C, a kill): says what that leaves, since the step cannot
     * finish or be undone now. PostgreSQL ends the session with the process and rolls back its open transaction.
     *
     * @return what it said, without the {@code retort: } before it: for the error document under --json
     */
    synchronized String interrupted() {
        String said;
        if (running == null && undoing == null) {
            if (finished != null) {
                said = "interrupted between steps: the database is at " + RevisionGraph.labelOf(finished.to())
                        + ", where the last finished step left it.";
            } else {
                said = "interrupted before any step ran" + (waitedForLock ? " (it had waited for the migration lock)"
                        : "") + ": nothing was migrated.";
            }
        } else {
            if (lineOpen) {
                out.println();
                out.flush();
            }
            said = undoing != null ? interruptedUndoing() : interruptedRunning();
        }
        err.println("retort: " + said);
        err.flush();
        return said;
    }

    private String interruptedUndoing() {
        return "interrupted while undoing " + undoing.describe() + ": part of it stays "
                + undoing.direction().partDone() + ", and alembic_version still says "
                + RevisionGraph.labelOf(undoing.from()) + ". Run the same command again to finish the step: what is "
                + "done is skipped.";
    }

    private String interruptedRunning() {
        String at = RevisionGraph.labelOf(running.from());
        if (running.revision().online()) {
            // The statement it stopped at may have committed just before (or been a CONCURRENTLY one that leaves an
            // INVALID index): the rerun's look at the catalog settles either.
            String done = statementNumber <= 1 ? "none before it; that one may be done"
                    : "the ones before it are done, that one may be";
            return "interrupted during " + running.describe() + ", at statement " + statementNumber + " of "
                    + statementCount + " (" + done + invalidIndexLeft() + "): alembic_version still says " + at
                    + ". Run the same command again to finish the step: what is done is skipped.";
        }
        return "interrupted during " + running.describe() + ": PostgreSQL rolls back its transaction, so the "
                + "database stays at " + at + ".";
    }

    /** For a {@code CREATE INDEX CONCURRENTLY} stopped midway: the INVALID index it leaves, which writes pay for. */
    private String invalidIndexLeft() {
        if (statementSql == null) {
            return "";
        }
        DdlStatement statement = DdlStatement.analyze(statementSql, SchemaFacts.NONE);
        Optional<String> index = statement.outsideTransaction() ? statement.createdIndex() : Optional.empty();
        return index.map(name -> "; a build stopped midway leaves index " + name + " INVALID, still updated by every "
                + "write, until the rerun drops it and builds it again").orElse("");
    }

    @Override
    public synchronized void stepFinished(Step step, Duration took) {
        if (progressDrawn && lineOpen) {
            out.print("\r" + runningLine);
        }
        out.println((lineOpen ? "" : "  done") + " ... " + Durations.format(took) + (progressDrawn ? CLEAR_TO_END : ""));
        out.flush();
        lineOpen = false;
        running = null;
        finished = step;
    }

    @Override
    public synchronized void stepFailed(Step step, Duration took) {
        if (progressDrawn && lineOpen) {
            out.print("\r" + runningLine);
        }
        out.println((lineOpen ? "" : "  ") + " ... FAILED after " + Durations.format(took)
                + (progressDrawn ? CLEAR_TO_END : ""));
        out.flush();
        lineOpen = false;
        running = null;
    }

    private void nameDatabase() {
        if (!named) {
            out.println("Database: " + database);
            named = true;
        }
    }

    /** An indented line under the step's "Running …" line, closing that line first if it is still open. */
    private void say(String line) {
        if (lineOpen) {
            if (progressDrawn) {
                out.print("\r" + runningLine + CLEAR_TO_END);
                progressDrawn = false;
            }
            out.println();
            lineOpen = false;
        }
        out.println(line);
        out.flush();
    }

}
