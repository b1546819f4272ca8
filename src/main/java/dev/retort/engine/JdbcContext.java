package dev.retort.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Executes a revision's statements on the run's connection, remembering which one failed. */
final class JdbcContext implements MigrationContext {

    private final Connection connection;

    JdbcContext(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new StatementFailedException(sql, e);
        }
    }

    /** A statement PostgreSQL refused, with the statement, so the error can point into it. */
    static final class StatementFailedException extends RuntimeException {

        private final String sql;

        StatementFailedException(String sql, SQLException cause) {
            super(cause.getMessage(), cause);
            this.sql = sql;
        }

        String sql() {
            return sql;
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }
}
