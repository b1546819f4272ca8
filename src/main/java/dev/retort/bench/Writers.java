package dev.retort.bench;

import dev.retort.data.Actor;
import dev.retort.data.AuditEntry;
import dev.retort.data.AuditTrail;
import dev.retort.data.CustomerChanges;
import dev.retort.data.Customers;
import dev.retort.data.DataException;
import dev.retort.data.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application while a migration runs: writer threads, each on a connection of its own, running the data
 * layer's workload in a loop until stopped. Each transaction is one of:
 * <ul>
 *   <li>40 %: an audit event ({@link AuditTrail#record}: one insert into audit_logs, its user checked by a key);</li>
 *   <li>40 %: a customer update ({@link Customers#update}: the row locked, a new phone, an audit row: customers,
 *       audit_logs and a key check on users in one transaction);</li>
 *   <li>20 %: a soft delete ({@link Customers#softDelete}) or the restore of a customer this writer deleted earlier
 *       ({@link Customers#restore}), alternately.</li>
 * </ul>
 * The actor is a random staff user. Writer w of W works on the customers numbered w + 1 modulo W, so that writers
 * never wait for each other's rows: what they wait for is the migration.
 *
 * <p>The data layer is written for revision 006, and the workload starts at 003, where {@code deleted_at} does not
 * exist yet. Until told {@link #revisionCommitted that 005 has committed}, a writer updates customers with
 * the same statements minus the soft-delete columns (lock the row, update it, write the audit row) and does an
 * update instead of a soft delete or a restore.
 *
 * <p>Writers are paced like an application's traffic: each starts a transaction every 1/rate seconds, whether or not
 * the last one was quick, and a transaction's latency runs from when it was due, not from when the writer got
 * round to it. A stall therefore counts for every transaction that queued behind it, as the application's users
 * would feel it, and not once (the "coordinated omission" of a closed loop). A writer that falls behind runs its
 * due transactions back to back until it has caught up. At rate 0 the writers run flat out instead, each starting
 * its next transaction as the last one ends: that measures how much the machine can do, and on a machine with few
 * cores its worst latencies are the CPU scheduler's rather than the migration's.
 *
 * <p>Every transaction's start (when it was due) and end are kept (two longs each, a few MB for a long run), and
 * its SQLSTATE when it failed; nothing is summed until {@link #stop()}, so the loop shares nothing but a volatile or
 * two. A failed transaction counts with its latency (a writer that waited three seconds to be chosen as a
 * deadlock's victim waited three seconds); the writer goes on, with a new connection if its own was lost.
 */
final class Writers {

    /**
     * What each transaction did: start (when it was due, or when it began for a writer running flat out) and end
     * (System.nanoTime), and the SQLSTATE of the failed ones.
     */
    record Record(long[] starts, long[] ends, Map<Integer, String> failures) {
    }

    /** What a transaction cut short by {@link #stop()}'s abort is recorded as failing with. */
    static final String ABANDONED = "abandoned at the stop";
    /** How long {@link #stop()} waits for the writers before it aborts those still busy. */
    private static final Duration STOP_PATIENCE = Duration.ofMinutes(1);
    private static final String LOCK_AT_003 = "SELECT phone FROM customers WHERE id = ? FOR NO KEY UPDATE";
    private static final String UPDATE_AT_003 = """
            UPDATE customers SET phone = ?, updated_at = now(), updated_by = ? WHERE id = ?""";

    private final DataSource dataSource;
    private final Population population;
    private final long intervalNanos;
    private final List<Writer> writers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong finished = new AtomicLong();
    /** System.nanoTime after which no transaction is started; until {@link #stop()}, never. */
    private volatile long stopAt = Long.MAX_VALUE;
    /** Set when {@link #stop()} gives up waiting and aborts the writers still busy. */
    private volatile boolean abandoned;
    private volatile boolean softDeleteColumns;
    private volatile long awaited = Long.MAX_VALUE;
    private volatile CountDownLatch reached = new CountDownLatch(0);

    private Writers(DataSource dataSource, Population population, int rate) {
        this.dataSource = dataSource;
        this.population = population;
        this.intervalNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
    }

    /**
     * Starts {@code count} writers at revision 003's workload, each starting {@code rate} transactions a second
     * (0: as many as it can); each connects before this returns, so a bad database fails here.
     */
    static Writers start(DataSource dataSource, Population population, int count, int rate) {
        if (count < 1 || rate < 0) {
            throw new IllegalArgumentException("need at least one writer and a rate of 0 or more, not " + count
                    + " writers at " + rate + "/s");
        }
        Writers load = new Writers(dataSource, population, rate);
        try {
            for (int i = 0; i < count; i++) {
                load.writers.add(load.new Writer(i, count, dataSource.getConnection()));
            }
        } catch (SQLException e) {
            load.writers.forEach(Writer::closeQuietly);
            throw new BenchException("the writers could not connect: " + e.getMessage(), e);
        }
        for (Writer writer : load.writers) {
            Thread thread = new Thread(writer, "retort-bench-writer-" + (writer.index + 1));
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /**
     * A revision of the migration has committed; once it is 005, which adds the soft-delete columns, the writers do
     * soft deletes, restores and the data layer's own updates.
     */
    void revisionCommitted(String revision) {
        if (revision.equals("005")) {
            softDeleteColumns = true;
        }
    }

    /** Transactions finished so far, failed ones included. */
    long finished() {
        return finished.get();
    }

    /** Waits until {@code count} transactions have finished in all; false if {@code timeout} passed first. */
    boolean awaitFinished(long count, Duration timeout) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        reached = latch;
        awaited = count;
        return finished.get() >= count || latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the writers: none starts a transaction due after now, but each runs those already due, so that the
     * backlog a stall left (a writer still catching up) is measured rather than dropped. Waits for them; a writer
     * still busy after a minute (queued behind a lock, or that far behind) has its connection aborted. Returns each
     * writer's record.
     */
    List<Record> stop() {
        return stop(STOP_PATIENCE);
    }

    /** {@link #stop()}, aborting the writers still busy after {@code patience}. */
    List<Record> stop(Duration patience) {
        stopStarting();
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            abandoned = true;
            for (int i = 0; i < threads.size(); i++) {
                if (threads.get(i).isAlive()) {
                    writers.get(i).abort();
                    threads.get(i).join(TimeUnit.SECONDS.toMillis(10));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return writers.stream().map(Writer::record).toList();
    }

    /**
     * Whether every writer's thread has ended: as all have once {@link #stop()} returns, unless one outlived the ten
     * seconds it gives each after the abort.
     */
    boolean ended() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** From now on no writer starts a transaction due after now; {@link #stop()} waits for the rest. */
    void stopStarting() {
        if (stopAt == Long.MAX_VALUE) {
            stopAt = System.nanoTime();
        }
        threads.forEach(LockSupport::unpark);
    }

    private final class Writer implements Runnable {

        private final int index;
        private final int of;
        private final SplittableRandom random;
        private final Deque<UUID> deleted = new ArrayDeque<>();
        private final Map<Integer, String> failures = new HashMap<>();
        private long[] starts = new long[1 << 14];
        private long[] ends = new long[1 << 14];
        private int count;
        private volatile Connection connection;
        private Transactions transactions;
        private AuditTrail auditTrail;
        private Customers customers;
        private boolean restoreNext;

        Writer(int index, int of, Connection connection) {
            this.index = index;
            this.of = of;
            this.random = new SplittableRandom(RowRandom.mix(population.seed() + 7919L * (index + 1)));
            use(connection);
        }

        private void use(Connection fresh) {
            connection = fresh;
            transactions = Transactions.on(fresh);
            auditTrail = new AuditTrail(transactions);
            customers = new Customers(transactions, auditTrail);
        }

        @Override
        public void run() {
            // The writers' schedules are spread over one interval, so that they do not all wake at once.
            long due = System.nanoTime() + intervalNanos * index / of;
            while (true) {
                long started;
                if (intervalNanos == 0) {
                    started = System.nanoTime();
                    if (started >= stopAt) {
                        break;
                    }
                } else {
                    if (!waitUntil(due)) {
                        break;
                    }
                    started = due;
                    due += intervalNanos;
                }
                String failure = null;
                try {
                    transaction();
                } catch (DataException e) {
                    failure = e.sqlState() == null ? "refused" : e.sqlState();
                } catch (RuntimeException e) {
                    failure = "error";
                }
                if (failure != null && abandoned) {
                    failure = ABANDONED; // the bench's own abort, not the database's doing
                }
                keep(started, System.nanoTime(), failure);
                if (failure != null && !recoverIfBroken()) {
                    break;
                }
            }
            closeQuietly();
        }

        private void transaction() {
            Actor actor = actor();
            double draw = random.nextDouble();
            if (draw < 0.4) {
                UUID customer = customer();
                auditTrail.record(actor, AuditEntry.event("view", "customer", customer.toString(),
                        "Viewed customer " + customer));
            } else if (draw < 0.8 || !softDeleteColumns) {
                update(actor, customer());
            } else if (restoreNext && !deleted.isEmpty()) {
                customers.restore(actor, deleted.removeFirst());
                restoreNext = false;
            } else {
                UUID customer = customer();
                customers.softDelete(actor, customer);
                deleted.addLast(customer);
                restoreNext = true;
            }
        }

        private void update(Actor actor, UUID customer) {
            String phone = "+351 21 " + (100 + random.nextInt(900)) + " " + (1000 + random.nextInt(9000));
            if (softDeleteColumns) {
                customers.update(actor, customer, CustomerChanges.none().withPhone(phone));
                return;
            }
            // The audit row carries the old and new phone as the data layer's does, so the writers' JSON code is
            // warm long before 005 commits: else its first use stalls each writer mid-transaction, holding locks
            // that 006's first statement waits for, just as the migration reaches it.
            transactions.inTransaction(connection -> {
                String before;
                try (PreparedStatement lock = connection.prepareStatement(LOCK_AT_003);
                     PreparedStatement update = connection.prepareStatement(UPDATE_AT_003)) {
                    lock.setObject(1, customer);
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        before = row.getString(1);
                    }
                    update.setString(1, phone);
                    update.setObject(2, actor.userId());
                    update.setObject(3, customer);
                    update.executeUpdate();
                }
                return auditTrail.record(connection, actor, AuditEntry.event("update", "customer",
                        customer.toString(), "Updated customer " + customer + ": phone")
                        .withValues(Collections.singletonMap("phone", before), Map.of("phone", phone)));
            });
        }

        /** A customer of this writer's share that it has not soft-deleted (or has restored since). */
        private UUID customer() {
            long share = Math.max(1, (population.scale().customers() - index + of - 1) / of);
            UUID id = null;
            for (int draw = 0; draw < 100 && (id == null || deleted.contains(id)); draw++) {
                id = population.customerId(Math.min(population.scale().customers(),
                        index + 1 + (long) of * random.nextLong(share)));
            }
            return id; // with a share of one customer, possibly the deleted one: the data layer then refuses
        }

        private Actor actor() {
            long n = 1 + random.nextLong(population.staff());
            return new Actor(population.userId(n), population.userEmail(n), population.userRole(n),
                    String.format(Locale.ROOT, "192.0.2.%d", 1 + random.nextInt(254)), "retort-bench-writer");
        }

        private void keep(long started, long ended, String failure) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = started;
            ends[count] = ended;
            if (failure != null) {
                failures.put(count, failure);
            }
            count++;
            if (finished.incrementAndGet() >= awaited) {
                reached.countDown();
            }
        }

        /**
         * After a failure: true if the connection still works, or a new one could be had (tried until the writers
         * stop; the server may be restarting). False once stopping with a lost connection, aborted or not: the
         * writer then ends, rather than fail the rest of its backlog one transaction at a time.
         */
        private boolean recoverIfBroken() {
            try {
                if (connection.isValid(2)) {
                    return true;
                }
            } catch (SQLException e) {
                // Treated as broken.
            }
            closeQuietly();
            while (System.nanoTime() < stopAt && !Thread.currentThread().isInterrupted()) {
                try {
                    use(dataSource.getConnection());
                    return true;
                } catch (SQLException e) {
                    pause();
                }
            }
            return false;
        }

        /**
         * Parks until {@code due} (System.nanoTime): pacing, not synchronisation. False if the writers are stopping
         * before it comes, or this thread was interrupted.
         */
        private boolean waitUntil(long due) {
            while (due < stopAt && !Thread.currentThread().isInterrupted()) {
                long left = due - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                LockSupport.parkNanos(left);
            }
            return false;
        }

        private void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Record record() {
            return new Record(Arrays.copyOf(starts, count), Arrays.copyOf(ends, count), Map.copyOf(failures));
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
                // A broken connection may fail to close; there is nothing left to release.
            }
        }
    }
}
