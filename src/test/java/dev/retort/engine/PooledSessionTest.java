package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service's pool lends Retort its sessions, then lends them to the application: each comes back as the pool lent
 * it, or the application's queries would run under the run's lock_timeout of a second (or its statement_timeout of 0,
 * in place of the role's), out of the autocommit the pool set, or inside a transaction left open.
 */
class PooledSessionTest {

    /** What a session carries from one user of the pool to the next. */
    private static final String SETTINGS = "SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), "
            + "current_setting('idle_session_timeout'), current_setting('idle_in_transaction_session_timeout'), "
            + "current_setting('client_connection_check_interval'), current_setting('search_path'), "
            + "current_setting('work_mem'), current_setting('application_name'), "
            + "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), "
            + "(SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()), "
            + "(SELECT count(*) FROM pg_listening_channels()), (SELECT count(*) FROM pg_cursors WHERE is_holdable)";

    /** Statements that leave something in the session past their transaction, one of each kind. */
    private static final List<String> LEAVES_IN_THE_SESSION = List.of("SELECT pg_advisory_lock(42)",
            "CREATE TEMPORARY TABLE scratch (id int)", "LISTEN retort_test",
            "DECLARE held CURSOR WITH HOLD FOR SELECT 1");

    private TestDatabase database;
    private ReusedConnections pool;

    record Session(boolean autoCommit, TransactionState transaction, List<String> settings) {
    }

    /** The database's own timeouts, and two sessions the pool has set up as an application's pool would. */
    @BeforeEach
    void aPoolOfTwoSessionsOutOfAutocommit() throws SQLException {
        database = TestPostgres.newDatabase("pooled_session");
        database.execute("ALTER DATABASE " + database.name() + " SET lock_timeout = '5s'");
        database.execute("ALTER DATABASE " + database.name() + " SET statement_timeout = '30s'");
        database.execute("ALTER DATABASE " + database.name() + " SET idle_in_transaction_session_timeout = '1h'");
        pool = new ReusedConnections(database.dataSource());
        try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
            for (Connection session : List.of(first, second)) {
                try (Statement statement = session.createStatement()) {
                    statement.execute("SET search_path = public");
                }
                session.setAutoCommit(false);
            }
        }
    }

    @Test
    void aRunGivesThePoolItsSessionsBackAsItLentThem() throws SQLException {
        List<Session> lent = sessions();
        List<Revision> revisions = List.of(FakeRevision.table("001", null),
                new FakeRevision("002", "001", "sets its own", List.of("SET work_mem = '1MB'",
                        "SET application_name = 'migrating'"), List.of()),
                FakeRevision.online("003", "002", List.of("CREATE INDEX CONCURRENTLY ix_t001 ON t001 (id)"),
                        List.of("DROP INDEX CONCURRENTLY IF EXISTS ix_t001")));

        migrator(revisions).upgrade("head");
        assertThat(sessions()).isEqualTo(lent);
        migrator(revisions).stamp("002");
        assertThat(sessions()).isEqualTo(lent);
    }

    /** An advisory lock, a temporary table, a LISTEN and a held cursor that a revision leaves do not reach the next. */
    @Test
    void whatARevisionLeavesInTheSessionIsCleared() throws SQLException {
        List<Session> lent = sessions();
        List<Revision> revisions = List.of(new FakeRevision("001", null, "leaves things", LEAVES_IN_THE_SESSION,
                List.of()));

        migrator(revisions).upgrade("head");

        assertThat(sessions()).isEqualTo(lent);
    }

    /**
     * A session lent with an advisory lock of the application's own: the revision's cannot be told from it, so the
     * session is not lent on at all. The other session is put back.
     */
    @Test
    void aSessionWhoseOwnLeftoversChangedIsAborted() throws SQLException {
        for (Connection session : pool.sessions()) {
            try (Statement statement = session.createStatement()) {
                statement.execute("SELECT pg_advisory_lock_shared(7)");
            }
            session.commit();
        }
        List<Revision> revisions = List.of(new FakeRevision("001", null, "takes one more",
                List.of("SELECT pg_advisory_lock(42)"), List.of()));

        migrator(revisions).upgrade("head");

        assertThat(pool.sessions()).filteredOn(this::isClosed).hasSize(1);
    }

    private boolean isClosed(Connection session) {
        try {
            return session.isClosed();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A data source that says closing ends each session ({@link FreshSessions}) gets no put-back, and pays no round
     * trip for one: here it breaks that promise, so the revision's setting is seen still in place.
     */
    @Test
    void aDataSourceOfFreshSessionsIsNotPutBack() throws SQLException {
        List<Revision> revisions = List.of(new FakeRevision("001", null, "sets its own",
                List.of("SET work_mem = '1MB'"), List.of()));
        pool = new FreshPool(database.dataSource());

        migrator(revisions).upgrade("head");

        assertThat(sessions()).extracting(session -> session.settings().get(6)).contains("1MB");
    }

    /** A pool claiming what a pool never may: that closing a connection ends its session. */
    private static final class FreshPool extends ReusedConnections implements FreshSessions {
        FreshPool(DataSource server) {
            super(server);
        }
    }

    @Test
    void aFailedRunGivesThemBackToo() throws SQLException {
        List<Session> lent = sessions();
        List<Revision> revisions = List.of(new FakeRevision("001", null, "one row", List.of(
                "CREATE TABLE t001 (id int)", "INSERT INTO t001 VALUES (-1)"), List.of("DROP TABLE t001")),
                FakeRevision.online("002", "001", List.of("CREATE INDEX CONCURRENTLY ix_t001 ON t001 (id)",
                        "ALTER TABLE t001 ADD CONSTRAINT ck_t001_id CHECK (id > 0)"), List.of(
                        "ALTER TABLE t001 DROP CONSTRAINT IF EXISTS ck_t001_id",
                        "DROP INDEX CONCURRENTLY IF EXISTS ix_t001")));

        assertThatThrownBy(() -> migrator(revisions).upgrade("head")).isInstanceOf(MigrationFailedException.class)
                .hasMessageEndingWith("Undone: the database is still at 001.");
        assertThat(sessions()).isEqualTo(lent);
    }

    /** A read in a pool's session out of autocommit begins a transaction: it is not lent on, open, to the next. */
    @Test
    void readsLeaveNoTransactionOpen() throws SQLException {
        List<Session> lent = sessions();
        Migrator migrator = migrator(List.of(FakeRevision.table("001", null)));

        migrator.current();
        migrator.status();
        migrator.plan(Direction.UPGRADE, "head");
        migrator.liveSchema();

        assertThat(sessions()).isEqualTo(lent);
    }

    private Migrator migrator(List<Revision> revisions) {
        return new Migrator(pool, new RevisionGraph(revisions), MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    /** Each of the pool's sessions as the next user would find it; looking leaves it so. */
    private List<Session> sessions() throws SQLException {
        List<Session> sessions = new ArrayList<>();
        for (Connection session : pool.sessions()) {
            TransactionState transaction = ((BaseConnection) session).getTransactionState();
            List<String> settings = new ArrayList<>();
            try (Statement statement = session.createStatement(); ResultSet row = statement.executeQuery(SETTINGS)) {
                row.next();
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    settings.add(row.getString(column));
                }
            }
            if (!session.getAutoCommit() && transaction == TransactionState.IDLE) {
                session.rollback();
            }
            sessions.add(new Session(session.getAutoCommit(), transaction, settings));
        }
        return sessions;
    }
}
