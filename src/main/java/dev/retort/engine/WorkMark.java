package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A shared advisory lock that a run's work session holds while the run holds the migration lock: the mark of a run
 * at work.
 *
 * <p>The migration lock keeps a second runner out only while the first one's lock session lives. When that session
 * ends under a run (terminated, an idle limit, a dropped network), the run notices between statements only: its work
 * session may still be in one, a {@code CREATE INDEX CONCURRENTLY} for hours, or commit a step's transaction. A
 * runner that took the free lock then would apply the same revision beside it, or revert what it is about to finish.
 * So a runner, once it has the migration lock, also waits (within {@code --lock-wait}) until no other session holds
 * the mark. The work session's own end releases it, whatever ends the run; a pooled connection gets it released.
 */
public final class WorkMark implements AutoCloseable {

    /** "retortw" in ASCII: beside {@link AdvisoryLock#KEY}, "retort". */
    public static final long KEY = 0x72_65_74_6f_72_74_77L;

    private static final Duration FIRST_POLL = Duration.ofMillis(20);

    private final Connection work;

    private WorkMark(Connection work) {
        this.work = work;
    }

    /**
     * Marks {@code work} as a run's, then waits at most {@code maxWait} for every other run's work session to end.
     *
     * @param onWait told once, with those sessions, when there are some at the first look
     * @throws LockNotAcquiredException when the wait runs out; the message names the sessions
     */
    static WorkMark take(Connection work, Duration maxWait, Consumer<List<BlockingSession>> onWait)
            throws SQLException {
        try (PreparedStatement statement = work.prepareStatement("SELECT pg_advisory_lock_shared(?)")) {
            statement.setLong(1, KEY);
            statement.execute();
        }
        WorkMark mark = new WorkMark(work);
        try {
            long deadline = System.nanoTime() + maxWait.toNanos();
            Backoff pause = new Backoff(FIRST_POLL);
            boolean told = false;
            for (List<BlockingSession> others = BlockingSession.holdingAdvisoryLock(work, KEY); !others.isEmpty();
                 others = BlockingSession.holdingAdvisoryLock(work, KEY)) {
                if (!told) {
                    onWait.accept(others);
                    told = true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new LockNotAcquiredException("A run that lost its migration lock is still at work: "
                            + BlockingSession.describeAll(others) + "; waited " + Durations.format(maxWait) + ". Let it end, or end it (SELECT "
                            + "pg_terminate_backend(pid)): a run beside it could apply or revert the same revision.");
                }
                pause.pause(left, "Interrupted while waiting for an earlier run's sessions to end.");
            }
            return mark;
        } catch (SQLException | RuntimeException e) {
            mark.closeQuietly(e);
            throw e;
        }
    }

    /** Releases the mark; if that fails, the session is aborted, lest a pool keep it marked for good. */
    @Override
    public void close() throws SQLException {
        AdvisoryLock.releaseOrAbort(work, "pg_advisory_unlock_shared", KEY);
    }

    private void closeQuietly(Exception failure) {
        try {
            close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
