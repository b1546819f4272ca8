package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The migration lock: a session-level advisory lock, held on a connection of its own for the whole run.
 *
 * <p>Session-level, not transaction-level, because a run spans many transactions (one per revision). On a
 * connection of its own, in autocommit, because a waiting runner must hold no snapshot or open transaction that
 * could block the holder's work (a {@code CREATE INDEX CONCURRENTLY} waits for every older snapshot). If the
 * holder dies, PostgreSQL ends its session and the lock goes with it: there is never a stale lock to clear by
 * hand. We poll {@code pg_try_advisory_lock} instead of blocking in {@code pg_advisory_lock} so the wait is
 * bounded and the waiter can say who it waits for.
 */
public final class AdvisoryLock implements AutoCloseable {

    /**
     * "retort" in ASCII: the same key for every Retort, so two runners on one database exclude each other
     * ({@code SELECT pg_advisory_lock(125780070724212)} holds them all off).
     */
    public static final long KEY = 0x72_65_74_6f_72_74L;

    private static final Duration FIRST_POLL = Duration.ofMillis(50);

    private final Connection connection;

    private AdvisoryLock(Connection connection) {
        this.connection = connection;
    }

    /** Who holds the lock: the session's pid and application_name. */
    public record Holder(int pid, String applicationName) {

        static Holder of(BlockingSession session) {
            return new Holder(session.pid(), session.applicationName());
        }

        @Override
        public String toString() {
            return "pid " + pid + " (application_name '" + applicationName + "')";
        }
    }

    /**
     * Takes the lock on the given connection, waiting at most {@code maxWait}.
     *
     * @param onWait told once, with the current holder, when the lock is not free at the first try
     * @throws LockNotAcquiredException when the wait runs out; the message names the holder
     */
    public static AdvisoryLock acquire(Connection connection, Duration maxWait, Consumer<Optional<Holder>> onWait)
            throws SQLException {
        connection.setAutoCommit(true); // a waiter must hold no transaction, whatever its pool's default
        long deadline = System.nanoTime() + maxWait.toNanos();
        Backoff pause = new Backoff(FIRST_POLL);
        boolean told = false;
        while (!tryLock(connection)) {
            if (!told) {
                onWait.accept(holder(connection));
                told = true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                Optional<Holder> holder = holder(connection);
                if (holder.isEmpty() && tryLock(connection)) {
                    break; // its holder let it go just as the wait ran out
                }
                String who = holder.or(() -> holderQuietly(connection)).map(Holder::toString)
                        .orElse("a session that took it just now");
                throw new LockNotAcquiredException("Another migration holds the lock on this database: " + who
                        + "; waited " + Durations.format(maxWait) + ".");
            }
            pause.pause(left, "Interrupted while waiting for the migration lock.");
        }
        return new AdvisoryLock(connection);
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, KEY);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** {@link #holder}, for a message: a failure to look names no one rather than hide the lock not had. */
    private static Optional<Holder> holderQuietly(Connection connection) {
        try {
            return holder(connection);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Who else holds the lock, as pg_locks shows it. */
    static Optional<Holder> holder(Connection connection) throws SQLException {
        return BlockingSession.holdingAdvisoryLock(connection, KEY).stream().findFirst().map(Holder::of);
    }

    /**
     * Releases the lock. If the release fails, the session is aborted instead: a pooled connection that went back
     * to its pool still holding the lock would be the one stale lock this design promises never to leave.
     */
    @Override
    public void close() throws SQLException {
        releaseOrAbort(connection, "pg_advisory_unlock", KEY);
    }

    /**
     * Releases an advisory lock {@code key} of the session with {@code unlockFunction}; aborts the session when that
     * fails, so that no pool keeps the lock for good.
     */
    static void releaseOrAbort(Connection connection, String unlockFunction, long key) throws SQLException {
        boolean released = false;
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + unlockFunction + "(?)")) {
            statement.setLong(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                released = rows.next() && rows.getBoolean(1);
            }
        } finally {
            if (!released) {
                connection.abort(Runnable::run);
            }
        }
    }
}
