package dev.retort.cli;

import dev.retort.engine.CatalogSnapshot;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash recovery, with real processes: a real {@code retort upgrade head} is killed with SIGKILL before each statement
 * of 001–006 in turn, then run again. Every time the rerun must reach head with exactly the head's schema, no
 * INVALID index and no lock left behind, within a lock wait of 5 seconds, and {@code retort_history} must tell what
 * the killed run did and what the rerun finished.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

    private static final Set<String> VERSION_TABLES = Set.of("alembic_version", "retort_history");
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path home;

    private String headSchema;
    private final List<Process> processes = new ArrayList<>();
    private final Timings timings = new Timings();

    /** One statement of the upgrade from base to head, where a runner is killed. */
    record Boundary(int number, Revision revision, int index, int count, String sql) {

        @Override
        public String toString() {
            String line = sql.strip().replaceAll("\\s+", " ");
            return "kill before statement " + number + " (" + revision.id() + " " + index + "/" + count + " "
                    + (line.length() <= 60 ? line : line.substring(0, 59) + "…") + ")";
        }
    }

    /** Every statement of every revision's upgrade, numbered across the whole run from 1. */
    static List<Boundary> boundaries() {
        List<Boundary> boundaries = new ArrayList<>();
        for (Revision revision : Migrations.all()) {
            List<String> statements = RecordingContext.statementsOf(Step.up(revision));
            for (int i = 0; i < statements.size(); i++) {
                boundaries.add(new Boundary(boundaries.size() + 1, revision, i + 1, statements.size(),
                        statements.get(i)));
            }
        }
        return boundaries;
    }

    @BeforeAll
    void snapshotTheHeadOnceWithoutCrash() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("crash_head");
        migrator(database).upgrade("head");
        headSchema = schema(database);
    }

    @AfterEach
    void killRunnersLeftByAFailure() {
        processes.forEach(Process::destroyForcibly);
        processes.clear();
    }

    @AfterAll
    void printTimings() {
        System.out.println(timings.summary());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaries")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRerunAfterKillNineFinishesTheJob(Boundary boundary) throws Exception {
        long start = System.nanoTime();
        TestDatabase database = TestPostgres.newDatabase("crash");
        timings.add("create database", start);

        long started = System.nanoTime();
        Process runner = startPausing(database, boundary.number());
        String marker = awaitMarker(runner);
        timings.add("start to pause", started);
        assertThat(marker).startsWith(PausingRetort.MARKER + boundary.number() + ": " + boundary.revision().id() + " "
                + boundary.index() + "/" + boundary.count() + " ");
        assertThat(migrationLocks(database)).as("the paused runner holds the lock").isEqualTo(1);

        long killing = System.nanoTime();
        runner.destroyForcibly();
        assertThat(runner.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(runner.exitValue()).isEqualTo(SIGKILL_EXIT);
        timings.add("kill", killing);
        Timestamp killedAt = now(database);

        long rerunning = System.nanoTime();
        Cli.Result rerun = Cli.shipped(home).run("--url", database.postgresUrl(), "--lock-wait", "5s",
                "upgrade", "head");
        timings.add("rerun", rerunning);
        assertThat(rerun.exitCode()).as("rerun: %s%s", rerun.out(), rerun.err()).isZero();
        assertThat(rerun.outLines().stream().filter(line -> line.startsWith("Running upgrade")).findFirst())
                .as("the rerun starts with the step that was killed: %s", rerun.out())
                .hasValueSatisfying(line -> assertThat(line).startsWith("Running upgrade "
                        + nullToBlank(boundary.revision().revises()) + " -> " + boundary.revision().id() + ","));

        long checking = System.nanoTime();
        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("006");
        assertThat(schema(database)).isEqualTo(headSchema);
        assertThat(invalidIndexes(database)).isEmpty();
        assertThat(migrationLocks(database)).as("advisory locks left in pg_locks").isZero();
        assertHistoryTellsWhatHappened(database, boundary, killedAt);
        timings.add("check", checking);

        long dropping = System.nanoTime();
        TestPostgres.drop(database);
        timings.add("drop database", dropping);
        timings.add("boundary, all told", start);
    }

    /**
     * The killed run's steps before the boundary succeeded, and its online step recorded its statements up to the
     * boundary as progress; the rerun did the rest, once, and recorded each of the killed step's statements again.
     * Nothing failed: a crash is not a failure, and the rerun is not one either.
     */
    private void assertHistoryTellsWhatHappened(TestDatabase database, Boundary boundary, Timestamp killedAt)
            throws SQLException {
        List<String> killedRun = history(database, "finished_at < ?", killedAt);
        List<String> rerun = history(database, "finished_at >= ?", killedAt);
        List<String> expectedKilled = new ArrayList<>();
        List<String> expectedRerun = new ArrayList<>();
        for (Revision revision : Migrations.all()) {
            int compared = revision.id().compareTo(boundary.revision().id());
            List<String> target = compared < 0 ? expectedKilled : expectedRerun;
            if (revision.online()) {
                int count = RecordingContext.statementsOf(Step.up(revision)).size();
                if (compared == 0) {
                    IntStream.range(1, boundary.index()).forEach(i -> expectedKilled.add(progress(revision, i, count)));
                }
                IntStream.rangeClosed(1, count).forEach(i -> target.add(progress(revision, i, count)));
            }
            target.add(revision.id() + " success");
        }
        assertThat(killedRun).as("history rows of the killed run").isEqualTo(expectedKilled);
        assertThat(rerun).as("history rows of the rerun").isEqualTo(expectedRerun);
    }

    private static String progress(Revision revision, int statement, int count) {
        return revision.id() + " progress " + statement + "/" + count;
    }

    /** The upgrade rows, in order, as "005 progress 3/21" or "005 success"; no other direction or outcome may appear. */
    private static List<String> history(TestDatabase database, String condition, Timestamp killedAt)
            throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect();
             var query = connection.prepareStatement("""
                     SELECT revision || ' ' || outcome || coalesce(' ' || split_part(part, ':', 1), ''), direction
                     FROM retort_history WHERE %s ORDER BY finished_at, started_at""".formatted(condition))) {
            query.setTimestamp(1, killedAt);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(2).equals("upgrade") ? result.getString(1)
                            : result.getString(2) + " " + result.getString(1));
                }
            }
        }
        return rows;
    }

    private Process startPausing(TestDatabase database, int statement) throws IOException {
        Process process = JavaProcess.start(home, JavaProcess.QUICK_START, PausingRetort.class,
                String.valueOf(statement), "--url", database.postgresUrl(), "upgrade", "head");
        processes.add(process);
        return process;
    }

    /** Reads stdout up to the pause marker and returns that line; fails with stderr if the process ends first. */
    private static String awaitMarker(Process process) throws IOException {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(PausingRetort.MARKER)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the runner ended without pausing; stdout:\n" + seen + "stderr:\n"
                + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Migrator migrator(TestDatabase database) {
        return new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    private static String schema(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            return CatalogSnapshot.read(connection).withoutTables(VERSION_TABLES).text();
        }
    }

    private static List<String> invalidIndexes(TestDatabase database) throws SQLException {
        return database.column("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT (indisvalid AND indisready)");
    }

    /** Advisory locks held or awaited in this database: only Retort's migration lock is ever taken there. */
    private static int migrationLocks(TestDatabase database) throws SQLException {
        return Integer.parseInt(database.column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").get(0));
    }

    private static Timestamp now(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getTimestamp(1);
        }
    }

    private static String nullToBlank(String id) {
        return id == null ? "" : id;
    }

    /** Wall-clock time per phase, summed over the boundaries, printed once at the end. */
    private static final class Timings {

        private final java.util.Map<String, long[]> phases = new java.util.LinkedHashMap<>();

        synchronized void add(String phase, long startNanos) {
            long[] sum = phases.computeIfAbsent(phase, p -> new long[2]);
            sum[0] += System.nanoTime() - startNanos;
            sum[1]++;
        }

        synchronized String summary() {
            StringBuilder text = new StringBuilder("Crash recovery timings:");
            phases.forEach((phase, sum) -> text.append(String.format("%n  %-20s %4d × %6.0f ms = %7.1f s", phase, sum[1],
                    sum[0] / 1e6 / sum[1], sum[0] / 1e9)));
            return text.toString();
        }
    }
}
