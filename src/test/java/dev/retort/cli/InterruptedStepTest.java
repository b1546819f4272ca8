package dev.retort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.retort.cli.CrashScene.awaitMarker;
import static dev.retort.cli.CrashScene.currentRevision;
import static dev.retort.cli.CrashScene.killNine;
import static dev.retort.cli.CrashScene.statementNumber;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run stopped in the middle of a step: the stopped process says what it leaves (Ctrl-C and kill run the JVM's
 * shutdown hooks; SIGTERM here, which the JVM treats as it treats SIGINT), and {@code current} warns of an online
 * step left half done until a rerun finishes it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InterruptedStepTest {

    private static final int SIGTERM_EXIT = 128 + 15;

    @TempDir
    Path home;

    private final TestDatabase database = TestPostgres.newDatabase("interrupted");
    private final List<Process> runners = new ArrayList<>();

    @AfterEach
    void killRunnersLeftByAFailure() {
        runners.forEach(Process::destroyForcibly);
    }

    @Test
    void aRunStoppedInAnOnlineStepSaysWhichStatementsStayDone() throws Exception {
        Process runner = startPausing(statementNumber("004", 3));
        assertThat(awaitMarker(runner)).contains("004 3/6");

        assertThat(stopped(runner)).contains("retort: interrupted during upgrade 003 -> 004, add customer foreign "
                + "keys, at statement 3 of 6 (the ones before it are done, that one may be): alembic_version still "
                + "says 003. Run the same command again to finish the step: what is done is skipped.");
        assertThat(currentRevision(database)).isEqualTo("003");
    }

    @Test
    void aRunStoppedAtAnIndexBuildNamesTheInvalidIndexItMayLeave() throws Exception {
        Process runner = startPausing(statementNumber("004", 5));
        assertThat(awaitMarker(runner)).contains("004 5/6");

        assertThat(stopped(runner)).contains("at statement 5 of 6 (the ones before it are done, that one may be; a "
                + "build stopped midway leaves index ix_customers_created_by INVALID, still updated by every write, "
                + "until the rerun drops it and builds it again): alembic_version still says 003.");
    }

    @Test
    void aRunStoppedWhileWaitingForTheMigrationLockSaysNothingChanged() throws Exception {
        try (Connection holder = database.connect()) {
            KilledRunner killed = killedWhileWaitingForTheLock(holder);

            assertThat(killed.err().readLine()).isEqualTo("retort: interrupted before any step ran (it had waited "
                    + "for the migration lock): nothing was migrated.");
        }
        assertThat(database.tables()).isEmpty();
    }

    /** Under --json a pipeline reads stdout: a run stopped by a kill prints the error document there, exit code and all. */
    @Test
    void aRunStoppedUnderJsonPrintsTheErrorDocumentOnStdout() throws Exception {
        try (Connection holder = database.connect()) {
            KilledRunner killed = killedWhileWaitingForTheLock(holder, "--json");

            JsonNode error = new ObjectMapper().readTree(killed.runner().getInputStream()).get("error");
            assertThat(error.get("code").asInt()).isEqualTo(SIGTERM_EXIT);
            assertThat(error.get("message").asText()).isEqualTo("Interrupted before any step ran (it had waited for "
                    + "the migration lock): nothing was migrated.");
            assertThat(killed.err().readLine()).isEqualTo("retort: interrupted before any step ran (it had waited "
                    + "for the migration lock): nothing was migrated.");
        }
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void aRunStoppedInATransactionalStepSaysItIsRolledBack() throws Exception {
        Process runner = startPausing(statementNumber("002", 2));
        awaitMarker(runner);

        assertThat(stopped(runner)).contains("retort: interrupted during upgrade 001 -> 002, create users table: "
                + "PostgreSQL rolls back its transaction, so the database stays at 001.");
    }

    /**
     * A run at work looks in the history like one that stopped: while it holds the migration lock, current says the
     * step is under way, not left half done, and names the run.
     */
    @Test
    void currentTellsAStepUnderWayFromOneLeftHalfDone() throws Exception {
        Process runner = startPausing(statementNumber("004", 3));
        awaitMarker(runner);

        Cli.Result underWay = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        JsonNode json = new ObjectMapper().readTree(Cli.shipped(home).runOn(database.postgresUrl(), "--json",
                "current").out()).get("unfinished_step");
        killNine(runner, database);

        assertThat(underWay.out()).isEqualTo("003\n");
        assertThat(underWay.err()).startsWith("retort: note: upgrade 003 -> 004 is under way in a run at work now, "
                + "pid ").contains("(application_name 'retort'), after statement 2/6: ",
                "Until it ends, the database is at 003 with part of 004 applied.").doesNotContain("warning");
        assertThat(json.get("running_in").get("application_name").asText()).isEqualTo("retort");
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "current").err())
                .startsWith("retort: warning: upgrade 003 -> 004 stopped partway (");
    }

    /** Nothing in alembic_version tells of the half-applied 004: only the newest history row does. */
    @Test
    void currentWarnsOfAnOnlineStepLeftHalfDoneUntilARerunFinishesIt() throws Exception {
        killBeforeStatement3Of004();

        Cli.Result text = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(text.out()).isEqualTo("003\n");
        assertThat(text.err()).startsWith("retort: warning: upgrade 003 -> 004 stopped partway (")
                .contains(", after statement 2/6: ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by): "
                        + "the database is at 003 with part of 004 applied. Run upgrade 004 to finish it: what is "
                        + "done is skipped.");
        JsonNode unfinished = new ObjectMapper().readTree(
                Cli.shipped(home).runOn(database.postgresUrl(), "--json", "current").out()).get("unfinished_step");
        assertThat(unfinished.get("revision").asText()).isEqualTo("004");
        assertThat(unfinished.get("direction").asText()).isEqualTo("upgrade");
        assertThat(unfinished.get("from").asText()).isEqualTo("003");
        assertThat(unfinished.get("left").asText()).isEqualTo("stopped");
        assertThat(unfinished.get("last_done").asText()).startsWith("2/6: ");
        // verify finds 004's first constraint as drift from 003's snapshot, and says why.
        Cli.Result verify = Cli.shipped(home).runOn(database.postgresUrl(), "verify");
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(verify.err()).startsWith("retort: warning: upgrade 003 -> 004 stopped partway (");
        assertThat(verify.out()).contains("+constraint fk_customers_created_by on customers");
        // history -v marks the revision itself, in text and in JSON.
        String history = Cli.shipped(home).runOn(database.postgresUrl(), "history", "-v", "-r", "003:004").out();
        assertThat(history).containsPattern("Rev: 004\nParent: 003\nPath: .*\nApplied: not applied\n"
                + "Left half done: upgrade 003 -> 004 stopped partway \\(\\d{4}-\\d\\d-\\d\\d [0-9:]+ UTC, after "
                + "statement 2/6: ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by\\)\\. Run "
                + "upgrade 004 to finish it: what is done is skipped\\.\n\n    add customer foreign keys\n");
        assertThat(history).containsOnlyOnce("Left half done:");
        JsonNode revisions = new ObjectMapper().readTree(Cli.shipped(home).runOn(database.postgresUrl(), "--json",
                "history", "-v", "-r", "003:004").out()).get("revisions");
        assertThat(revisions.get(0).get("unfinished_step").get("last_done").asText()).startsWith("2/6: ");
        assertThat(revisions.get(1).get("unfinished_step").isNull()).isTrue();

        CrashScene.rerun(home, database);
        Cli.Result after = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(after.err()).isEmpty();
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "history", "-v").out())
                .doesNotContain("Left half done");
        assertThat(new ObjectMapper().readTree(Cli.shipped(home).runOn(database.postgresUrl(), "--json", "current")
                .out()).get("unfinished_step").isNull()).isTrue();
    }

    /**
     * A downgrade from 003 while 004 is left half done reverts what 004 did first, so nothing of it stays behind at
     * 002 (alembic_version, moved on, could never tell of it again); the dry run says so beforehand.
     */
    @Test
    void aDowngradeFirstRevertsWhatAStepLeftHalfDoneAboveItDid() throws Exception {
        killBeforeStatement3Of004();

        Cli.Result dryRun = Cli.shipped(home).runOn(database.postgresUrl(), "downgrade", "002", "--dry-run");
        JsonNode undoFirst = new ObjectMapper().readTree(Cli.shipped(home).runOn(database.postgresUrl(), "--json",
                "downgrade", "002", "--dry-run").out()).get("undo_first");
        Cli.Result downgrade = Cli.shipped(home).runOn(database.postgresUrl(), "downgrade", "002");

        assertThat(dryRun.out()).contains("From 003, downgrade 002 would run 1 revision, after reverting what an "
                + "earlier run left half done:\n\nFirst, upgrade 003 -> 004, add customer foreign keys was left half "
                + "done by an earlier run: what it did would be reverted, by its downgrade statements (what is already "
                + "gone is skipped):\n   1. DROP INDEX CONCURRENTLY IF EXISTS ix_customers_updated_by\n",
                "   4. ALTER TABLE customers DROP CONSTRAINT IF EXISTS fk_customers_created_by\n      ACCESS EXCLUSIVE "
                        + "on customers (blocks reads and writes)");
        assertThat(undoFirst.get("revision").asText()).isEqualTo("004");
        assertThat(undoFirst.get("direction").asText()).isEqualTo("downgrade");
        assertThat(undoFirst.get("statements")).hasSize(4);
        assertThat(downgrade.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(downgrade.out()).contains("upgrade 003 -> 004, add customer foreign keys: an earlier run left it "
                        + "half done, and this run goes elsewhere: reverting what it did first (downgrade statements)\n",
                "  ran: ALTER TABLE customers DROP CONSTRAINT IF EXISTS fk_customers_created_by\n",
                "Running downgrade 003 -> 002, create audit_logs table")
                .contains("\nDone: reverted what upgrade 003 -> 004, add customer foreign keys left half done, then "
                        + "1 revision in ").endsWith("; the database is at 002.\n");
        Cli.Result current = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(current.out()).isEqualTo("002\n");
        assertThat(current.err()).isEmpty();
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "verify").exitCode()).isEqualTo(ExitCodes.OK);
    }

    /** A run to where the database already is only reverts the step left half done: how an operator abandons it. */
    @Test
    void aRunToTheCurrentRevisionRevertsAStepLeftHalfDoneThere() throws Exception {
        killBeforeStatement3Of004();

        Cli.Result dryRun = Cli.shipped(home).runOn(database.postgresUrl(), "downgrade", "003", "--dry-run");
        Cli.Result behind = Cli.shipped(home).runOn(database.postgresUrl(), "upgrade", "002");
        Cli.Result stillHalfDone = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        Cli.Result abandon = Cli.shipped(home).runOn(database.postgresUrl(), "--json", "downgrade", "003");

        assertThat(dryRun.out()).contains("From 003, downgrade 003 would run 0 revisions, after reverting what an "
                + "earlier run left half done:\n");
        assertThat(behind.out()).contains("nothing to upgrade. To go back, use downgrade 002. upgrade 003 -> 004 is "
                + "left half done: upgrade 004 finishes it, downgrade 003 reverts it.");
        assertThat(stillHalfDone.err()).as("a target behind changes nothing, that step included")
                .contains("stopped partway");
        JsonNode result = new ObjectMapper().readTree(abandon.out());
        assertThat(result.get("undone_first").get("revision").asText()).isEqualTo("004");
        assertThat(result.get("steps")).isEmpty();
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "current").err()).isEmpty();
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "verify").exitCode()).isEqualTo(ExitCodes.OK);
    }

    /** A stamp cannot undo a step left half done: it says that what the step did stays, and is no longer told of. */
    @Test
    void aStampOverAStepLeftHalfDoneWarnsThatWhatItDidStays() throws Exception {
        killBeforeStatement3Of004();

        Cli.Result stamp = Cli.shipped(home).runOn(database.postgresUrl(), "stamp", "003");
        Cli.Result again = Cli.shipped(home).runOn(database.postgresUrl(), "stamp", "003");

        assertThat(stamp.err()).isEqualTo("retort: warning: upgrade 003 -> 004 was left half done by an earlier run: "
                + "stamping does not undo it, and no longer will it be reported. What it did stays; verify shows it.\n");
        assertThat(stamp.out()).endsWith("Stamped 003 -> 003 (no migration was run).\n");
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "current").err()).isEmpty();
        assertThat(again.err()).isEmpty();
        assertThat(again.out()).endsWith("Already at 003: nothing to stamp.\n");
        assertThat(Cli.shipped(home).runOn(database.postgresUrl(), "verify").exitCode()).isEqualTo(ExitCodes.DRIFT);
    }

    /**
     * 006 fails on a row its check refuses, and its undoing is stopped after its first statement: alembic_version
     * says 005, the newest history row is the undoing's (a downgrade of 006), and current reads it as the upgrade
     * that failed.
     */
    @Test
    void aFailedStepStoppedWhileBeingUndoneIsToldAsTheStepThatFailed() throws Exception {
        CrashScene.migrator(database).upgrade("005");
        database.execute("INSERT INTO customers (name, email, customer_type) VALUES (' ', 'a@example.com', "
                + "'individual')");
        List<String> statements = RecordingContext.statementsOf(Step.up(Migrations.all().get(5)));
        int failing = IntStream.range(0, statements.size())
                .filter(i -> statements.get(i).contains("VALIDATE CONSTRAINT ck_customers_name_not_empty"))
                .findFirst().orElseThrow() + 1;
        Process runner = startPausing(failing + 2); // the undoing's second statement: its first is done
        assertThat(awaitMarker(runner)).contains(" 006 2/");

        assertThat(stopped(runner)).contains("retort: interrupted while undoing upgrade 005 -> 006, add check "
                + "constraints: part of it stays applied, and alembic_version still says 005. Run the same command "
                + "again to finish the step: what is done is skipped.");
        Cli.Result current = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(current.out()).isEqualTo("005\n");
        assertThat(current.err()).startsWith("retort: warning: upgrade 005 -> 006 failed, and stopped partway while "
                + "it was being undone (").contains(", after statement 1/", " of the undoing): the database is at 005 "
                + "with part of 006 applied. Run upgrade 006 to finish it: what is done is skipped.");
    }

    /** What a run killed (SIGKILL) in an online step leaves: 004 half done, its first two statements done. */
    private void killBeforeStatement3Of004() throws Exception {
        Process runner = startPausing(statementNumber("004", 3));
        awaitMarker(runner);
        killNine(runner, database);
    }

    private Process startPausing(int statement) throws Exception {
        Process runner = CrashScene.startPausing(home, database, statement);
        runners.add(runner);
        return runner;
    }

    /**
     * SIGTERM to a paused runner; returns its stderr once it has ended. Through its handle: {@code Process.destroy}
     * also closes the runner's stdin, which ends a paused runner by itself before the signal does.
     */
    private static String stopped(Process runner) throws Exception {
        runner.toHandle().destroy();
        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).as("ended within 30 s").isTrue();
        assertThat(runner.exitValue()).isEqualTo(SIGTERM_EXIT);
        return new String(runner.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A runner killed (SIGTERM) while it waited for the migration lock that {@code holder} holds, and its stderr. */
    private record KilledRunner(Process runner, BufferedReader err) {
    }

    private KilledRunner killedWhileWaitingForTheLock(Connection holder, String... options) throws Exception {
        try (Statement statement = holder.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + AdvisoryLock.KEY + ")");
        }
        List<String> args = new ArrayList<>(List.of("--url", database.postgresUrl()));
        args.addAll(List.of(options));
        args.addAll(List.of("upgrade", "head", "--lock-wait", "2m"));
        Process runner = JavaProcess.start(home, JavaProcess.QUICK_START, Main.class, args.toArray(String[]::new));
        runners.add(runner);
        BufferedReader err = new BufferedReader(new InputStreamReader(runner.getErrorStream(), StandardCharsets.UTF_8));
        assertThat(err.readLine()).startsWith("Waiting for the migration lock, held by pid ");

        runner.toHandle().destroy();

        assertThat(runner.waitFor(30, TimeUnit.SECONDS)).as("ended within 30 s").isTrue();
        assertThat(runner.exitValue()).isEqualTo(SIGTERM_EXIT);
        return new KilledRunner(runner, err);
    }
}
