package dev.retort.cli;

import dev.retort.Retort;
import dev.retort.engine.BlockingSession;
import dev.retort.engine.DdlStatement;
import dev.retort.engine.Direction;
import dev.retort.engine.Durations;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Migrator;
import dev.retort.engine.OfflineScript;
import dev.retort.engine.Plan;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SqlText;
import dev.retort.engine.Step;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** What upgrade and downgrade share: check the target, run it printing each step, say where the database is. */
final class MigrationRun {

    private static final int STATEMENT_WIDTH = 120;
    /** How long the process, stopped in a step, waits to say what that leaves before it ends anyway. */
    private static final Duration HOOK_PATIENCE = Duration.ofSeconds(2);

    private MigrationRun() {
    }

    static int execute(RetortCommand root, CommandSpec spec, String target, Direction direction,
                       MigrationOptions options) {
        LockPolicy lockPolicy = options.lockPolicy();
        PrintWriter out = spec.commandLine().getOut();
        if (options.sql) {
            Plan plan = OfflineScript.plan(root.graph(), direction, target);
            String script = OfflineScript.render(root.graph(), plan, lockPolicy);
            if (root.json()) {
                Json.print(out, Json.object("from", plan.from(), "to", plan.to(), "sql", script));
            } else {
                out.print(script);
                out.flush();
            }
            return ExitCodes.OK;
        }
        root.graph().checkTarget(target, direction); // before the embedded database is started for nothing
        String database = root.session().describe();
        // Under --json, stdout carries the one document; the narration of a run goes to stderr.
        PrintWriter narration = root.json() ? spec.commandLine().getErr() : out;
        boolean terminal = root.redrawsProgress();
        ConsoleListener listener = new ConsoleListener(narration, spec.commandLine().getErr(), database, lockPolicy,
                terminal);
        Retort retort = root.retort(listener, lockPolicy);
        if (options.dryRun) {
            Migrator migrator = retort.migrator();
            Plan plan = migrator.plan(direction, target);
            if (!plan.edited().isEmpty()) {
                listener.editedRevisions(plan.edited());
            }
            if (plan.from() == null) {
                migrator.versionTableElsewhere().ifPresent(listener::warning);
            }
            List<String> obstacles = plan.stepsToRun().isEmpty() ? List.of() : migrator.obstacles(plan);
            if (root.json()) {
                Json.print(out, dryRunDocument(database, migrator, plan, obstacles));
            } else {
                printDryRun(out, database, migrator, plan, target, direction, obstacles);
            }
            // As git apply --check does: a script or CI job gating a deploy on the dry run must not pass it when the
            // run is known to fail.
            return obstacles.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
        }
        if (root.json()) {
            SignalExit.watch();
        }
        MigrationResult result = runSayingWhatAnInterruptionLeaves(listener, root.json() ? out : null,
                () -> direction == Direction.UPGRADE ? retort.upgrade(target) : retort.downgrade(target));
        if (root.json()) {
            Json.print(out, Json.result(database, result));
        } else {
            printSummary(out, database, root.graph(), result);
        }
        return ExitCodes.OK;
    }

