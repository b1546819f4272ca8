package dev.retort.data;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Runs work in one transaction: committed if the work returns, rolled back if it throws anything at all. This
 * is where every audited change gets its guarantee that the change and its audit row are written together or
 * not at all.
 *
 * <p>The exception the caller sees is the one that broke the work: an {@link SQLException} becomes the matching
 * {@link DataException} (with the original as its cause), anything else is rethrown as it is, and a rollback or
 * clean-up that fails on top of it is attached to the original as suppressed, never thrown instead. The connection's autocommit
 * is set back to what it was, so a pooled connection goes back as it came.
 *
 * <p>Over a {@link DataSource} (a pool, in a service), each call takes a connection and closes it after, and
 * the object is thread-safe. {@link #on(Connection)} instead keeps to one connection that its owner opened and
 * will close: what a benchmark's writer thread holds, so that no call pays for a new session.
 */
public final class Transactions {

    /** Database work on one connection. Throwing rolls back everything it did. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work on a borrowed connection whose SQL failures are already translated. */
    private interface Use<T> {
        T on(Connection connection);
    }

    private final DataSource dataSource;
    private final Connection dedicated;

    public Transactions(DataSource dataSource) {
        this(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    private Transactions(DataSource dataSource, Connection dedicated) {
        this.dataSource = dataSource;
        this.dedicated = dedicated;
    }

    /**
     * Transactions that all run on {@code connection}, which is never closed here. Like the connection itself,
     * the result (and the stores built on it) must be used by one thread at a time.
     */
    public static Transactions on(Connection connection) {
        return new Transactions(null, Objects.requireNonNull(connection, "connection"));
    }

    /** Runs {@code work} in a transaction of its own. */
    public <T> T inTransaction(Work<T> work) {
        return borrowed(connection -> inTransaction(connection, work));
    }

    /**
     * Runs {@code work} in a transaction on {@code connection}, for callers who hold their own connection.
     * Anything already pending on it (when it was not in autocommit) commits or rolls back with the work.
     */
    public static <T> T inTransaction(Connection connection, Work<T> work) {
        boolean autoCommit;
        T result;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            throw SqlFailures.translate(e, null);
        }
        try {
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            result = work.run(connection);
            connection.commit();
        } catch (Throwable failure) {
            throw abort(connection, autoCommit, failure);
        }
        restoreAutoCommit(connection, autoCommit);
        return result;
    }

    /**
     * Runs {@code work} on a connection as it is (in autocommit, as pools hand them out and as
     * {@link #inTransaction} leaves them): for single-statement reads, which need no BEGIN and COMMIT round trips.
     */
    public <T> T withConnection(Work<T> work) {
        return borrowed(connection -> {
            try {
                return work.run(connection);
            } catch (SQLException failure) {
                throw SqlFailures.translate(failure, usableAfter(connection, failure));
            }
        });
    }

    private <T> T borrowed(Use<T> use) {
        if (dedicated != null) {
            return use.on(dedicated);
        }
        try (Connection connection = dataSource.getConnection()) {
            return use.on(connection);
        } catch (SQLException gettingOrClosing) {
            throw SqlFailures.translate(gettingOrClosing, null);
        }
    }

    /** Rolls back, restores autocommit, and returns what to throw: {@code failure}, translated if it is SQL's. */
    private static RuntimeException abort(Connection connection, boolean autoCommit, Throwable failure) {
        boolean rolledBack = false;
        try {
            connection.rollback();
            rolledBack = true;
        } catch (SQLException | RuntimeException rollback) {
            failure.addSuppressed(rollback);
        }
        // After a failed rollback the session is in an unknown state; turning autocommit on would try to commit,
        // so it is left off and the pool (or close) ends the transaction.
        if (rolledBack && autoCommit) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException restore) {
                failure.addSuppressed(restore);
            }
        }
        if (failure instanceof SQLException sql) {
            return SqlFailures.translate(sql, rolledBack ? connection : null);
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new DataException("the transaction failed: " + failure, null, failure);
    }

    /**
     * The connection, fit for the enum lookup after a failed read: a read on a connection that was not in
     * autocommit left a failed transaction, which is rolled back first. Null when even that fails.
     */
    private static Connection usableAfter(Connection connection, SQLException failure) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            return connection;
        } catch (SQLException | RuntimeException rollback) {
            failure.addSuppressed(rollback);
            return null;
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        if (autoCommit) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                throw SqlFailures.translate(e, null);
            }
        }
    }
}
