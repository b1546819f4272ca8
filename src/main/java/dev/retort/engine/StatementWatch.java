package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches the work connection from a second one while a try of a step runs. It notes whom the statement waits
 * for, so that when it gives up on a lock the operator learns which sessions held it ({@code pg_blocking_pids}
 * only answers while the wait lasts, so it is asked every few milliseconds and the last answer that named anyone
 * is kept). And once the step has run for {@link StepProgress#AFTER}, it reports progress every second, with the
 * phase and blocks of an index build from {@code pg_stat_progress_create_index}.
 *
 * <p>It runs on the run's watcher thread ({@link StepRunner}): one thread for every try of every step, rather than a
 * thread started for each, which in a command's first, cold milliseconds costs more than most statements take.
 * The watching connection must not be used by anything else while a watch runs.
 */
final class StatementWatch implements AutoCloseable {

    private static final Duration MIN_POLL = Duration.ofMillis(1);
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration LONGEST_POLL = Duration.ofMillis(250);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final Connection connection;
    private final int watchedPid;
    private final Step step;
    private final long stepStartNanos;
    private final Supplier<String> statement;
    private final Consumer<StepProgress> progress;
    private final Duration firstLook;
    private final Runnable connectionFailed;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Future<?> polling;
    private volatile List<BlockingSession> lastSeen = List.of();

    private StatementWatch(Connection connection, int watchedPid, Step step, long stepStartNanos,
                           Supplier<String> statement, Consumer<StepProgress> progress, Duration lockTimeout,
                           Runnable connectionFailed) {
        // In nanoseconds: Duration.dividedBy goes through BigDecimal, slow in a command's first milliseconds. At
        // least a millisecond, so that the pauses, which grow from it by half each time, never stay at zero.
        this.firstLook = Duration.ofNanos(Math.max(MIN_POLL.toNanos(),
                Math.min(lockTimeout.toNanos() / 2, FIRST_POLL.toNanos())));
        this.connection = connection;
        this.watchedPid = watchedPid;
        this.step = step;
        this.stepStartNanos = stepStartNanos;
        this.statement = statement;
        this.progress = progress;
        this.connectionFailed = connectionFailed;
    }

    /**
     * @param watcher     the thread the watch runs on, free of any other watch
     * @param statement   what is running now, for progress reports
     * @param progress    told of progress; called on the watch's thread
     * @param lockTimeout how long the statement may wait for a lock: the first look comes well within it
     * @param connectionFailed told, on the watch's thread, when a look fails: the watching connection may be gone
     */
    static StatementWatch start(ExecutorService watcher, Connection connection, int watchedPid, Step step,
                                long stepStartNanos, Supplier<String> statement, Consumer<StepProgress> progress,
                                Duration lockTimeout, Runnable connectionFailed) {
        StatementWatch watch = new StatementWatch(connection, watchedPid, step, stepStartNanos, statement, progress,
                lockTimeout, connectionFailed);
        watch.polling = watcher.submit(watch::poll);
        return watch;
    }

    /**
     * The first look comes after a pause, not at once: most statements end within it and are never asked about, which
     * spares a query per statement on the watching connection (a migration runs hundreds). A wait for a lock lasts
     * up to the lock timeout, so the pause is at most half of it (and at least 1 ms), and the wait is still seen.
     */
    private void poll() {
        long pause = firstLook.toNanos();
        long nextReport = stepStartNanos + StepProgress.AFTER.toNanos();
        while (!stoppedWithin(pause)) {
            try {
                List<BlockingSession> blockers = BlockingSession.blocking(connection, watchedPid);
                if (!blockers.isEmpty()) {
                    lastSeen = blockers;
                }
                long now = System.nanoTime();
                if (now >= nextReport && stop.getCount() > 0) {
                    progress.accept(new StepProgress(step, Duration.ofNanos(now - stepStartNanos), statement.get(),
                            indexBuild(), blockers));
                    nextReport = now + PROGRESS_EVERY.toNanos();
                }
            } catch (SQLException e) {
                connectionFailed.run();
                return; // Only a diagnosis is lost here; the statement itself goes on.
            }
            pause = Math.min(pause * 3 / 2, LONGEST_POLL.toNanos());
        }
    }

    /** Waits {@code nanos} for {@link #close}; an interrupt of the watcher thread stops the watch too. */
    private boolean stoppedWithin(long nanos) {
        try {
            return stop.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }

    private StepProgress.IndexBuild indexBuild() throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
                FROM pg_stat_progress_create_index WHERE pid = ?""")) {
            query.setInt(1, watchedPid);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? new StepProgress.IndexBuild(rows.getString(1), rows.getLong(2), rows.getLong(3),
                        rows.getLong(4), rows.getLong(5)) : null;
            }
        }
    }

    /** The sessions the statement was last seen waiting for; empty if it was never seen waiting. */
    List<BlockingSession> lastSeen() {
        return lastSeen;
    }

    /** Stops watching and waits for the watcher to let go of the connection. */
    @Override
    public void close() {
        stop.countDown();
        boolean interrupted = false;
        while (true) {
            try {
                polling.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                // The watch failed (a progress listener threw, say): only a diagnosis is lost, the statement goes
                // on, and the connection is let go of all the same.
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
