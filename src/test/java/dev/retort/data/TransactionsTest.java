package dev.retort.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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
    void aConnectionOutOfAutocommitStaysSo() throws SQLException {
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);

            Transactions.inTransaction(connection, c -> insertNote(c, 6));

            assertThat(connection.getAutoCommit()).isFalse();
            assertThat(notes(6)).as("committed").isEqualTo("1");
        }
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
            int backend = own.withConnection(TransactionsTest::backendPid);

            own.inTransaction(c -> insertNote(c, 7));
            assertThatThrownBy(() -> own.inTransaction(c -> insertNote(c, 7))).isInstanceOf(DataException.class);

            assertThat(connection.isClosed()).isFalse();
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(own.inTransaction(TransactionsTest::backendPid)).isEqualTo(backend);
            assertThat(notes(7)).isEqualTo("1");
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement(); var row = query.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }
}
