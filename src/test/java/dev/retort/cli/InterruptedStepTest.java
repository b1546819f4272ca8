package dev.retort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
                + "keys, at statement 3 of 6: statements 1 to 2 stay done, and alembic_version still says 003. Run the "
                + "same command again to finish the step: what is done is skipped.");
        assertThat(currentRevision(database)).isEqualTo("003");
    }

    @Test
    void aRunStoppedInATransactionalStepSaysItIsRolledBack() throws Exception {
        Process runner = startPausing(statementNumber("002", 2));
        awaitMarker(runner);

        assertThat(stopped(runner)).contains("retort: interrupted during upgrade 001 -> 002, create users table: "
                + "PostgreSQL rolls back its transaction, so the database stays at 001.");
    }

    /** Nothing in alembic_version tells of the half-applied 004: only the newest history row does. */
    @Test
    void currentWarnsOfAnOnlineStepLeftHalfDoneUntilARerunFinishesIt() throws Exception {
        Process runner = startPausing(statementNumber("004", 3));
        awaitMarker(runner);
        killNine(runner);

        Cli.Result text = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(text.out()).isEqualTo("003\n");
        assertThat(text.err()).startsWith("retort: warning: upgrade 003 -> 004 stopped partway (")
                .contains(", after statement 2/6: ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by): "
                        + "the database is at 003 with part of that step applied. Run upgrade again to finish it: "
                        + "what is done is skipped.");
        JsonNode unfinished = new ObjectMapper().readTree(
                Cli.shipped(home).runOn(database.postgresUrl(), "--json", "current").out()).get("unfinished_step");
        assertThat(unfinished.get("revision").asText()).isEqualTo("004");
        assertThat(unfinished.get("direction").asText()).isEqualTo("upgrade");
        assertThat(unfinished.get("from").asText()).isEqualTo("003");
        assertThat(unfinished.get("last_done").asText()).startsWith("2/6: ");

        CrashScene.rerun(home, database);
        Cli.Result after = Cli.shipped(home).runOn(database.postgresUrl(), "current");
        assertThat(after.err()).isEmpty();
        assertThat(new ObjectMapper().readTree(Cli.shipped(home).runOn(database.postgresUrl(), "--json", "current")
                .out()).get("unfinished_step").isNull()).isTrue();
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
}
