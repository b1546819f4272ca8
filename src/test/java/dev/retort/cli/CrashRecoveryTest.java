package dev.retort.cli;

import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.SqlText;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import dev.retort.testing.PostgresVersions;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.retort.cli.CrashScene.advisoryLocks;
import static dev.retort.cli.CrashScene.databaseClock;
import static dev.retort.cli.CrashScene.killNine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash recovery at every statement boundary, with real processes: a real {@code retort upgrade head} is killed
 * with SIGKILL before each statement from 001 to the head in turn (131 of them as shipped, to 006), then run again
 * with {@code --lock-wait 5s}, on every PostgreSQL major under test ({@code -Dretort.test.postgres}).
 * Every time the rerun must reach head with exactly the head's schema, no INVALID index and no lock left behind,
 * and {@code retort_history} must tell what the killed run did and what the rerun finished.
 *
 * <p>Starting a JVM and running it to its pause is most of the cost, so it is done ahead: while one boundary is
 * killed, rerun and checked, the runner for the next one is already starting, on a database of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

    /**
     * How many runners are started ahead of the one being checked ({@code -Dcrash.ahead=2} to try more). On two
     * cores one is enough: runners and checks are both bound by the CPU.
     */
    private static final int RUNNERS_AHEAD = Integer.getInteger("crash.ahead", 1);

    /** Static, so one folder serves the whole class: a runner started ahead outlives the invocation that started it. */
    @TempDir
    static Path home;

    private final Map<Integer, String> headSchemas = new ConcurrentHashMap<>();
    private final Map<Integer, Process> runners = new ConcurrentHashMap<>();
    private final ExecutorService ahead = Executors.newFixedThreadPool(RUNNERS_AHEAD + 1, runnable -> {
        Thread thread = new Thread(runnable, "crash-test-runner-ahead");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Integer, CompletableFuture<PausedRunner>> started = new ConcurrentHashMap<>();
    private int current;
    private final Timings timings = new Timings();
    /** {@link #boundaries()}, made once: each is a recording of every revision on every major. */
    private final List<Boundary> all = boundaries();

    /**
     * One statement of the upgrade from base to head on one major, where a runner is killed.
     *
     * @param ordinal its place among all the boundaries of all majors, from 1: runners are started ahead in this order
     */
    record Boundary(int ordinal, int major, int number, Revision revision, int index, int count, String sql) {

        @Override
        public String toString() {
            return "PostgreSQL " + major + ": kill before statement " + number + " (" + revision.id() + " " + index
                    + "/" + count + " " + SqlText.abbreviated(sql, 60) + ")";
        }
    }

    /** A runner stopped before its statement, on a database of its own, with the line it printed there. */
    record PausedRunner(TestDatabase database, Process process, String marker) {
    }

    /** Every statement of every revision's upgrade, numbered across the whole run from 1, on each major. */
    static List<Boundary> boundaries() {
        List<Boundary> boundaries = new ArrayList<>();
        for (int major : PostgresVersions.all().toArray()) {
            int number = 0;
            for (Revision revision : Migrations.all()) {
                List<String> statements = RecordingContext.statementsOf(Step.up(revision));
                for (int i = 0; i < statements.size(); i++) {
                    boundaries.add(new Boundary(boundaries.size() + 1, major, ++number, revision, i + 1,
                            statements.size(), statements.get(i)));
                }
            }
        }
        return boundaries;
    }

    /** The schema of a database migrated to head without crash, once per major: what every rerun must end with. */
    private String headSchema(int major) {
        return headSchemas.computeIfAbsent(major, m -> {
            try {
                return CrashScene.headSchema(m);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void killRunnersLeftByAFailure() {
        runners.keySet().removeIf(number -> {
            if (number <= current) {
                runners.get(number).destroyForcibly();
                return true;
            }
            return false;
        });
    }

    @AfterAll
    void stopTheRunnerStartedAhead() {
        ahead.shutdownNow();
        runners.values().forEach(Process::destroyForcibly);
        System.out.println(timings.summary());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaries")
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRerunAfterKillNineFinishesTheJob(Boundary boundary) throws Exception {
        try {
            killThenRerun(boundary);
        } catch (AssertionError e) {
            // Surefire's report names an invocation by its index only; say which statement it was.
            throw new AssertionError(boundary + ": " + e.getMessage(), e);
        }
    }

    private void killThenRerun(Boundary boundary) throws Exception {
        long start = System.nanoTime();
        current = boundary.ordinal();
        PausedRunner paused = pausedBefore(boundary.ordinal());
        timings.add("wait for the pause", start);
        TestDatabase database = paused.database();
        assertThat(paused.marker()).startsWith(PausingRetort.MARKER + boundary.number() + ": "
                + boundary.revision().id() + " " + boundary.index() + "/" + boundary.count() + " ");
        assertThat(advisoryLocks(database)).as("the paused runner holds the lock, and its work session the mark")
                .isEqualTo(2);

        long killing = System.nanoTime();
        killNine(paused.process(), database);
        timings.add("kill", killing);
        Timestamp killedAt = databaseClock(database);

        long rerunning = System.nanoTime();
        Cli.Result rerun = CrashScene.rerun(home, database);
        timings.add("rerun", rerunning);
        if (rerun.err().contains("Waiting for the migration lock")) {
            timings.count(Timings.LOCK_WAITED);
        }
        assertThat(rerun.outLines().stream().filter(line -> line.startsWith("Running upgrade")).findFirst())
                .as("the rerun starts with the step that was killed: %s", rerun.out())
                .hasValueSatisfying(line -> assertThat(line).startsWith("Running upgrade "
                        + nullToBlank(boundary.revision().revises()) + " -> " + boundary.revision().id() + ","));

        long checking = System.nanoTime();
        CrashScene.assertAtHead(database, headSchema(boundary.major()));
        assertHistoryTellsWhatHappened(database, boundary, killedAt);
        timings.add("check", checking);

        long dropping = System.nanoTime();
        TestPostgres.drop(database);
        timings.add("drop database", dropping);
        timings.add("boundary, all told", start);
    }

    /**
     * The runner for statement {@code number}, started ahead if it was; and the next ones are started now, to get
     * to their pause while this one is checked.
     */
    private PausedRunner pausedBefore(int ordinal) throws Exception {
        for (int n = ordinal; n <= Math.min(ordinal + RUNNERS_AHEAD, all.size()); n++) {
            Boundary next = all.get(n - 1);
            started.computeIfAbsent(n, key -> startAhead(next));
        }
        try {
            return started.remove(ordinal).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private CompletableFuture<PausedRunner> startAhead(Boundary boundary) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            TestDatabase database = TestPostgres.newDatabase(boundary.major(), "crash_" + boundary.ordinal());
            try {
                Process process = CrashScene.startPausing(home, database, boundary.number());
                runners.put(boundary.ordinal(), process);
                String marker = CrashScene.awaitMarker(process);
                timings.add("(ahead) start to pause", started);
                return new PausedRunner(database, process, marker);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ahead);
    }

    /**
     * The killed run's steps before the boundary succeeded (an online one with its progress rows), and the killed
     * step recorded its statements up to the boundary as progress; the rerun did the rest, once, and recorded each
     * of the killed step's statements again, as done or as skipped. Nothing failed: a crash is not a failure.
     */
    private static void assertHistoryTellsWhatHappened(TestDatabase database, Boundary boundary, Timestamp killedAt)
            throws SQLException {
        List<String> expectedKilled = new ArrayList<>();
        List<String> expectedRerun = new ArrayList<>();
        for (Revision revision : Migrations.all()) {
            int compared = revision.id().compareTo(boundary.revision().id());
            List<String> run = compared < 0 ? expectedKilled : expectedRerun;
            if (revision.online()) {
                int count = CrashScene.statementCount(revision);
                if (compared == 0) {
                    IntStream.range(1, boundary.index()).forEach(i -> expectedKilled.add(progress(revision, i, count)));
                }
                IntStream.rangeClosed(1, count).forEach(i -> run.add(progress(revision, i, count)));
            }
            run.add(revision.id() + " success");
        }
        assertThat(history(database, "finished_at < ?", killedAt)).as("history rows of the killed run")
                .isEqualTo(expectedKilled);
        assertThat(history(database, "finished_at >= ?", killedAt)).as("history rows of the rerun")
                .isEqualTo(expectedRerun);
    }

    private static String progress(Revision revision, int statement, int count) {
        return revision.id() + " progress " + statement + "/" + count;
    }

    /** The rows in order, as "005 progress 3/21" or "005 success"; a row of another direction says so. */
    private static List<String> history(TestDatabase database, String condition, Timestamp killedAt)
            throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connect();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT %s, direction
                     FROM retort_history WHERE %s ORDER BY finished_at, started_at""".formatted(CrashScene.HISTORY_ROW,
                     condition))) {
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

    private static String nullToBlank(String id) {
        return id == null ? "" : id;
    }

    /** Wall-clock time per phase, summed over the boundaries, printed once at the end. */
    private static final class Timings {

        private final Map<String, long[]> phases = new LinkedHashMap<>();
        static final String LOCK_WAITED = "reruns that had to wait for the killed runner's lock";

        private final Map<String, Integer> events = new LinkedHashMap<>(Map.of(LOCK_WAITED, 0));
        private final long created = System.nanoTime();

        synchronized void add(String phase, long startNanos) {
            long[] sum = phases.computeIfAbsent(phase, p -> new long[2]);
            sum[0] += System.nanoTime() - startNanos;
            sum[1]++;
        }

        synchronized void count(String event) {
            events.merge(event, 1, Integer::sum);
        }

        synchronized String summary() {
            StringBuilder text = new StringBuilder("Crash recovery timings:");
            phases.forEach((phase, sum) -> text.append(String.format("%n  %-24s %4d × %5.0f ms = %6.1f s", phase,
                    sum[1], sum[0] / 1e6 / sum[1], sum[0] / 1e9)));
            events.forEach((event, count) -> text.append(String.format("%n  %s: %d", event, count)));
            return text.append(String.format("%n  whole class: %.1f s", (System.nanoTime() - created) / 1e9))
                    .toString();
        }
    }
}