    /**
     * Runs the migration with a shutdown hook that, should the process be stopped meanwhile (Ctrl-C, a kill), says
     * which step it stopped in and what that leaves: on stderr, and under --json ({@code json} not null) as the error
     * document on stdout too, with the exit code, so that a pipeline reading stdout is not left with nothing. The hook
     * goes when the run ends, so a normal exit says nothing.
     */
    private static MigrationResult runSayingWhatAnInterruptionLeaves(ConsoleListener listener, PrintWriter json,
                                                                     Supplier<MigrationResult> run) {
        Thread sayWhatIsLeft = new Thread(() -> sayWithin(() -> {
            String said = listener.interrupted();
            if (json != null && SignalExit.exitCode() != 0) {
                Json.printError(json, SignalExit.exitCode(), Character.toUpperCase(said.charAt(0)) + said.substring(1));
            }
        }, HOOK_PATIENCE), "retort-interrupted");
        Runtime.getRuntime().addShutdownHook(sayWhatIsLeft);
        try {
            return run.get();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(sayWhatIsLeft);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: the process is ending anyway.
            }
        }
    }

    /**
     * Says it on a daemon thread, waiting at most {@code patience}: the listener's lock may be held by the main thread,
     * blocked writing to a pipe nobody reads any more, and a shutdown hook that waits for ever keeps the process alive.
     */
    private static void sayWithin(Runnable saying, Duration patience) {
        Thread say = new Thread(saying, "retort-interrupted-say");
        say.setDaemon(true);
        say.start();
        try {
            say.join(patience.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> dryRunDocument(String database, Migrator migrator, Plan plan,
                                                      List<String> obstacles) {
        List<Object> steps = plan.steps().stream().map(step -> (Object) stepDocument(migrator, step)).toList();
        return Json.object("database", database, "dry_run", true, "from", plan.from(), "to", plan.to(),
                "undo_first", plan.undoFirst() == null ? null : stepDocument(migrator, plan.undoFirst().reverse()),
                "steps", steps, "would_fail", obstacles,
                "note", plan.note(), "edited_revisions", plan.edited().stream().map(Json::edited).toList());
    }

    private static Map<String, Object> stepDocument(Migrator migrator, Step step) {
        Map<String, Object> document = Json.step(step);
        document.put("online", step.revision().online());
        List<DdlStatement> statements = migrator.analyze(step);
        document.put("statements", statements.stream().map(statement -> (Object) Json.object(
                "sql", SqlText.withoutSecrets(statement.sql().strip()),
                "locks", statement.locks().stream().map(lock -> (Object) Json.object("table", lock.table(),
                        "mode", lock.mode().toString(), "blocks_reads", lock.mode().blocksReads(),
                        "blocks_writes", lock.mode().blocksWrites())).toList(),
                "work", statement.work().name().toLowerCase(Locale.ROOT),
                "table_worked_on", statement.workTable(),
                "outside_transaction", statement.outsideTransaction(),
                "known", statement.known())).toList());
        document.put("sessions_in_the_way",
                migrator.sessionsInTheWay(statements).stream().map(Json::session).toList());
        return document;
    }

    /**
     * The last line: where the database is now, or why nothing was done. Then too it says which database it looked
     * at (a run that changes something has said so before its first step): "already at head" of the wrong server
     * would be a dangerous thing to read.
     */
    private static void printSummary(PrintWriter out, String database, RevisionGraph graph, MigrationResult result) {
        if (result.changedNothing()) {
            out.println("Database: " + database);
            out.println(result.note());
            return;
        }
        Duration total = result.steps().stream().map(MigrationResult.StepTiming::took)
                .reduce(Duration.ZERO, Duration::plus);
        String reverted = result.undoneFirst() == null ? ""
                : "reverted what " + result.undoneFirst().describe() + " left half done" + (result.steps().isEmpty()
                        ? "" : ", then ");
        String revisions = result.steps().isEmpty() ? "" : result.steps().size()
                + (result.steps().size() == 1 ? " revision" : " revisions") + " in " + Durations.format(total);
        out.println("Done: " + reverted + revisions + "; the database is at " + graph.labelWithHead(result.to()) + ".");
    }

    /** Each step, each statement with the locks it takes, and who would be in the way right now. */
    private static void printDryRun(PrintWriter out, String database, Migrator migrator, Plan plan, String target,
                                    Direction direction, List<String> obstacles) {
        out.println("Database: " + database);
        if (plan.stepsToRun().isEmpty()) {
            out.println("Dry run: " + plan.note());
            return;
        }
        out.println("Dry run: nothing is changed. From " + RevisionGraph.labelOf(plan.from()) + ", "
                + direction.word() + " " + target + " would run " + plan.steps().size()
                + (plan.steps().size() == 1 ? " revision" : " revisions")
                + (plan.undoFirst() == null ? ":" : ", after reverting what an earlier run left half done:"));
        Instant now = Instant.now();
        if (plan.undoFirst() != null) {
            out.println();
            out.println("First, " + plan.undoFirst().describe() + " was left half done by an earlier run: what it did "
                    + "would be reverted, by its " + plan.undoFirst().reverse().direction().word() + " statements "
                    + "(what is already gone is skipped):");
            printStatements(out, migrator, plan.undoFirst().reverse(), now);
        }
        for (Step step : plan.steps()) {
            out.println();
            out.println(step.describe() + (step.revision().online()
                    ? " (online: each statement in a short transaction of its own)"
                    : " (one transaction: every lock is held until it commits)"));
            printStatements(out, migrator, step, now);
        }
        if (!obstacles.isEmpty()) {
            out.println();
            obstacles.forEach(obstacle -> out.println("Would fail: " + obstacle + "."));
        }
    }

    private static void printStatements(PrintWriter out, Migrator migrator, Step step, Instant now) {
        List<DdlStatement> statements = migrator.analyze(step);
        for (int i = 0; i < statements.size(); i++) {
            out.printf("  %2d. %s%n", i + 1, SqlText.abbreviated(statements.get(i).sql(), STATEMENT_WIDTH));
            out.println("      " + statements.get(i).describeLocks(!step.revision().online()));
        }
        for (BlockingSession session : migrator.sessionsInTheWay(statements)) {
            out.println("  In the way now: " + session.describe(now) + ", holding a lock on " + session.table());
        }
    }
}
