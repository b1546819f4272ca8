package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Retort's table of lock conflicts and of pg_locks' names, checked against PostgreSQL itself rather than a copy. */
class LockModeTest {

    private final TestDatabase database = TestPostgres.newDatabase("lock_mode");

    /** For every pair of modes: one session holds the first, another asks for the second without waiting. */
    @Test
    void conflictsAreThoseOfPostgreSql() throws SQLException {
        database.execute("CREATE TABLE locked (id int)");
        try (Connection holder = database.connect(); Connection asker = database.connect()) {
            holder.setAutoCommit(false);
            asker.setAutoCommit(false);
            for (LockMode held : LockMode.values()) {
                for (LockMode wanted : LockMode.values()) {
                    execute(holder, "LOCK TABLE locked IN " + held + " MODE");

                    boolean waits = !tryLock(asker, wanted);

                    assertThat(held.conflictsWith(wanted)).as("%s held, %s wanted", held, wanted).isEqualTo(waits);
                    holder.rollback();
                }
            }
        }
    }

    @Test
    void eachModeIsNamedAsPgLocksNamesIt() throws SQLException {
        database.execute("CREATE TABLE locked (id int)");
        try (Connection holder = database.connect()) {
            holder.setAutoCommit(false);
            for (LockMode mode : LockMode.values()) {
                execute(holder, "LOCK TABLE locked IN " + mode + " MODE");

                assertThat(database.column("SELECT mode FROM pg_locks WHERE relation = 'locked'::regclass"))
                        .containsExactly(mode.pgLocksName());
                assertThat(LockMode.ofPgLocks(mode.pgLocksName())).isEqualTo(mode);
                holder.rollback();
            }
        }
    }

    /** The sessions a statement waits for, found once its wait is over: by the mode it wants, not any lock held. */
    @Test
    void theHoldersOfAConflictingLockAreFoundWithoutAWaitingStatement() throws SQLException {
        database.execute("CREATE TABLE locked (id int)");
        try (Connection holder = database.connect("the-holder"); Connection looker = database.connect()) {
            holder.setAutoCommit(false);
            execute(holder, "LOCK TABLE locked IN ROW EXCLUSIVE MODE");

            assertThat(BlockingSession.holdingConflictingLocks(looker, List.of("locked"), LockMode.SHARE_ROW_EXCLUSIVE,
                    List.of())).extracting(BlockingSession::applicationName, BlockingSession::table)
                    .containsExactly(tuple("the-holder", "locked"));
            assertThat(BlockingSession.holdingConflictingLocks(looker, List.of("locked"), LockMode.ROW_EXCLUSIVE,
                    List.of())).as("ROW EXCLUSIVE does not conflict with itself").isEmpty();
            holder.rollback();
        }
    }

    private static boolean tryLock(Connection asker, LockMode wanted) throws SQLException {
        try {
            execute(asker, "LOCK TABLE locked IN " + wanted + " MODE NOWAIT");
            return true;
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as("lock_not_available").isEqualTo("55P03");
            return false;
        } finally {
            asker.rollback();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
