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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten real runner processes upgrading one database at once. The database is held at 003 with 50,000 customers, so
 * that the winner builds its indexes {@code CONCURRENTLY} on a real table while nine runners wait for the lock. A
 * {@code CREATE INDEX CONCURRENTLY} waits for every transaction that holds an older snapshot: a waiting runner that
 * held one would deadlock with the winner until its lock wait ran out. Nothing of the sort may happen: each revision
 * applied once, all exit 0.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TenRunnersTest {

    private static final int RUNNERS = 10;
    private static final String WAITING = "Waiting for the migration lock";
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    private final TestDatabase database = TestPostgres.newDatabase("ten_runners");
    private final List<Process> runners = new ArrayList<>();

    @AfterEach
    void stopRunnersLeftByAFailure() {
        runners.forEach(Process::destroyForcibly);
    }

    @Test
    void tenRunnersAtOnceApplyEachRevisionOnceAndAllExitZero() throws Exception {
        String headSchema = CrashScene.headSchema();
        CrashScene.migrator(database).upgrade("003");
        database.execute("INSERT INTO customers (name, email, phone, postal_code) SELECT 'Customer ' || n,"
                + " 'c' || n || '@example.com', '+44 20 7946 ' || lpad((n % 10000)::text, 4, '0'), 'SW1A 1AA'"
                + " FROM generate_series(1, 50000) n");

        List<BufferedReader> stderr = new ArrayList<>();
        // Hold the lock while all ten start, so that all are surely contending when it is released.
        try (Connection gate = database.connect();
             AdvisoryLock ignored = AdvisoryLock.acquire(gate, Duration.ZERO, waiting -> { })) {
            for (int i = 0; i < RUNNERS; i++) {
                Process runner = JavaProcess.start(home, JavaProcess.QUICK_START, Main.class,
                        "--url", database.postgresUrl(), "--lock-wait", LOCK_WAIT.toSeconds() + "s", "upgrade", "head");
                runners.add(runner);
                stderr.add(new BufferedReader(new InputStreamReader(runner.getErrorStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader errors : stderr) {
                awaitLine(errors, WAITING);
            }
        }
        long released = System.nanoTime();
        IndexBuildWatch watch = watchIndexBuildsUntilAllExit();
        Duration took = Duration.ofNanos(System.nanoTime() - released);

        System.out.printf("Ten runners: all done %d ms after the lock was released; %s%n", took.toMillis(), watch);
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < RUNNERS; i++) {
            Process runner = runners.get(i);
            assertThat(runner.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(runner.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = String.join("\n", stderr.get(i).lines().toList());
            assertThat(runner.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            outputs.add(out);
        }
        assertThat(took).as("no runner waited for the lock wait to run out").isLessThan(LOCK_WAIT);
        String all = String.join("", outputs);
        assertThat(all).containsOnlyOnce("Running upgrade 003 -> 004").containsOnlyOnce("Running upgrade 004 -> 005")
                .containsOnlyOnce("Running upgrade 005 -> 006");
        assertThat(outputs)
                .filteredOn(out -> out.contains("Already at " + ProjectHead.label() + ": nothing to upgrade."))
                .hasSize(RUNNERS - 1);

        assertThat(watch.samplesWithAllWaiting).as("an index build seen while the nine others waited: %s", watch)
                .isPositive();
        assertThat(watch.waitersInATransaction).as("waiting runners seen in a transaction during an index build")
                .isZero();
        assertThat(database.column("SELECT revision || ' ' || count(*) FROM retort_history"
                + " WHERE direction = 'upgrade' AND outcome = 'success' GROUP BY revision ORDER BY revision"))
                .containsExactlyElementsOf(ProjectHead.ids().stream().map(id -> id + " 1").toList());
        assertThat(database.column("SELECT count(*) FROM retort_history WHERE outcome = 'failed'"))
                .containsExactly("0");
        CrashScene.assertAtHead(database, headSchema);
    }

    /** What was seen of Retort's sessions while some {@code CREATE INDEX CONCURRENTLY} ran in the database. */
    private static final class IndexBuildWatch {
        int samples;
        int samplesWithAllWaiting;
        int waitersInATransaction;

        @Override
        public String toString() {
            return samples + " samples during index builds, " + samplesWithAllWaiting + " with all "
                    + (RUNNERS - 1) + " others connected and waiting, " + waitersInATransaction
                    + " sessions seen idle in a transaction";
        }
    }

    /**
     * Until every runner has exited, asks the database again and again whether an index is being built; each time
     * one is, counts the other Retort sessions and those of them sitting in an open transaction, which would hold
     * back the build.
     */
    private IndexBuildWatch watchIndexBuildsUntilAllExit() throws SQLException {
        IndexBuildWatch watch = new IndexBuildWatch();
        // Nine waiting runners have two sessions each (lock and work); the winner has its lock session besides the
        // one building the index.
        int othersWhenAllWait = 2 * (RUNNERS - 1) + 1;
        String sample = """
                SELECT count(a.pid),
                       count(a.pid) FILTER (WHERE a.state LIKE 'idle in transaction%')
                FROM pg_stat_progress_create_index p
                JOIN pg_stat_activity a ON a.datname = p.datname AND a.pid <> p.pid AND a.application_name = 'retort'
                WHERE p.datname = current_database()
                GROUP BY p.pid""";
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            while (runners.stream().anyMatch(Process::isAlive)) {
                try (ResultSet rows = statement.executeQuery(sample)) {
                    while (rows.next()) {
                        watch.samples++;
                        if (rows.getInt(1) >= othersWhenAllWait) {
                            watch.samplesWithAllWaiting++;
                        }
                        watch.waitersInATransaction += rows.getInt(2);
                    }
                }
            }
        }
        return watch;
    }

    private static void awaitLine(BufferedReader reader, String text) throws IOException {
        if (!JavaProcess.readUntil(reader, text)) {
            throw new AssertionError("a runner ended without waiting for the lock");
        }
    }
}
