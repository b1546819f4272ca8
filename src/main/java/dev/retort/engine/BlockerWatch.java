package dev.retort.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches, from a second connection, whom a running statement is waiting for, so that when it gives up on a lock
 * the operator learns which sessions held it. {@code pg_blocking_pids} only answers while the wait lasts, so it is
 * asked every few milliseconds during the statement and the last answer that named anyone is kept.
 *
 * <p>The watching connection must not be used by anything else while a watch runs.
 */
final class BlockerWatch implements AutoCloseable {

    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL = Duration.ofMillis(500);

    private final Connection connection;
    private final int watchedPid;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile List<BlockingSession> lastSeen = List.of();

    private BlockerWatch(Connection connection, int watchedPid) {
        this.connection = connection;
        this.watchedPid = watchedPid;
        this.thread = new Thread(this::poll, "retort-blocker-watch");
        this.thread.setDaemon(true);
    }

    static BlockerWatch start(Connection connection, int watchedPid) {
        BlockerWatch watch = new BlockerWatch(connection, watchedPid);
        watch.thread.start();
        return watch;
    }

    private void poll() {
        long pause = FIRST_POLL.toNanos();
        while (!stopped) {
            try {
                List<BlockingSession> blockers = BlockingSession.blocking(connection, watchedPid);
                if (!blockers.isEmpty()) {
                    lastSeen = blockers;
                }
            } catch (SQLException e) {
                return; // Only a diagnosis is lost; the statement itself goes on.
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 3 / 2, LONGEST_POLL.toNanos());
        }
    }

    /** The sessions the statement was last seen waiting for; empty if it was never seen waiting. */
    List<BlockingSession> lastSeen() {
        return lastSeen;
    }

    /** Stops watching and waits for the watcher to let go of the connection. */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
