package dev.retort.cli;

import dev.retort.engine.AdvisoryLock;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two real runner processes upgrading one database at once: each revision is applied exactly once. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConcurrentRunnersTest {

    @TempDir
    Path home;

    private final List<Process> runners = new ArrayList<>();

    @AfterEach
    void stopRunnersLeftByAFailure() {
        runners.forEach(Process::destroyForcibly);
    }

    @Test
    void twoRunnersApplyEachRevisionOnceAndTheSecondFindsNothingLeftToDo() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("concurrent");
        Process first;
        Process second;
        // Hold the lock while both start, so that both are surely contending when it is released.
        try (Connection gate = database.connect();
             AdvisoryLock ignored = AdvisoryLock.acquire(gate, Duration.ZERO, waiting -> { })) {
            first = JavaProcess.start(home, Main.class, "--url", database.postgresUrl(), "upgrade", "head");
            second = JavaProcess.start(home, Main.class, "--url", database.postgresUrl(), "upgrade", "head");
            runners.addAll(List.of(first, second));
            awaitStderrLine(first, "Waiting for the migration lock");
            awaitStderrLine(second, "Waiting for the migration lock");
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(List.of(first.exitValue(), second.exitValue())).containsExactly(0, 0);

        String outputs = stdout(first) + stdout(second);
        assertThat(outputs).containsOnlyOnce("Running upgrade  -> 001").containsOnlyOnce("Running upgrade 005 -> 006")
                .containsOnlyOnce("Already at " + ProjectHead.label() + ": nothing to upgrade.");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT revision) FROM retort_history"
                     + " WHERE direction = 'upgrade' AND outcome = 'success'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(ProjectHead.count());
            assertThat(rows.getInt(2)).isEqualTo(ProjectHead.count());
        }
    }

    private static void awaitStderrLine(Process process, String text) throws IOException {
        if (!JavaProcess.readUntil(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8)), text)) {
            throw new AssertionError("runner ended without waiting for the lock");
        }
    }

    private static String stdout(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
