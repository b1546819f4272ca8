package dev.retort.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.BiConsumer;

/** Executes a revision's statements on the run's connection, remembering which one failed. */
final class JdbcContext implements MigrationContext {

    private final Connection connection;
    private final BiConsumer<Integer, String> beforeEach;
    private int executed;

    /** @param beforeEach told each statement's number (from 1) and text before it runs */
    JdbcContext(Connection connection, BiConsumer<Integer, String> beforeEach) {
        this.connection = connection;
        this.beforeEach = beforeEach;
    }

    @Override
    public void execute(String sql) {
        beforeEach.accept(++executed, sql);
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
