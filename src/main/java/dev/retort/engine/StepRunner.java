package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs one step on the work connection, under the {@link LockPolicy}: every try waits for locks at most
 * {@code lock_timeout}, and one that times out (or loses a deadlock) is tried again after a pause.
 *
 * <p>A transactional step is one transaction: its statements, the {@code alembic_version} move and its history
 * row commit together or not at all. An online step runs each statement in a short transaction of its own (or in
 * none, for {@code CONCURRENTLY}) with a {@code progress} history row, then moves the version; if it fails
 * partway, the statements done so far are undone by running the revision the other way, so a failure still leaves
 * the database at the revision it started from. A crash cannot undo anything; the next run does the step again
 * from the start, and the revision's statements are written (and checked, see {@link AlreadyDone}) so that what
 * was already done is skipped.
 *
 * <p>It owns the run's watcher thread, which every try's {@link StatementWatch} runs on: close it when the run ends.
 */
final class StepRunner implements AutoCloseable {

    /** How long the check that the lock's session is alive may take before it counts as gone. */
    private static final int LOCK_CHECK_SECONDS = 10;
    /** Between an online step's statements, the lock's session is looked at again once this much time has passed. */
    private static final long LOCK_RECHECK_NANOS = Duration.ofSeconds(1).toNanos();
    private static final String DEADLOCK_DETECTED = "40P01";
    /**
     * How the error of a failed online step whose undoing failed too goes on, in its history row: what tells
     * {@link UnfinishedStep} that the step is left half done although the row says failed.
     */
    static final String UNDO_FAILED = "Undoing it failed too (";
    /** Likewise for a step stopped, and left as it was, because the migration lock's session ended. */
    static final String NOT_UNDONE = "Not undone, as another runner may be at work";

    private final Connection work;
    private final Connection watch;
    private final int workPid;
    private final int watchPid;
    private final LockPolicy policy;
    private final MigrationListener listener;
    private final SchemaFacts facts;
    private final ExecutorService watcher;
    /** What the step is running now: for progress reports, read by the watch's thread. */
    private volatile String runningStatement = "";
    /** When the step began (System.nanoTime), for its duration and for the watch's elapsed time. */
    private long stepStartNanos;
    /**
     * Whether the online step now running may have changed the database: a statement of it done or skipped in this
     * run, one run outside a transaction (a failed index build leaves an INVALID index), or an earlier run stopped
     * in it. If not, a failure has nothing to undo, and undoing would run the revision's other direction on a
     * schema it was never applied to.
     */
    private boolean mayHaveChanged;
    /** Set by the watch's thread when a look on the lock's connection failed: check that the session still lives. */
    private volatile boolean watchFailed;
    /** The online step's last statement recorded as done or skipped in this run, e.g. {@code 5/21: CREATE INDEX …}. */
    private String lastRecordedPart;
    /** When the lock's session was last found alive (System.nanoTime). */
    private long lockConfirmedNanos;

