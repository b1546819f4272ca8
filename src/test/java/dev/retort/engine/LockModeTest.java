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

    /**
     * A statement that locks two tables in two modes (a column and its foreign key: ACCESS EXCLUSIVE on the altered
     * table, SHARE ROW EXCLUSIVE on the referenced one) waits for each table's holders by that table's mode: a reader
     * of the referenced table is not in its way, and naming it would send the operator after the wrong session.
     */
    @Test
    void eachTablesHoldersAreFoundByTheModeAskedForOnIt() throws SQLException {
        database.execute("CREATE TABLE referenced (id int PRIMARY KEY); CREATE TABLE altered (id int)");
        DdlStatement statement = DdlStatement.analyze("ALTER TABLE altered ADD COLUMN referenced_id int, "
                + "ADD CONSTRAINT fk_altered_referenced FOREIGN KEY (referenced_id) REFERENCES referenced (id)",
                SchemaFacts.NONE);
        assertThat(statement.locks()).extracting(DdlStatement.TableLock::mode)
                .containsExactly(LockMode.ACCESS_EXCLUSIVE, LockMode.SHARE_ROW_EXCLUSIVE);
        try (Connection reader = database.connect("the-reader"); Connection writer = database.connect("the-writer");
             Connection alteredReader = database.connect("the-altered-reader");
             Connection looker = database.connect()) {
            for (Connection holder : List.of(reader, writer, alteredReader)) {
                holder.setAutoCommit(false);
            }
            execute(reader, "LOCK TABLE referenced IN ACCESS SHARE MODE");
            execute(writer, "LOCK TABLE referenced IN ROW EXCLUSIVE MODE");
            execute(alteredReader, "LOCK TABLE altered IN ACCESS SHARE MODE");

            assertThat(BlockingSession.holdingConflictingLocks(looker, statement.locks(), List.of()))
                    .extracting(BlockingSession::applicationName, BlockingSession::table)
                    .containsExactlyInAnyOrder(tuple("the-altered-reader", "altered"), tuple("the-writer", "referenced"));
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
