package dev.retort.cli;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** What the crash and race tests share: starting and killing runners, and what a database must look like after. */
final class CrashScene {

    static final int SIGKILL_EXIT = 128 + 9;

    private CrashScene() {
    }

    /** The schema of a database migrated to head in one go, without any crash: what every rerun must end with. */
    static String headSchema() throws SQLException {
        return headSchema(TestPostgres.DEFAULT_MAJOR);
    }

    /** The same on a given major: catalog text is compared between servers of one major only. */
    static String headSchema(int major) throws SQLException {
        TestDatabase database = TestPostgres.newDatabase(major, "head_reference");
        migrator(database).upgrade("head");
        String schema = database.schema();
        TestPostgres.drop(database);
        return schema;
    }

    static Migrator migrator(TestDatabase database) {
        return new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }


    /** A real {@code retort … upgrade head} that stops before statement {@code statement} of its run. */
    static Process startPausing(Path home, TestDatabase database, int statement, String... options)
            throws IOException {
        String[] args = new String[options.length + 5];
        args[0] = String.valueOf(statement);
        args[1] = "--url";
        args[2] = database.postgresUrl();
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 2] = "upgrade";
        args[args.length - 1] = "head";
        return JavaProcess.start(home, JavaProcess.QUICK_START, PausingRetort.class, args);
    }

    /** Reads stdout up to the pause marker and returns that line; fails with stderr if the process ends first. */
    static String awaitMarker(Process process) throws IOException {
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

    /**
     * SIGKILL (what {@code destroyForcibly} sends on Unix), and proof that the process is gone, and its sessions with
     * it: the server ends them when it finds their client gone, a moment later, and until then the run's locks are
     * held, so that current would still call its step under way.
     */
    static void killNine(Process process, TestDatabase database) throws InterruptedException, SQLException {
        killNine(process);
        awaitTrue(database, Duration.ofSeconds(30), "SELECT NOT EXISTS (SELECT FROM pg_locks WHERE locktype = "
                + "'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))");
    }

    /**
     * SIGKILL, and proof that the process is gone; its sessions may live on a moment, until the server finds their
     * client gone (for one blocked on a lock, at the next client_connection_check_interval).
     */
    static void killNine(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed within 10 s").isTrue();
        assertThat(process.exitValue()).as("exit status of a process killed by SIGKILL").isEqualTo(SIGKILL_EXIT);
    }

    /** Lets a paused runner go on from its pause. */
    static void resume(Process process) throws IOException {
        process.getOutputStream().write((PausingRetort.CONTINUE + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    static List<String> invalidIndexes(TestDatabase database) throws SQLException {
        return database.column("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT (indisvalid AND indisready)");
    }

    /**
     * Advisory locks held or awaited in this database: only Retort's are ever taken there, a run's migration lock and
     * its work session's mark (WorkMark).
     */
    static int advisoryLocks(TestDatabase database) throws SQLException {
        return Integer.parseInt(database.column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").get(0));
    }

    static String currentRevision(TestDatabase database) throws SQLException {
        List<String> rows = database.column("SELECT version_num FROM alembic_version");
        assertThat(rows).as("alembic_version rows").hasSizeLessThanOrEqualTo(1);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The number, counted from 1 across a whole upgrade from base, of statement {@code index} of a revision. */
    static int statementNumber(String revisionId, int index) {
        int before = 0;
        for (Revision revision : Migrations.all()) {
            if (revision.id().equals(revisionId)) {
                return before + index;
            }
            before += statementCount(revision);
        }
        throw new IllegalArgumentException("no revision " + revisionId);
    }

    /** Where every crash test must end: the head, its catalog, no INVALID index, no advisory lock left. */
    static void assertAtHead(TestDatabase database, String headSchema) throws SQLException {
        assertThat(currentRevision(database)).isEqualTo(ProjectHead.id());
        assertThat(database.schema()).isEqualTo(headSchema);
        assertThat(invalidIndexes(database)).isEmpty();
        assertThat(advisoryLocks(database)).as("advisory locks left in pg_locks").isZero();
    }

    /** The rerun after a crash, as an operator types it; it must succeed. */
    static Cli.Result rerun(Path home, TestDatabase database) {
        Cli.Result rerun = Cli.shipped(home).runOn(database.postgresUrl(), "--lock-wait", "5s",
                "upgrade", "head");
        assertThat(rerun.exitCode()).as("rerun: %s%s", rerun.out(), rerun.err()).isZero();
        return rerun;
    }

    /** A history row as the crash tests compare them: "005 progress 3/21" or "005 success". */
    static final String HISTORY_ROW = "revision || ' ' || outcome || coalesce(' ' || split_part(part, ':', 1), '')";

    static int statementCount(Revision revision) {
        return RecordingContext.statementsOf(Step.up(revision)).size();
    }

    /**
     * Waits until {@code query} (one boolean) is true in the database, asking every few milliseconds; fails after
     * {@code timeout}. For conditions that only the database can tell, such as a statement waiting on a lock.
     */
    static void awaitTrue(TestDatabase database, Duration timeout, String query) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    if (rows.next() && rows.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not true within " + timeout + ": " + query);
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }
    }

    static Timestamp databaseClock(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getTimestamp(1);
        }
    }
}
