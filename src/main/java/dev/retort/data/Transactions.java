package dev.retort.data;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs work in one transaction: committed if the work returns, rolled back if it throws anything at all, or if a
 * statement of it failed, even one whose SQLException the work caught (PostgreSQL has then aborted the transaction,
 * and the work is refused with SQLSTATE 25P02 rather than reported as committed). This
 * is where every audited change gets its guarantee that the change and its audit row are written together or
 * not at all.
 *
 * <p>A change made while a transaction is already open joins it rather than committing it: when a connection its
 * owner gave ({@link #on(Connection)}, {@link #inTransaction(Connection, Work)}) is out of autocommit (the owner
 * began a transaction and has not ended it), or when the call is nested in an {@link #inTransaction} of this thread
 * over the same data source. (A connection taken from the data source is the call's own, even from a pool that hands
 * them out of autocommit; one of the owner's in autocommit, on which the owner began a transaction as SQL, is
 * refused, since committing would commit the owner's work and pgjdbc takes no savepoint there.) The work then runs
 * under a savepoint: if it fails, what it did is rolled back to the savepoint and the transaction goes on as it was,
 * the owner's own pending work kept; if it returns, nothing is committed here, and the change and its audit row
 * commit, or roll back, with the owner's transaction. A read in such a transaction runs in it too, so it sees what
 * the transaction wrote. (Over a pool, a nested call on a connection of its own would wait for the locks of the very
 * transaction it is nested in.)
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

    /**
     * Database work on one connection. Throwing rolls back everything it did, and so does returning after a statement
     * of it failed: a statement that may fail runs under a savepoint of the work's own.
     */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work on a borrowed connection whose SQL failures are already translated. */
    private interface Use<T> {
        T on(Connection connection);
    }

    /**
     * The connection of each data source's transaction open on this thread, which nested calls join. Null on a thread
     * with none open, so that a pool's threads keep no map between calls.
     */
    private static final ThreadLocal<Map<DataSource, Connection>> OPEN = new ThreadLocal<>();

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
     * the result (and the stores built on it) must be used by one thread at a time. While its owner keeps it out of
     * autocommit, every change joins the owner's transaction (see above).
     */
    public static Transactions on(Connection connection) {
        return new Transactions(null, Objects.requireNonNull(connection, "connection"));
    }

    /** Runs {@code work} in a transaction of its own, or in the one open on this thread (see above). */
    public <T> T inTransaction(Work<T> work) {
        if (dedicated != null) {
            return inTransaction(dedicated, work);
        }
        Connection open = openOnThisThread();
        if (open != null) {
            return underSavepoint(open, work);
        }
        return borrowed(connection -> {
            // A pool may hand connections out of autocommit: this one is ours all the same, and so is its transaction.
            Map<DataSource, Connection> opened = OPEN.get() == null ? new IdentityHashMap<>() : OPEN.get();
            opened.put(dataSource, connection);
            OPEN.set(opened);
            try {
                return ownTransaction(connection, work);
            } finally {
                opened.remove(dataSource);
                if (opened.isEmpty()) {
                    OPEN.remove();
                }
            }
        });
    }

    /**
     * Runs {@code work} in a transaction on {@code connection}, for callers who hold their own connection: one of its
     * own in autocommit; out of autocommit, the transaction open on it, under a savepoint (see above).
     */
    public static <T> T inTransaction(Connection connection, Work<T> work) {
        if (!autoCommit(connection)) {
            return underSavepoint(connection, work);
        }
        refuseIfBegunAsSql(connection);
        return ownTransaction(connection, work);
    }

    /**
     * Runs {@code work} on a connection as it is (in autocommit, as pools hand them out and as
     * {@link #inTransaction} leaves them): for single-statement reads, which need no BEGIN and COMMIT round trips.
     * In a transaction already open (see above), under a savepoint: a read that fails leaves it as it was.
     */
    public <T> T withConnection(Work<T> work) {
        if (dedicated != null) {
            return autoCommit(dedicated) ? readAlone(dedicated, work) : underSavepoint(dedicated, work);
        }
        Connection open = openOnThisThread();
        if (open != null) {
            return underSavepoint(open, work);
        }
        return borrowed(connection -> readAlone(connection, work));
    }

    private Connection openOnThisThread() {
        Map<DataSource, Connection> opened = OPEN.get();
        return opened == null ? null : opened.get(dataSource);
    }

    /**
     * Runs {@code use} on a connection of the data source's, closed after. A close that fails once the work is done
     * is not the outcome: a pool's close resets the connection for its next user and throws when that fails (on a
     * connection lost just after the commit, say), and reporting a committed change as failed invites a retry that
     * writes it twice. The pool drops a connection it could not reset.
     */
    private <T> T borrowed(Use<T> use) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException getting) {
            throw SqlFailures.translate(getting, null);
        }
        T result;
        try {
            result = use.on(connection);
        } catch (RuntimeException | Error failure) {
            closeAfter(connection, failure);
            throw failure;
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException closingAfterTheWork) {
            // The work is done, committed if it was a change: that is the outcome to report.
        }
        return result;
    }

    /** Closes {@code connection} after {@code failure}, which stays what is thrown. */
    private static void closeAfter(Connection connection, Throwable failure) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException closing) {
            failure.addSuppressed(closing);
        }
    }

    private static boolean autoCommit(Connection connection) {
        try {
            return connection.getAutoCommit();
        } catch (SQLException e) {
            throw SqlFailures.translate(e, null);
        }
    }

    /**
     * Runs {@code work} in a transaction of its own on {@code connection}, which holds no other: committed if it
     * returns, rolled back if it throws; autocommit is left as it was.
     */
    private static <T> T ownTransaction(Connection connection, Work<T> work) {
        boolean autoCommit = autoCommit(connection);
        T result;
        try {
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            result = work.run(connection);
            refuseIfAborted(connection);
        } catch (Throwable failure) {
            throw abort(connection, autoCommit, failure);
        }
        commit(connection, autoCommit);
        if (autoCommit) {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException lostAfterCommit) {
                // The change is committed: that is the outcome to report. A connection this broken fails its next use.
            }
        }
        return result;
    }

    /**
     * Commits, or throws what the caller must know: a refusal at commit (a deferred constraint, a serialization
     * failure) rolled everything back, as any refusal; a connection lost during COMMIT (08006, 08007) leaves it
     * unknown whether the server committed, which a caller about to retry must not be told is a rollback.
     */
    private static void commit(Connection connection, boolean autoCommit) {
        try {
            connection.commit();
        } catch (SQLException e) {
            if ("08006".equals(e.getSQLState()) || "08007".equals(e.getSQLState())) {
                throw new DataException("the connection failed during COMMIT (" + e.getMessage() + "): the change "
                        + "and its audit row may or may not have been written; read them back before retrying",
                        e.getSQLState(), e);
            }
            throw abort(connection, autoCommit, e);
        }
    }

    /** A read on a connection that holds no other work: a failed one is rolled back if it left a transaction. */
    private static <T> T readAlone(Connection connection, Work<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException failure) {
            throw SqlFailures.translate(failure, usableAfter(connection, failure));
        }
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

    /**
     * Runs {@code work} in the transaction open on {@code connection}, committing nothing: on failure, only what the
     * work did is rolled back, to a savepoint taken first.
     */
    private static <T> T underSavepoint(Connection connection, Work<T> work) {
        Savepoint savepoint;
        try {
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            // The owner's transaction has failed already (PostgreSQL refuses every statement until it ends): theirs
            // to roll back, so it is left alone.
            throw SqlFailures.translate(e, null);
        }
        T result;
        try {
            result = work.run(connection);
            refuseIfAborted(connection);
        } catch (Throwable failure) {
            throw rollBackTo(connection, savepoint, failure);
        }
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw SqlFailures.translate(e, null);
        }
        return result;
    }

    /**
     * Refuses a connection in autocommit on which its owner has begun a transaction as SQL ({@code BEGIN}): it is the
     * owner's all the same, and committing the change would commit the owner's pending work with it. It cannot be
     * joined either, as pgjdbc takes no savepoint in autocommit. Nothing is sent; the owner's transaction is left as
     * it was.
     */
    private static void refuseIfBegunAsSql(Connection connection) {
        TransactionState state = transactionState(connection);
        if (state == null || state == TransactionState.IDLE) {
            return;
        }
        throw new DataException("a transaction is open on this connection, begun as SQL while it is in autocommit:"
                + " the work would commit it, the owner's pending work with it; begin it with setAutoCommit(false),"
                + " and the work joins it", "25001", null);
    }

    /**
     * The state of the server's transaction as pgjdbc last heard it (in each answer's ReadyForQuery, so no round
     * trip), or null on a connection that is not pgjdbc's.
     */
    private static TransactionState transactionState(Connection connection) {
        try {
            return connection.isWrapperFor(BaseConnection.class)
                    ? connection.unwrap(BaseConnection.class).getTransactionState() : null;
        } catch (SQLException e) {
            throw SqlFailures.translate(e, null);
        }
    }

    /**
     * Throws if a statement of the work failed and the work returned all the same, its SQLException caught: PostgreSQL
     * has then aborted the transaction, pgjdbc's commit() ends it with a ROLLBACK and returns as if it had committed
     * (its raiseExceptionOnSilentRollback is off by default), and a RELEASE SAVEPOINT fails, leaving the owner's
     * transaction aborted. Read from the driver's record of the server's last answer, with no round trip; a
     * connection that is not pgjdbc's is not checked.
     */
    private static void refuseIfAborted(Connection connection) {
        if (transactionState(connection) == TransactionState.FAILED) {
            throw new DataException("a statement of the work failed and the work returned all the same (its"
                    + " SQLException was caught): PostgreSQL aborted the transaction, so what the work did is rolled"
                    + " back, not committed; let the work throw, or run a statement that may fail under a savepoint"
                    + " of its own", "25P02", null);
        }
    }

    /** Rolls back to {@code savepoint} and returns what to throw: {@code failure}, translated if it is SQL's. */
    private static RuntimeException rollBackTo(Connection connection, Savepoint savepoint, Throwable failure) {
        boolean rolledBack = false;
        try {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
            rolledBack = true;
        } catch (SQLException | RuntimeException rollback) {
            failure.addSuppressed(rollback);
        }
        return thrown(failure, rolledBack ? connection : null);
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
        return thrown(failure, rolledBack ? connection : null);
    }

    /**
     * What to throw for {@code failure}: an SQL failure translated (with {@code usable}, a connection fit for a
     * lookup, or null), anything else as it is.
     */
    private static RuntimeException thrown(Throwable failure, Connection usable) {
        if (failure instanceof SQLException sql) {
            return SqlFailures.translate(sql, usable);
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new DataException("the transaction failed: " + failure, null, failure);
    }
}