    /**
     * @param work  where the steps run
     * @param watch a second, otherwise idle connection, used to see who blocks the work connection
     */
    StepRunner(Connection work, Connection watch, LockPolicy policy, MigrationListener listener, SchemaFacts facts)
            throws SQLException {
        // Its thread starts with the first watch: a constructor that fails after this leaves nothing running.
        this(work, watch, policy, listener, facts, Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "retort-statement-watch");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** @param watcher the one thread every watch of the run runs on (a test's may hold the watches back) */
    StepRunner(Connection work, Connection watch, LockPolicy policy, MigrationListener listener, SchemaFacts facts,
               ExecutorService watcher) throws SQLException {
        this.watcher = watcher;
        this.work = work;
        this.watch = watch;
        this.workPid = backendPid(work);
        this.watchPid = backendPid(watch);
        this.policy = policy;
        this.listener = listener;
        this.facts = facts;
    }

    /**
     * Runs {@code stepSql}'s step; on failure throws {@link MigrationFailedException} with the database at
     * {@code step.from()}.
     */
    Duration run(StepSql stepSql) throws SQLException {
        Step step = stepSql.step();
        requireMigrationLock(step.describe());
        List<DdlStatement> statements = stepSql.statements();
        String checksum = stepSql.checksum();
        Instant started = Instant.now();
        stepStartNanos = System.nanoTime();
        mayHaveChanged = false;
        lastRecordedPart = null;
        try {
            warnAboutSessionsInTheWay(step, statements);
            listener.stepStarted(step);
            if (step.revision().online()) {
                Optional<UnfinishedStep> earlier = leftHalfDone(step);
                // What an earlier run left of this step (stopped, or failed and not wholly undone) is there to undo.
                mayHaveChanged = earlier.isPresent();
                earlier.filter(left -> left.left() == UnfinishedStep.Left.STOPPED)
                        .ifPresent(left -> listener.resuming(step, left.lastDone()));
                runOnline(step, checksum, statements);
                requireMigrationLock("the version move of " + step.describe());
                finish(step, checksum, started);
            } else {
                runInOneTransaction(step, checksum, started, statements.size());
            }
        } catch (StoppedWaiting e) {
            listener.stepFailed(step, since(stepStartNanos));
            rollbackQuietly();
            throw new RunInterruptedException("Interrupted while " + step.describe() + " waited to try again: "
                    + leftByStopping(step) + " Run it again to go on.", step.from());
        } catch (SQLException | RuntimeException e) {
            listener.stepFailed(step, since(stepStartNanos));
            rollbackQuietly();
            String reason = reason(e);
            String what = (reason.endsWith(".") ? reason : reason + ".") + " " + aftermath(step, e);
            // A step left as it was, lock lost, tells how far it got, as a stopped one's last progress row does.
            recordQuietly(entry(step, checksum, started, "failed", what,
                    e instanceof MigrationLockLostException ? lastRecordedPart : null));
            throw new MigrationFailedException(step, "Running " + step.describe() + " failed: " + what, e);
        }
        Duration took = since(stepStartNanos);
        listener.stepFinished(step, took);
        return took;
    }

    /**
     * Reverts what an earlier run left of the online step {@code halfDone} (stopped, failed and not wholly undone,
     * or cut off from the lock), before a run that goes elsewhere. Left there, its objects would stay on a schema
     * that is neither {@code halfDone.from()} nor its {@code to()}, and once alembic_version moved on, nothing would
     * tell of them: a downgrade past them would leave them behind, an upgrade build on a revision half reverted.
     * Like the undoing of a failed step, it runs the revision the other way and skips what is already gone; it
     * leaves alembic_version where it is, at {@code halfDone.from()}.
     */
    void undoHalfDone(Step halfDone) throws SQLException {
        requireMigrationLock("undoing " + halfDone.describe());
        Step undo = halfDone.reverse();
        List<String> sql = RecordingContext.statementsOf(undo);
        String checksum = RecordingContext.checksumOf(sql);
        Instant started = Instant.now();
        stepStartNanos = System.nanoTime();
        lastRecordedPart = null;
        try {
            List<DdlStatement> statements = DdlStatement.analyzeAll(sql, facts);
            warnAboutSessionsInTheWay(undo, statements);
            listener.undoingHalfDone(halfDone, undo);
            runOnline(undo, checksum, statements);
            HistoryTable.record(work, entry(undo, checksum, started, "success", null, null));
        } catch (StoppedWaiting e) {
            // As a step stopped there (run): no failure row, which would say the undoing failed; the rows of the
            // undoing so far, if any, tell the next run where it stopped, as after a crash.
            rollbackQuietly();
            throw new RunInterruptedException("Interrupted while undoing " + halfDone.describe() + ", left half "
                    + "done by an earlier run, waited to try again: stopped there, as a crash would stop it; "
                    + "alembic_version still says " + RevisionGraph.labelOf(halfDone.from()) + ". Run it again to go "
                    + "on.", halfDone.from());
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            String what = e instanceof MigrationLockLostException ? notUndone(halfDone)
                    : undoFailed(halfDone, e) + " Once the cause is fixed, run the same command again, or finish "
                    + "the step: " + halfDone.direction().word() + " " + RevisionGraph.targetWordOf(halfDone.to())
                    + ".";
            // As the step's own row, so that current and the next run still see it half done; a lock lost, with
            // how far the undoing got, as a step's own failure row tells it.
            recordQuietly(entry(halfDone, RecordingContext.checksumOf(RecordingContext.statementsOf(halfDone)),
                    started, "failed", what, e instanceof MigrationLockLostException ? lastRecordedPart : null));
            throw new MigrationFailedException(halfDone, "Undoing " + halfDone.describe() + ", left half done by an "
                    + "earlier run, failed: " + what, e);
        }
    }

    private void runInOneTransaction(Step step, String checksum, Instant started, int count) throws SQLException {
        withRetries(step, true, () -> inTransaction(() -> {
            step.applyTo(new JdbcContext(work, (number, sql) -> {
                runningStatement = sql;
                listener.statementStarting(step, number, count, sql);
            }));
            VersionTable.move(work, step.from(), step.to());
            HistoryTable.record(work, entry(step, checksum, started, "success", null, null));
        }));
    }

    /** @param statements the step's statements, analysed once for the whole step (regular expressions over its SQL) */
    private void runOnline(Step step, String checksum, List<DdlStatement> statements) throws SQLException {
        for (int i = 0; i < statements.size(); i++) {
            DdlStatement statement = statements.get(i);
            String sql = statement.sql();
            String part = (i + 1) + "/" + statements.size() + ": " + SqlText.shown(sql);
            Instant started = Instant.now();
            runningStatement = sql;
            listener.statementStarting(step, i + 1, statements.size(), sql);
            // The watch's connection is the lock's: a look that failed may mean it is gone. Else a look a second:
            // before every statement, it would cost a quick step more than its statements do.
            if (watchFailed || System.nanoTime() - lockConfirmedNanos > LOCK_RECHECK_NANOS) {
                requireMigrationLock("statement " + part);
                watchFailed = false; // it failed for another reason
            }
            Optional<String> done = AlreadyDone.check(work, statement);
            if (done.isPresent()) {
                mayHaveChanged = true; // what is there may be an earlier run's work, which undoing removes
                listener.statementSkipped(step, sql, done.get());
                HistoryTable.record(work, entry(step, checksum, started, "progress", null,
                        part + " (skipped: " + done.get() + ")"));
                lastRecordedPart = part;
                continue;
            }
            withRetries(step, blocksApplication(statement), () -> runOnlineStatement(step, statement, () ->
                    entry(step, checksum, started, "progress", null, part)));
            mayHaveChanged = true;
            lastRecordedPart = part;
            listener.statementDone(step, sql);
        }
    }

    private void runOnlineStatement(Step step, DdlStatement statement, EntrySupplier progress) throws SQLException {
        JdbcContext context = new JdbcContext(work, (number, sql) -> { });
        Optional<String> index = statement.createdIndex();
        if (statement.outsideTransaction()) {
            mayHaveChanged = true;
        }
        if (index.isPresent() && AlreadyDone.indexInvalid(work, index.get())) {
            listener.statementSkipped(step, statement.sql(), "index " + index.get()
                    + " was left INVALID by an interrupted build: dropping it to build it again");
            context.execute("DROP INDEX CONCURRENTLY IF EXISTS " + SqlName.quotedParts(index.get()));
        }
        if (statement.outsideTransaction()) {
            context.execute(statement.sql());
            HistoryTable.record(work, progress.get());
        } else {
            inTransaction(() -> {
                context.execute(statement.sql());
                HistoryTable.record(work, progress.get());
            });
        }
    }

    /** The online step's last transaction: the version moves and the step is recorded as done. */
    private void finish(Step step, String checksum, Instant started) throws SQLException {
        withRetries(step, true, () -> inTransaction(() -> {
            VersionTable.move(work, step.from(), step.to());
            HistoryTable.record(work, entry(step, checksum, started, "success", null, null));
        }));
    }

    /**
     * A round trip to the lock's session: before each step, before an online step moves the version, and between its
     * statements once a second has passed since the last or the watch found that connection failing (it looks while a
     * statement runs longer than a few milliseconds). The lock is that session's, and a session can end under a run
     * (pg_terminate_backend on an idle-looking connection, an idle limit, a dropped network), freeing the lock for
     * another runner, which could then apply the same revision at the same time as this one.
     */
    private void requireMigrationLock(String before) throws SQLException {
        if (!watch.isValid(LOCK_CHECK_SECONDS)) {
            throw new MigrationLockLostException(watchPid, before);
        }
        lockConfirmedNanos = System.nanoTime();
    }

    /**
     * What a failed step leaves: a transaction rolled back; or the online statements done so far undone, unless the
     * lock is gone (another runner may be at work) or none of them had run.
     */
    private String aftermath(Step step, Exception failure) {
        if (!step.revision().online()) {
            return "Rolled back: the database is still at " + RevisionGraph.labelOf(step.from()) + ".";
        }
        if (failure instanceof MigrationLockLostException) {
            return notUndone(step);
        }
        return mayHaveChanged ? undo(step)
                : "None of it was applied: the database is still at " + RevisionGraph.labelOf(step.from()) + ".";
    }

    /**
     * What stopping {@code step} while it waits to try again leaves. Nothing runs then, so it is a safe place to stop
     * for a service shutting down: a transaction is rolled back; an online step is left where it stopped, as a crash
     * leaves it, with no failure row, so that its progress rows tell the next run where to take it up. Undoing it
     * would take locks on the very tables the step could not get, and keep the shutdown waiting.
     */
    private String leftByStopping(Step step) {
        if (!step.revision().online()) {
            return "rolled back, the database is still at " + RevisionGraph.labelOf(step.from()) + ".";
        }
        return mayHaveChanged ? "stopped there, as a crash would stop it: " + partLeft(step, "is")
                + ", and the next run takes the step up where it stopped."
                : "none of it was applied, the database is still at " + RevisionGraph.labelOf(step.from()) + ".";
    }

    /** This online step as an earlier run left it half done, if the newest history row says so. */
    private Optional<UnfinishedStep> leftHalfDone(Step step) throws SQLException {
        return UnfinishedStep.readAt(work, step.from()).filter(left -> left.isOf(step));
    }

    /** A step stopped because the lock is gone is not undone: another runner may be applying it by now. */
    private static String notUndone(Step step) {
        return NOT_UNDONE + ": " + partLeft(step, "may be") + ". Run the same command again: it takes up the step "
                + "where it stopped.";
    }

    /** Reverts what an online step did before it failed, by running its revision the other way; says how it went. */
    private String undo(Step failed) {
        Step undo = failed.reverse();
        listener.undoing(failed, undo);
        try {
            List<String> sql = RecordingContext.statementsOf(undo);
            runOnline(undo, RecordingContext.checksumOf(sql), DdlStatement.analyzeAll(sql, facts));
            return "Undone: the database is still at " + RevisionGraph.labelOf(failed.from()) + ".";
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            return undoFailed(failed, e) + " Once the cause is fixed, run the same command again: it takes up the "
                    + "step where it stopped.";
        }
    }

    /**
     * What undoing {@code step} failing leaves, as a history row's error tells it: the {@link #UNDO_FAILED} mark,
     * why, and what is left applied (or reverted).
     */
    private static String undoFailed(Step step, Exception failure) {
        return UNDO_FAILED + reason(failure) + "): " + partLeft(step, "is") + ".";
    }

    /** E.g. {@code part of 005 is applied while alembic_version still says 004}: what an online step left. */
    private static String partLeft(Step step, String is) {
        return "part of " + step.revision().id() + " " + is + " " + step.direction().partDone()
                + " while alembic_version still says " + RevisionGraph.labelOf(step.from());
    }

    /** Before a step, names the sessions that will probably make it wait, so the operator can act before it does. */
    private void warnAboutSessionsInTheWay(Step step, List<DdlStatement> statements) throws SQLException {
        Set<String> tables = DdlStatement.tablesLockedBy(statements);
        if (tables.isEmpty()) {
            return;
        }
        List<BlockingSession> sessions = BlockingSession.holdingLocksOn(watch, tables, policy.lockTimeout(),
                List.of(workPid, watchPid));
        if (!sessions.isEmpty()) {
            listener.sessionsInTheWay(step, sessions);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws SQLException;
    }

    @FunctionalInterface
    private interface EntrySupplier {
        HistoryTable.Entry get();
    }

    private void inTransaction(SqlWork body) throws SQLException {
        work.setAutoCommit(false);
        try {
            body.run();
            work.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            restoreAutoCommit(e);
            throw e;
        }
        work.setAutoCommit(true);
    }

    /**
     * After a failure: a session that died (terminated, the server restarted) fails this too, with "This connection
     * has been closed", which must not take the place of the error that says why it died.
     */
    private void restoreAutoCommit(Exception failure) {
        try {
            work.setAutoCommit(true);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Whether the application's queries would queue behind the statement while it waits for its locks. Those that
     * take at most SHARE UPDATE EXCLUSIVE ({@code CREATE INDEX CONCURRENTLY}, {@code VALIDATE CONSTRAINT},
     * {@code COMMENT}) block no read or write, so they may wait long: a short lock_timeout would only make them
     * fail whenever a report runs, since building an index concurrently waits for every older transaction.
     */
    private static boolean blocksApplication(DdlStatement statement) {
        return !statement.known() || statement.strongestLock().map(LockMode::blocksWrites).orElse(false);
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for a reason other than a lock, or the policy's tries run out.
     * While each try runs, a {@link StatementWatch} notes whom it waits for, to be named if it gives up. A statement
     * that does not block the application gets one patient try, as long as the whole retry window.
     */
    private void withRetries(Step step, boolean blocksApplication, SqlWork attempt) throws SQLException {
        long firstStart = System.nanoTime();
        for (int number = 1; ; number++) {
            Duration lockTimeout = blocksApplication ? policy.lockTimeoutFor(number) : policy.retryWindow();
            setTimeouts(lockTimeout);
            SQLException failure;
            String statement;
            String failedSql = null; // null when the bookkeeping failed, not a statement of the step
            List<BlockingSession> blockers;
            try (StatementWatch blockerWatch = StatementWatch.start(watcher, watch, workPid, step, stepStartNanos,
                    () -> runningStatement, listener::progress, lockTimeout, () -> watchFailed = true)) {
                try {
                    attempt.run();
                    return;
                } catch (JdbcContext.StatementFailedException e) {
                    if (!waitedForLock(e.sqlException())) {
                        throw e;
                    }
                    failure = e.sqlException();
                    statement = e.sql();
                    failedSql = e.sql();
                } catch (SQLException e) {
                    if (!waitedForLock(e)) {
                        throw e;
                    }
                    failure = e;
                    statement = "the step's bookkeeping (alembic_version, retort_history)";
                }
                blockers = blockerWatch.lastSeen();
            }
            if (blockers.isEmpty() && failedSql != null) {
                blockers = holdersInTheWay(failure, failedSql);
            }
            Duration elapsed = since(firstStart);
            boolean deadlock = DEADLOCK_DETECTED.equals(failure.getSQLState());
            if (!policy.mayRetry(number, elapsed)) {
                // One that blocks nothing waits as long as the window in one try: it had all the tries it could.
                int attempts = blocksApplication ? policy.attempts() : number;
                listener.lastTryFailed(new LockRetry(step, statement, number, attempts, lockTimeout, deadlock,
                        blockers, Duration.ZERO));
                throw new LocksUnavailableException(statement, number, elapsed, blockers, failure,
                        attempts > number || !blocksApplication);
            }
            Duration pause = policy.pauseAfter(number);
            listener.retrying(new LockRetry(step, statement, number, policy.attempts(), lockTimeout, deadlock,
                    blockers, pause));
            pause(pause);
            // Tries can go on for minutes: the lock's session may have ended meanwhile.
            requireMigrationLock("try " + (number + 1) + " of " + SqlText.abbreviated(statement, 60));
        }
    }

    /**
     * Who holds, now, a lock that the statement which gave up waits for: for when the watch never saw the wait, as
     * happens on a loaded machine whose scheduler lets all its looks come too late. The lock timeout leaves those
     * sessions holding their locks, so they can still be named. Only a diagnosis: empty when it cannot be had.
     */
    private List<BlockingSession> holdersInTheWay(SQLException failure, String sql) {
        if (watchFailed || !SqlErrors.LOCK_NOT_AVAILABLE.equals(failure.getSQLState())) {
            return List.of(); // the watching connection is gone, or a deadlock was broken and its other party went on
        }
        try {
            return BlockingSession.holdingConflictingLocks(watch, DdlStatement.analyze(sql, facts).locks(),
                    List.of(workPid, watchPid));
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static boolean waitedForLock(SQLException e) {
        return SqlErrors.LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || DEADLOCK_DETECTED.equals(e.getSQLState());
    }

    /** Session settings, so they also cover statements outside a transaction; each try sets its own. */
    private void setTimeouts(Duration lockTimeout) throws SQLException {
        try (PreparedStatement set = work.prepareStatement(
                "SELECT set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false)")) {
            set.setString(1, lockTimeout.toMillis() + "ms");
            set.setString(2, policy.statementTimeout().toMillis() + "ms");
            set.execute();
        }
    }

    private static HistoryTable.Entry entry(Step step, String checksum, Instant started, String outcome, String error,
                                            String part) {
        return new HistoryTable.Entry(step.revision().id(), step.direction().word(), step.from(), step.to(),
                checksum, started, Instant.now(), outcome, error, part);
    }

    static String reason(Exception e) {
        if (e instanceof LocksUnavailableException locks) {
            return locks.describe();
        }
        if (e instanceof JdbcContext.StatementFailedException failed) {
            return SqlErrors.describe(failed.sqlException(), failed.sql());
        }
        if (e instanceof SQLException sql) {
            return SqlErrors.describe(sql);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A rollback that fails (the connection is gone) must not hide the error that made us roll back. */
    private void rollbackQuietly() {
        try {
            if (!work.getAutoCommit()) {
                work.rollback();
            }
        } catch (SQLException ignored) {
            // PostgreSQL rolls back an open transaction by itself when the session ends.
        }
    }

    /** The failure row goes in a transaction of its own, after the rollback, so the failure itself is not lost. */
    private void recordQuietly(HistoryTable.Entry entry) {
        try {
            work.setAutoCommit(true);
            HistoryTable.record(work, entry);
        } catch (SQLException ignored) {
            // The original failure is what the user needs to see; losing this row must not hide it.
        }
    }

    /** Stops the watcher thread; every watch has ended by then. */
    @Override
    public void close() {
        watcher.shutdown();
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // kept for the caller, as RunInterruptedException promises
            throw new StoppedWaiting();
        }
    }

    /** The thread was interrupted while a step waited to try a statement again; {@link #run} says what that left. */
    private static final class StoppedWaiting extends RuntimeException {
        StoppedWaiting() {
            super("interrupted while waiting to try again");
        }
    }
}
