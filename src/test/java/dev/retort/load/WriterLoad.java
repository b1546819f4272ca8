package dev.retort.load;

import org.HdrHistogram.Histogram;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application-like writers: each on a connection of its own, in a loop until stopped, runs one transaction that
 * inserts an audit entry for a random user and then updates a random customer (its {@code updated_at} and
 * {@code updated_by}). Two tables in one transaction, locked in that order, is what deadlocks with plain DDL that
 * locks them in the other order.
 *
 * <p>Why the bookkeeping is shaped as it is: each writer keeps its own histograms and counters, one set per
 * {@link #startPhase phase}, and nothing is read until {@link #stop()} has joined every writer. So the hot loop takes
 * no lock and shares nothing but one counter, and the result needs no concurrent histogram. A transaction belongs to
 * the phase current when it finished. Failed transactions count in the latencies too (a writer that waited three
 * seconds to be chosen as a deadlock victim waited three seconds), and by SQLSTATE in the errors; a writer rolls
 * back and goes on, and opens a new connection if its own is lost.
 */
public final class WriterLoad {

    /** The highest latency the histograms keep exactly: one hour, in microseconds. */
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private static final String INSERT_AUDIT_LOG = """
            INSERT INTO audit_logs (action, resource_type, resource_id, description, user_id, user_email, user_role,
                                    ip_address, request_method, request_path, new_values)
            VALUES ('update', 'customer', ?, 'Customer touched by a load writer', ?, ?, 'client',
                    '192.0.2.' || ?, 'PATCH', '/api/customers/' || ?, jsonb_build_object('updated_by', ?::text))
            """;

    private static final String UPDATE_CUSTOMER = """
            UPDATE customers SET updated_at = now(), updated_by = ? WHERE id = ?
            """;

    /** One phase's figures for all writers together. */
    public record Stats(String phase, Duration length, long ops, Map<String, Long> errorsBySqlState, long p50Micros,
                        long p99Micros, long maxMicros, Second worstSecond, int secondsWithoutCommit) {

        public long errors() {
            return errorsBySqlState.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The second (counted from the phase's start) whose slowest transaction was slowest.
     *
     * @param ops transactions committed in that second
     */
    public record Second(long index, long ops, long maxMicros) {
    }

    /** Every phase, in order, and all of them together. */
    public record Result(List<Stats> phases, Stats total) {

        public Stats phase(String name) {
            return phases.stream().filter(stats -> stats.phase().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no phase " + name + " in " + phases));
        }
    }

    private final DataSource dataSource;
    private final SeedData.Sizes population;
    private final List<Writer> writers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<PhaseMark> marks = new CopyOnWriteArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private volatile int phaseIndex;
    private volatile boolean running = true;
    private volatile long awaitedCommits = Long.MAX_VALUE;
    private volatile CountDownLatch commitsReached = new CountDownLatch(0);

    private record PhaseMark(String name, long startNanos) {
    }

    private WriterLoad(DataSource dataSource, SeedData.Sizes population) {
        this.dataSource = dataSource;
        this.population = population;
    }

    /**
     * Starts {@code writerCount} writers on users and customers numbered as {@link SeedData} numbers them, in a
     * first phase named {@code firstPhase}. Each writer connects before this returns, so a bad URL fails here.
     */
    public static WriterLoad start(DataSource dataSource, SeedData.Sizes population, int writerCount,
                                   String firstPhase) throws SQLException {
        if (writerCount < 1) {
            throw new IllegalArgumentException("need at least one writer, not " + writerCount);
        }
        WriterLoad load = new WriterLoad(dataSource, population);
        load.marks.add(new PhaseMark(firstPhase, System.nanoTime()));
        try {
            for (int i = 0; i < writerCount; i++) {
                load.writers.add(load.new Writer(dataSource.getConnection()));
            }
        } catch (SQLException e) {
            load.writers.forEach(Writer::closeQuietly);
            throw e;
        }
        for (int i = 0; i < writerCount; i++) {
            Thread thread = new Thread(load.writers.get(i), "load-writer-" + (i + 1));
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /** Ends the current phase and starts one named {@code name}; transactions finishing from now on count in it. */
    public synchronized void startPhase(String name) {
        marks.add(new PhaseMark(name, System.nanoTime()));
        phaseIndex = marks.size() - 1;
    }

    /** Committed transactions so far, all phases together. */
    public long committed() {
        return committed.get();
    }

    /** Waits until the writers have committed {@code count} transactions in all; false if {@code timeout} passed first. */
    public boolean awaitCommitted(long count, Duration timeout) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        commitsReached = latch;
        awaitedCommits = count;
        if (committed.get() >= count) {
            return true;
        }
        return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the writers, waits for each to finish its transaction (up to {@code grace}: a writer may be queued behind
     * a lock), closes their connections and returns the figures.
     */
    public synchronized Result stop(Duration grace) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        for (int i = 0; i < threads.size(); i++) {
            if (threads.get(i).isAlive()) {
                writers.get(i).abort(); // unblocks a writer stuck on the server; its figures are still counted
                threads.get(i).join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        long endNanos = System.nanoTime();
        List<Stats> phases = new ArrayList<>();
        for (int p = 0; p < marks.size(); p++) {
            long phaseEnd = p + 1 < marks.size() ? marks.get(p + 1).startNanos() : endNanos;
            phases.add(statsOf(marks.get(p).name(), marks.get(p).startNanos(), phaseEnd, List.of(p)));
        }
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < marks.size(); p++) {
            all.add(p);
        }
        return new Result(phases, statsOf("total", marks.get(0).startNanos(), endNanos, all));
    }

    public Result stop() throws InterruptedException {
        return stop(Duration.ofSeconds(60));
    }

    private Stats statsOf(String name, long startNanos, long endNanos, List<Integer> phaseIndexes) {
        Histogram latencies = new Histogram(HIGHEST_MICROS, 3);
        Map<String, Long> errors = new TreeMap<>();
        TreeMap<Long, long[]> seconds = new TreeMap<>(); // second -> {ops, max micros}, by completion since startNanos
        long ops = 0;
        for (Writer writer : writers) {
            for (int p : phaseIndexes) {
                PhaseRecord record = writer.recordOf(p);
                latencies.add(record.latencies);
                ops += record.ops;
                record.errors.forEach((state, count) -> errors.merge(state, count, Long::sum));
                long offsetSeconds = TimeUnit.NANOSECONDS.toSeconds(marks.get(p).startNanos() - startNanos);
                record.seconds.forEach((second, figures) -> {
                    long[] merged = seconds.computeIfAbsent(offsetSeconds + second, s -> new long[2]);
                    merged[0] += figures[0];
                    merged[1] = Math.max(merged[1], figures[1]);
                });
            }
        }
        Second worst = new Second(0, 0, 0);
        for (Map.Entry<Long, long[]> second : seconds.entrySet()) {
            if (second.getValue()[1] > worst.maxMicros()) {
                worst = new Second(second.getKey(), second.getValue()[0], second.getValue()[1]);
            }
        }
        int withoutCommit = 0; // whole seconds only: a phase's last, partial second may be quiet because it is short
        for (long second = 0; second < TimeUnit.NANOSECONDS.toSeconds(endNanos - startNanos); second++) {
            if (seconds.getOrDefault(second, new long[2])[0] == 0) {
                withoutCommit++;
            }
        }
        return new Stats(name, Duration.ofNanos(endNanos - startNanos), ops, errors,
                latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99), latencies.getMaxValue(),
                worst, withoutCommit);
    }

    /** One writer's figures for one phase. Written by that writer only, read after it has been joined. */
    private static final class PhaseRecord {
        final Histogram latencies = new Histogram(HIGHEST_MICROS, 3);
        final Map<String, Long> errors = new TreeMap<>();
        final TreeMap<Long, long[]> seconds = new TreeMap<>();
        long ops;
    }

    private final class Writer implements Runnable {

        private final List<PhaseRecord> records = new ArrayList<>();
        private volatile Connection connection;

        Writer(Connection connection) throws SQLException {
            this.connection = connection;
            connection.setAutoCommit(false);
        }

        synchronized PhaseRecord recordOf(int phase) {
            while (records.size() <= phase) {
                records.add(new PhaseRecord());
            }
            return records.get(phase);
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running) {
                long user = 1 + random.nextLong(population.users());
                long customer = 1 + random.nextLong(population.customers());
                long started = System.nanoTime();
                String failure = null;
                try {
                    touch(user, customer);
                } catch (SQLException e) {
                    failure = e.getSQLState() == null ? "(none)" : e.getSQLState();
                    recover();
                }
                record(started, System.nanoTime(), failure);
            }
            closeQuietly();
        }

        private void touch(long user, long customer) throws SQLException {
            Connection current = connection;
            try (PreparedStatement insert = current.prepareStatement(INSERT_AUDIT_LOG);
                 PreparedStatement update = current.prepareStatement(UPDATE_CUSTOMER)) {
                insert.setString(1, SeedData.customerId(customer).toString());
                insert.setObject(2, SeedData.userId(user));
                insert.setString(3, SeedData.userEmail(user));
                insert.setLong(4, 1 + user % 254);
                insert.setLong(5, customer);
                insert.setLong(6, user);
                insert.executeUpdate();
                update.setObject(1, SeedData.userId(user));
                update.setObject(2, SeedData.customerId(customer));
                update.executeUpdate();
                current.commit();
            }
        }

        private void record(long startNanos, long endNanos, String failure) {
            int phase = phaseIndex;
            PhaseRecord record = recordOf(phase);
            long micros = Math.min(HIGHEST_MICROS, Math.max(1, (endNanos - startNanos) / 1_000));
            record.latencies.recordValue(micros);
            long second = TimeUnit.NANOSECONDS.toSeconds(endNanos - marks.get(phase).startNanos());
            long[] figures = record.seconds.computeIfAbsent(second, s -> new long[2]);
            figures[1] = Math.max(figures[1], micros);
            if (failure != null) {
                record.errors.merge(failure, 1L, Long::sum);
                return;
            }
            record.ops++;
            figures[0]++;
            if (committed.incrementAndGet() >= awaitedCommits) {
                commitsReached.countDown();
            }
        }

        /** Rolls back; if the connection is gone, opens a new one (the next transaction then counts as usual). */
        private void recover() {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailed) {
                closeQuietly();
                reconnect();
            }
        }

        private void reconnect() {
            while (running) {
                try {
                    Connection fresh = dataSource.getConnection();
                    fresh.setAutoCommit(false);
                    connection = fresh;
                    return;
                } catch (SQLException e) {
                    pauseBeforeReconnecting(); // the server is restarting or refusing for a moment
                }
            }
        }

        private void pauseBeforeReconnecting() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }

        void abort() {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException ignored) {
                // Already gone.
            }
        }

        void closeQuietly() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection may fail; there is nothing left to release.
            }
        }
    }
}
