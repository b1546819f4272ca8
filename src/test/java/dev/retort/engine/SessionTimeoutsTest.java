package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each try runs under the lock_timeout and statement_timeout the policy gives it, set on the session only when they
 * change: a revision's own {@code SET lock_timeout} does not carry over into the statements after it.
 */
class SessionTimeoutsTest {

    private record OnlineRevision(String id, String revises, List<String> up) implements Revision {

        @Override
        public String message() {
            return "online " + id;
        }

        @Override
        public boolean online() {
            return true;
        }

        @Override
        public void upgrade(MigrationContext context) {
            up.forEach(context::execute);
        }

        @Override
        public void downgrade(MigrationContext context) {
        }
    }

    private TestDatabase database;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("session_timeouts");
    }

    @Test
    void aRevisionsOwnLockTimeoutEndsWithItsStatement() throws SQLException {
        // DO blocks are statements the engine cannot read, so each gets the first try's lock_timeout, like the SET.
        List<Revision> revisions = List.of(FakeRevision.table("001", null), new OnlineRevision("002", "001", List.of(
                "DO $$ BEGIN INSERT INTO t001 SELECT 1 WHERE current_setting('lock_timeout') = '1s'; END $$",
                "SET lock_timeout = '42s'",
                "DO $$ BEGIN INSERT INTO t001 SELECT 3 WHERE current_setting('lock_timeout') = '1s'; END $$")));

        migrator(database.dataSource(), revisions).upgrade("head");

        assertThat(database.column("SELECT id::text FROM t001 ORDER BY id")).containsExactly("1", "3");
    }

    @Test
    void anOnlineStepSetsTheTimeoutsOnlyWhenATryNeedsOthers() throws SQLException {
        AtomicInteger settings = new AtomicInteger();
        List<Revision> revisions = List.of(FakeRevision.table("001", null), new OnlineRevision("002", "001", List.of(
                "CREATE INDEX CONCURRENTLY ix_a ON t001 (id)",
                "CREATE INDEX CONCURRENTLY ix_b ON t001 (id)",
                "CREATE INDEX CONCURRENTLY ix_c ON t001 (id)",
                "CREATE INDEX CONCURRENTLY ix_d ON t001 (id)")));

        migrator(counting(database.dataSource(), "set_config('lock_timeout'", settings), revisions).upgrade("head");

        // 001 in one transaction: one try. 002: its four index builds wait patiently (one setting), then the version
        // moves under the first try's short lock_timeout (another).
        assertThat(settings).hasValue(3);
        assertThat(database.column("SELECT indexrelid::regclass::text FROM pg_index "
                + "WHERE indrelid = 't001'::regclass ORDER BY 1")).containsExactly("ix_a", "ix_b", "ix_c", "ix_d");
    }

    private static Migrator migrator(DataSource dataSource, List<Revision> revisions) {
        return new Migrator(dataSource, new RevisionGraph(revisions), MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    /** {@code real}, counting the statements prepared on its connections whose SQL contains {@code text}. */
    private static DataSource counting(DataSource real, String text, AtomicInteger count) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = real.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("prepareStatement") && ((String) args[0]).contains(text)) {
                                count.incrementAndGet();
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public Connection getConnection(String user, String password) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
