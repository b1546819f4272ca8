package dev.retort.data;

import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionsTest {

    private static DataLayerDatabase db;

    @BeforeAll
    static void createTable() throws SQLException {
        db = DataLayerDatabase.atHead("data_transactions");
        db.database.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL CHECK (body <> ''))");
    }

    private static int insertNote(Connection connection, int id) throws SQLException {
        try (Statement insert = connection.createStatement()) {
            return insert.executeUpdate("INSERT INTO notes VALUES (" + id + ", 'note')");
        }
    }

    private static String notes(int id) throws SQLException {
        return db.value("SELECT count(*) FROM notes WHERE id = ?", id);
    }

    @Test
    void whatTheWorkReturnsIsCommittedAndReturned() throws SQLException {
        int inserted = db.transactions.inTransaction(connection -> insertNote(connection, 1));

        assertThat(inserted).isEqualTo(1);
        assertThat(notes(1)).isEqualTo("1");
    }

    @Test
    void anExceptionOfTheWorkRollsBackAndIsThrownAsItIs() throws SQLException {
        IllegalStateException broken = new IllegalStateException("broken after the insert");

        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            insertNote(connection, 2);
            throw broken;
        })).isSameAs(broken);

        assertThat(notes(2)).isEqualTo("0");
    }

    @Test
    void aRefusalOfTheDatabaseIsTranslatedWithTheSqlExceptionAsCause() throws SQLException {
        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            insertNote(connection, 3);
            try (Statement insert = connection.createStatement()) {
                return insert.executeUpdate("INSERT INTO notes VALUES (4, '')");
            }
        })).isInstanceOfSatisfying(CheckViolationException.class, refused -> {
            assertThat(refused.constraint()).isEqualTo("notes_body_check");
            assertThat(refused.column()).as("a constraint the layer does not know").isNull();
            assertThat(refused.getCause()).isInstanceOf(SQLException.class);
        }).hasMessageStartingWith("a row of notes was refused by check constraint notes_body_check (");

        assertThat(notes(3)).isEqualTo("0");
    }

    /**
     * A caller's log prints the causes too ("Caused by: …"): the driver's exception, whose message had PostgreSQL's
     * detail, the failing row, must not bring the hash back (code review).
     */
    private static void quotesNoPasswordHashInItsCauses(Throwable refused) {
        for (Throwable cause = refused.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(cause.toString()).doesNotContain(DataLayerDatabase.BCRYPT);
        }
    }

    /** PostgreSQL's detail lists the failing row, which holds the password hash: the message leaves it out. */
    @Test
    void aNullForANotNullColumnNamesTheColumnAndNotTheRow() {
        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            try (Statement insert = connection.createStatement()) {
                return insert.executeUpdate("INSERT INTO users (email, password_hash, full_name)"
                        + " VALUES ('nameless@example.com', '" + DataLayerDatabase.BCRYPT + "', NULL)");
            }
        })).isInstanceOfSatisfying(DataException.class, refused -> assertThat(refused.sqlState()).isEqualTo("23502"))
                .hasMessage("users.full_name was given no value, and it is NOT NULL: give it one")
                .hasMessageNotContaining(DataLayerDatabase.BCRYPT)
                .satisfies(TransactionsTest::quotesNoPasswordHashInItsCauses);
    }

    /** A check this layer does not know keeps PostgreSQL's words, but not the failing row its detail lists. */
    @Test
    void aRefusalInPostgresqlsWordsLeavesOutTheFailingRow() throws SQLException {
        db.database.execute("ALTER TABLE users ADD CONSTRAINT ck_users_not_forbidden CHECK (full_name <> 'Forbidden')");

        assertThatThrownBy(() -> db.users.create(Actor.system(),
                new NewUser("forbidden@example.com", DataLayerDatabase.BCRYPT, "Forbidden", "client")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("a row of users was refused by check constraint ck_users_not_forbidden (new row for"
                        + " relation \"users\" violates check constraint \"ck_users_not_forbidden\" (SQLSTATE 23514))")
                .hasMessageNotContaining(DataLayerDatabase.BCRYPT)
                .satisfies(TransactionsTest::quotesNoPasswordHashInItsCauses);
    }

    /** A value too long in work of the caller's own: no texts were kept to name the field, so PostgreSQL's words. */
    @Test
    void aValueTooLongInWorkOfTheCallersOwnIsRefusedInPostgresqlsWords() throws SQLException {
        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            insertNote(connection, 13);
            try (Statement insert = connection.createStatement()) {
                return insert.executeUpdate("INSERT INTO customers (name, email, tax_id)"
                        + " VALUES ('Own', 'own@example.com', '" + "T".repeat(65) + "')");
            }
        })).isInstanceOfSatisfying(DataException.class, refused -> assertThat(refused.sqlState()).isEqualTo("22001"))
                .hasMessage("the database refused the operation: value too long for type character varying(64)"
                        + " (SQLSTATE 22001)");

        assertThat(notes(13)).isEqualTo("0");
    }

    @Test
    void autocommitIsRestoredAfterSuccessAndAfterFailure() throws SQLException {
        try (Connection connection = db.database.connect()) {
            Transactions.inTransaction(connection, c -> insertNote(c, 5));
            assertThat(connection.getAutoCommit()).isTrue();

            assertThatThrownBy(() -> Transactions.inTransaction(connection, c -> insertNote(c, 5)))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("duplicate key value violates unique constraint \"notes_pkey\"")
                    .hasMessageContaining("(SQLSTATE 23505)");
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    @Test
    void workOnAConnectionOutOfAutocommitJoinsItsOwnersTransactionAndCommitsNothing() throws SQLException {
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);

            Transactions.inTransaction(connection, c -> insertNote(c, 6));

            assertThat(connection.getAutoCommit()).isFalse();
            assertThat(notes(6)).as("not committed behind the owner's back").isEqualTo("0");
            connection.rollback();
            assertThat(notes(6)).isEqualTo("0");
        }
    }

    /**
     * A transaction begun as SQL on a connection left in autocommit is the owner's all the same: committing the
     * change would commit the owner's pending work with it, behind its back, and pgjdbc takes no savepoint in
     * autocommit. So the change is refused before it runs, and the owner's transaction is left as it was.
     */
    @Test
    void aChangeOnAConnectionInAutocommitWithATransactionBegunAsSqlIsRefusedAndCommitsNothing() throws SQLException {
        Actor admin = db.newAdmin();
        try (Connection connection = db.database.connect()) {
            try (Statement begin = connection.createStatement()) {
                begin.execute("BEGIN");
            }
            insertNote(connection, 21);
            Transactions own = Transactions.on(connection);
            Customers customers = new Customers(own, new AuditTrail(own));

            NewCustomer begun = NewCustomer.of("Begun", "begun@example.com", "individual");
            assertThatThrownBy(() -> customers.create(admin, begun))
                    .isInstanceOfSatisfying(DataException.class, refused -> assertThat(refused.sqlState()).isEqualTo("25001"))
                    .hasMessageStartingWith("a transaction is open on this connection, begun as SQL while it is in"
                            + " autocommit: the work would commit it");

            assertThat(connection.getAutoCommit()).isTrue();
            insertNote(connection, 22);
            try (Statement rollback = connection.createStatement()) {
                rollback.execute("ROLLBACK");
            }
        }
        assertThat(notes(21)).as("the owner's work, not committed behind its back").isEqualTo("0");
        assertThat(notes(22)).as("the owner's transaction went on").isEqualTo("0");
        assertThat(db.value("SELECT count(*) FROM customers WHERE name = 'Begun'")).isEqualTo("0");
    }

    @Test
    void aRefusedChangeInTheOwnersTransactionRollsBackOnlyItselfAndLeavesTheRestToTheOwner() throws SQLException {
        Actor admin = db.newAdmin();
        Customer live = db.customers.create(admin, NewCustomer.of("Live", "live@example.com", "individual"));
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);
            Transactions own = Transactions.on(connection);
            Customers customers = new Customers(own, new AuditTrail(own));
            insertNote(connection, 12);

            assertThatThrownBy(() -> customers.restore(admin, live.id())).isInstanceOf(NotDeletedException.class);
            assertThatThrownBy(() -> customers.update(admin, live.id(), CustomerChanges.none().withName(" ")))
                    .isInstanceOf(CheckViolationException.class);
            // Named by a catalog lookup after the rollback to the savepoint, in the owner's transaction.
            CustomerChanges tooLong = CustomerChanges.none().withName("n".repeat(256));
            assertThatThrownBy(() -> customers.update(admin, live.id(), tooLong))
                    .isInstanceOf(ValueTooLongException.class)
                    .hasMessage("name is 256 characters, but customers.name takes at most 255: shorten it");
            Customer renamed = customers.update(admin, live.id(), CustomerChanges.none().withName("Renamed"));

            assertThat(notes(12)).as("the owner's pending insert, not committed by the refusals").isEqualTo("0");
            connection.commit();
            assertThat(notes(12)).isEqualTo("1");
            assertThat(renamed.name()).isEqualTo("Renamed");
            assertThat(db.auditRows(live.id())).extracting(row -> row.get("action")).containsExactly("create", "update");
        }
    }

    @Test
    void aReadThatFailsInTheOwnersTransactionLeavesItUsable() throws SQLException {
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);
            insertNote(connection, 8);
            Transactions own = Transactions.on(connection);
            Customers customers = new Customers(own, new AuditTrail(own));

            assertThatThrownBy(() -> customers.activeOfType("premium", 10))
                    .isInstanceOf(InvalidEnumValueException.class).hasMessageContaining("individual");

            insertNote(connection, 9);
            connection.commit();
            assertThat(notes(8)).isEqualTo("1");
            assertThat(notes(9)).isEqualTo("1");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the join, it waits forever
    void aChangeNestedInATransactionOverAPoolJoinsItInsteadOfWaitingForItsLocks() throws SQLException {
        Actor admin = db.newAdmin();
        Customer customer = db.customers.create(admin, NewCustomer.of("Nested", "nested@example.com", "business"));
        IllegalStateException broken = new IllegalStateException("the caller's work failed after the change");

        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            try (Statement touch = connection.createStatement()) {
                touch.executeUpdate("UPDATE customers SET city = 'Porto' WHERE id = '" + customer.id() + "'");
            }
            // On a connection of its own, this would wait for the row the statement above locked, forever.
            db.customers.softDelete(admin, customer.id());
            assertThat(db.customers.find(customer.id())).as("a nested read sees the transaction's writes").isEmpty();
            throw broken;
        })).isSameAs(broken);

        assertThat(db.row("customers", customer.id())).containsEntry("deleted_at", null).containsEntry("city", null);
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create");
    }

    /** A transaction over another data source, nested and ended, leaves the outer one's for the calls after it. */
    @Test
    void aNestedTransactionOverAnotherDataSourceLeavesTheOuterOneJoinable() {
        Transactions other = new Transactions(db.database.dataSource());

        db.transactions.inTransaction(outer -> {
            assertThat(other.inTransaction(TestPostgres::backendPid)).isNotEqualTo(TestPostgres.backendPid(outer));
            assertThat(db.transactions.withConnection(TestPostgres::backendPid))
                    .isEqualTo(TestPostgres.backendPid(outer));
            return null;
        });
    }

    /** A pool set to hand out connections out of autocommit (HikariCP's autoCommit=false): each call's is its own. */
    @Test
    void aConnectionFromAPoolOutOfAutocommitIsTheCallsOwnAndItsWorkCommits() throws SQLException {
        DataSource pool = db.database.dataSource();
        DataSource outOfAutocommit = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, called, arguments) -> {
                    Object result = called.invoke(pool, arguments);
                    if (result instanceof Connection connection) {
                        connection.setAutoCommit(false);
                    }
                    return result;
                });

        new Transactions(outOfAutocommit).inTransaction(c -> insertNote(c, 15));

        assertThat(notes(15)).isEqualTo("1");
    }

    /**
     * Work that catches the failure of one of its statements and returns: PostgreSQL has aborted the transaction,
     * and pgjdbc's commit() ends it with a ROLLBACK and returns as if it had committed. The change joined under a
     * savepoint before that, and its audit row, must not be reported as written.
     */
    @Test
    void workThatCatchesAFailedStatementAndReturnsIsReportedAsRolledBackNotAsCommitted() throws SQLException {
        Actor admin = db.newAdmin();
        Customer customer = db.customers.create(admin, NewCustomer.of("Swallowed", "swallowed@example.com", "business"));

        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            db.customers.update(admin, customer.id(), CustomerChanges.none().withStatus("suspended"));
            insertNote(connection, 16);
            try {
                insertNote(connection, 16);
            } catch (SQLException duplicate) {
                // "Already there, fine": but the transaction is aborted all the same.
            }
            return null;
        })).isInstanceOfSatisfying(DataException.class, refused -> assertThat(refused.sqlState()).isEqualTo("25P02"))
                .hasMessageStartingWith("a statement of the work failed and the work returned all the same");

        assertThat(db.row("customers", customer.id())).containsEntry("status", "active");
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create");
        assertThat(notes(16)).isEqualTo("0");
    }

    /** The same in a transaction its owner has open: only the work is rolled back, and the owner's goes on. */
    @Test
    void workThatCatchesAFailedStatementInTheOwnersTransactionIsRolledBackToItsSavepoint() throws SQLException {
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);
            insertNote(connection, 17);

            assertThatThrownBy(() -> Transactions.inTransaction(connection, c -> {
                insertNote(c, 18);
                try {
                    insertNote(c, 18);
                } catch (SQLException duplicate) {
                    // Caught, and the owner's transaction aborted with it.
                }
                return null;
            })).isInstanceOfSatisfying(DataException.class, refused -> assertThat(refused.sqlState()).isEqualTo("25P02"))
                    .hasMessageStartingWith("a statement of the work failed and the work returned all the same");

            insertNote(connection, 19);
            connection.commit();
        }
        assertThat(notes(17)).as("the owner's work before the call").isEqualTo("1");
        assertThat(notes(18)).as("the work's, rolled back to its savepoint").isEqualTo("0");
        assertThat(notes(19)).as("the owner's work after the call").isEqualTo("1");
    }

    @Test
    void aRollbackThatFailsIsSuppressedAndTheOriginalFailureThrown() {
        IllegalStateException original = new IllegalStateException("the connection went away");

        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            connection.close();
            throw original;
        })).isSameAs(original).satisfies(thrown -> assertThat(thrown.getSuppressed()).isNotEmpty());
    }

    @Test
    void readsRunOnAConnectionOfTheirOwn() {
        String name = db.transactions.withConnection(connection -> {
            try (Statement query = connection.createStatement();
                 var row = query.executeQuery("SELECT current_database()")) {
                row.next();
                return row.getString(1);
            }
        });

        assertThat(name).isEqualTo(db.database.name());
    }

    @Test
    void onOneConnectionEveryCallUsesItAndNoneClosesIt() throws SQLException {
        try (Connection connection = db.database.connect()) {
            Transactions own = Transactions.on(connection);
            int backend = own.withConnection(TestPostgres::backendPid);

            own.inTransaction(c -> insertNote(c, 7));
            assertThatThrownBy(() -> own.inTransaction(c -> insertNote(c, 7))).isInstanceOf(DataException.class);

            assertThat(connection.isClosed()).isFalse();
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(own.inTransaction(TestPostgres::backendPid)).isEqualTo(backend);
            assertThat(notes(7)).isEqualTo("1");
        }
    }

    @Test
    void aConnectionLostDuringCommitIsNotReportedAsARollback() throws SQLException {
        try (Connection real = db.database.connect()) {
            Connection lostAtCommit = failing(real, "commit", new SQLException("An I/O error occurred", "08006"));

            assertThatThrownBy(() -> Transactions.inTransaction(lostAtCommit, c -> insertNote(c, 13)))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("may or may not have been written; read them back before retrying");
        }
    }

    @Test
    void aConnectionLostJustAfterCommitStillReportsTheCommittedResult() throws SQLException {
        try (Connection real = db.database.connect()) {
            Connection lostAfter = failing(real, "setAutoCommit", null);

            int inserted = Transactions.inTransaction(lostAfter, c -> insertNote(c, 14));

            assertThat(inserted).isEqualTo(1);
            assertThat(notes(14)).isEqualTo("1");
        }
    }

    /**
     * A pool's close() resets the connection for its next user and can fail at it (HikariCP throws when its
     * rollback, autocommit reset or clearWarnings does, on a connection lost just after the commit): the change
     * is committed, and that is the outcome to report, not a failure that a caller would retry, writing it twice.
     */
    @Test
    void aConnectionThatFailsToCloseAfterTheCommitStillReportsTheCommittedResult() throws SQLException {
        DataSource pool = db.database.dataSource();
        List<Connection> handedOut = new ArrayList<>();
        DataSource failingOnClose = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, called, arguments) -> {
                    Object result = called.invoke(pool, arguments);
                    if (result instanceof Connection real) {
                        handedOut.add(real);
                        return failing(real, "close", new SQLException("An I/O error occurred", "08006"));
                    }
                    return result;
                });
        try {
            int inserted = new Transactions(failingOnClose).inTransaction(c -> insertNote(c, 20));
            String read = new Transactions(failingOnClose)
                    .withConnection(c -> String.valueOf(TestPostgres.backendPid(c)));

            assertThat(inserted).isEqualTo(1);
            assertThat(read).isNotEmpty();
            assertThat(notes(20)).isEqualTo("1");
        } finally {
            for (Connection real : handedOut) {
                real.close();
            }
        }
    }

    /**
     * {@code real}, except that {@code method} throws {@code failure}, or, when that is null, fails once it has been
     * called before (setAutoCommit(false) works, setAutoCommit(true) after the commit does not).
     */
    private static Connection failing(Connection real, String method, SQLException failure) {
        int[] calls = {0};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, called, arguments) -> {
                    if (called.getName().equals(method) && (failure != null || calls[0]++ > 0)) {
                        throw failure != null ? failure : new SQLException("This connection has been closed", "08003");
                    }
                    try {
                        return called.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

}
