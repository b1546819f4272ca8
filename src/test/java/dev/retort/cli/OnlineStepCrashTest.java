package dev.retort.cli;

import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.retort.cli.CrashScene.awaitMarker;
import static dev.retort.cli.CrashScene.awaitTrue;
import static dev.retort.cli.CrashScene.currentRevision;
import static dev.retort.cli.CrashScene.invalidIndexes;
import static dev.retort.cli.CrashScene.killNine;
import static dev.retort.cli.CrashScene.resume;
import static dev.retort.cli.CrashScene.statementCount;
import static dev.retort.cli.CrashScene.statementNumber;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes inside an online step that the statement boundaries alone do not reach: in the middle of a
 * {@code CREATE INDEX CONCURRENTLY}, which leaves an INVALID index behind, and after a step's last statement but
 * before its version moves. Each rerun must finish the job: head's schema, every index valid, nothing run twice.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OnlineStepCrashTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static String headSchema;

    @TempDir
    Path home;

    private final TestDatabase database = TestPostgres.newDatabase("online_crash");
    private final List<Process> runners = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    @BeforeAll
    static void snapshotTheHeadOnceWithoutCrash() throws SQLException {
        headSchema = CrashScene.headSchema();
    }

    @AfterEach
    void killRunnersAndCloseConnectionsLeftByAFailure() throws SQLException {
        runners.forEach(Process::destroyForcibly);
        for (Connection connection : connections) {
            connection.close();
        }
    }

    /**
     * A session with an old snapshot makes {@code CREATE INDEX CONCURRENTLY} wait after it has built the index but
     * before it marks it valid; the runner is killed right then. PostgreSQL notices the dead client (Retort sets
     * {@code client_connection_check_interval}), cancels the build and leaves the index INVALID, as a crash does.
     */
    @Test
    void anIndexBuildKilledHalfwayIsLeftInvalidAndTheRerunBuildsItAgain() throws Exception {
        CrashScene.migrator(database).upgrade("003");
        database.execute("INSERT INTO customers (name, email) SELECT 'Customer ' || n, 'c' || n || '@example.com'"
                + " FROM generate_series(1, 10000) n");
        Process runner = startPausing(5); // this run starts at 003: its fifth statement is 004's fifth
        assertThat(awaitMarker(runner))
                .contains("004 5/6 CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by");

        Connection oldSnapshot = open();
        oldSnapshot.setAutoCommit(false);
        oldSnapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement statement = oldSnapshot.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM users").close();
        }
        resume(runner);
        awaitTrue(database, WAIT, "SELECT EXISTS (SELECT 1 FROM pg_stat_progress_create_index"
                + " WHERE datname = current_database() AND phase = 'waiting for old snapshots')");
        assertThat(invalidIndexes(database)).as("built, not yet valid").containsExactly("ix_customers_created_by");

        killNine(runner, database);
        awaitTrue(database, WAIT, "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name = 'retort')");
        oldSnapshot.rollback();
        assertThat(invalidIndexes(database)).as("left by the killed build").containsExactly("ix_customers_created_by");
        assertThat(currentRevision(database)).isEqualTo("003");

        Cli.Result rerun = rerun();
        assertThat(rerun.out()).contains("  resuming: the last run of this step stopped after 4/6: ALTER TABLE "
                + "customers VALIDATE CONSTRAINT fk_customers_updated_by; what it did is skipped\n",
                "index ix_customers_created_by was left INVALID by an interrupted build: dropping it to build it again");
        assertAtHeadAsIfNothingHappened();
        assertThat(historyOf("004")).containsExactlyElementsOf(concat(
                progress("004", 1, 4), progress("004", 1, 6), List.of("004 success")));
    }

    /**
     * The recipe for an INVALID index: a unique build on duplicate values fails and leaves its index behind
     * under the name the revision is about to build, here after the runner was killed just before that build.
     */
    @Test
    void anInvalidIndexFoundUnderTheNameOfAnIndexToBuildIsDroppedAndBuiltAgain() throws Exception {
        Process runner = startPausing(statementNumber("004", 5));
        assertThat(awaitMarker(runner)).contains("004 5/6 CREATE INDEX CONCURRENTLY");
        killNine(runner, database);

        database.execute("INSERT INTO users (email, password_hash, full_name)"
                + " VALUES ('ada@example.com', repeat('x', 60), 'Ada')");
        database.execute("INSERT INTO customers (name, email, created_by) SELECT 'Customer ' || n, 'c' || n"
                + " || '@example.com', (SELECT id FROM users) FROM generate_series(1, 2) n");
        try {
            database.execute("CREATE UNIQUE INDEX CONCURRENTLY ix_customers_created_by ON customers (created_by)");
            throw new AssertionError("a unique index on duplicate values was built");
        } catch (SQLException expected) {
            assertThat(expected.getSQLState()).as(expected.getMessage()).isEqualTo("23505");
        }
        assertThat(invalidIndexes(database)).containsExactly("ix_customers_created_by");

        Cli.Result rerun = rerun();
        assertThat(rerun.out()).contains("index ix_customers_created_by was left INVALID by an interrupted build");
        assertAtHeadAsIfNothingHappened();
        assertThat(database.column("SELECT count(*) FROM customers")).containsExactly("2");
    }

    /**
     * The one place in an online step that is not before a statement: all its statements are done, the version has
     * not moved. A lock on alembic_version holds the runner exactly there. The rerun finds everything done, skips or
     * repeats harmlessly each statement, and moves the version.
     */
    @ParameterizedTest(name = "kill after the last statement of {0}, before its version moves")
    @ValueSource(strings = {"004", "005", "006"})
    void aRunKilledBeforeTheVersionMovesIsFinishedByTheRerun(String id) throws Exception {
        Revision revision = Migrations.all().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        int count = statementCount(revision);
        Process runner = startPausing(statementNumber(id, count));
        assertThat(awaitMarker(runner)).contains(id + " " + count + "/" + count);

        Connection versionLock = open();
        versionLock.setAutoCommit(false);
        try (Statement statement = versionLock.createStatement()) {
            // LOCK takes no snapshot, so it does not hold back a CREATE INDEX CONCURRENTLY that is the last statement.
            statement.execute("LOCK TABLE alembic_version IN SHARE MODE");
        }
        resume(runner);
        awaitTrue(database, WAIT, "SELECT EXISTS (SELECT 1 FROM retort_history WHERE revision = '" + id
                + "' AND part LIKE '" + count + "/" + count + ":%')");
        awaitTrue(database, WAIT, "SELECT EXISTS (SELECT 1 FROM pg_locks"
                + " WHERE relation = 'alembic_version'::regclass AND NOT granted)");

        killNine(runner); // its work session, blocked on alembic_version, ends once the lock is let go
        versionLock.rollback();
        assertThat(currentRevision(database)).isEqualTo(revision.revises());

        rerun();
        assertAtHeadAsIfNothingHappened();
        assertThat(historyOf(id)).containsExactlyElementsOf(concat(
                progress(id, 1, count), progress(id, 1, count), List.of(id + " success")));
    }

    private void assertAtHeadAsIfNothingHappened() throws SQLException {
        CrashScene.assertAtHead(database, headSchema);
        assertThat(database.column("SELECT revision FROM retort_history WHERE outcome = 'success'"
                + " AND direction = 'upgrade' ORDER BY finished_at"))
                .as("each revision applied once").containsExactlyElementsOf(ProjectHead.ids());
        assertThat(database.column("SELECT revision FROM retort_history WHERE outcome = 'failed'")).isEmpty();
    }

    private Cli.Result rerun() {
        return CrashScene.rerun(home, database);
    }

    /** One revision's upgrade rows in order, as "004 progress 3/6" or "004 success". */
    private List<String> historyOf(String id) throws SQLException {
        return database.column("SELECT " + CrashScene.HISTORY_ROW + " FROM retort_history WHERE revision = '" + id + "' ORDER BY finished_at, started_at");
    }

    private static List<String> progress(String id, int first, int last) {
        int count = statementCount(Migrations.all().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow());
        return IntStream.rangeClosed(first, last).mapToObj(i -> id + " progress " + i + "/" + count).toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private Process startPausing(int statement) throws Exception {
        Process runner = CrashScene.startPausing(home, database, statement);
        runners.add(runner);
        return runner;
    }

    private Connection open() throws SQLException {
        Connection connection = database.connect();
        connections.add(connection);
        return connection;
    }
}
