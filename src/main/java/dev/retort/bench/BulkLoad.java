package dev.retort.bench;

import dev.retort.Retort;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings an empty database to revision 003 with the engine and fills it with a {@link Population}, streamed from
 * Java with {@code COPY … FROM STDIN} (pgjdbc's CopyManager) in chunks, on several connections at once.
 *
 * <p>Why it is shaped this way: inserting rows into a table with ten indexes and three foreign keys costs a random
 * index insertion per index and a key lookup per reference, per row; even the primary key alone, a random uuid per
 * row, touches a random page of an index that soon outgrows the buffers. So the keys, indexes and unique
 * constraints of 001–003 are dropped first ({@link SecondaryObjects}), the rows copied into bare tables, and then each
 * index is built once, from sorted data, and each key checked once, in one join: the end state is exactly the
 * catalog of revision 003 (a test compares it), several times sooner. Last, the tables are vacuumed and analyzed,
 * so that what follows meets them as a production database would have them: statistics known, hint bits set.
 */
final class BulkLoad {

    /** Rows per COPY: small enough that the streams finish together and progress moves, large enough to be cheap. */
    static final int CHUNK = 25_000;

    /** How the load went. */
    record Result(long rows, Duration schema, Duration copy, Duration indexes, Duration analyze, int streams) {

        Duration total() {
            return schema.plus(copy).plus(indexes).plus(analyze);
        }

        double copyRowsPerSecond() {
            return rows / Math.max(1e-9, copy.toNanos() / 1e9);
        }
    }

    private record Chunk(CopyRows table, long first, long last) {
    }

    private BulkLoad() {
    }

    static Result loadAt003(DataSource dataSource, Population population, int streams, Narration narration) {
        long started = System.nanoTime();
        Retort.using(dataSource).upgrade("003");
        SecondaryObjects secondary = SecondaryObjects.readAndDrop(dataSource, true);
        Duration schema = since(started);

        started = System.nanoTime();
        Map<CopyRows, AtomicLong> copied = new EnumMap<>(CopyRows.class);
        List<Chunk> chunks = new ArrayList<>();
        for (CopyRows table : CopyRows.values()) {
            copied.put(table, new AtomicLong());
            long count = table.count(population.scale());
            for (long first = 1; first <= count; first += CHUNK) {
                chunks.add(new Chunk(table, first, Math.min(count, first + CHUNK - 1)));
            }
        }
        long total = population.scale().totalRows();
        long copyStarted = started;
        Thread reporter = reporter(() -> narration.progress(copyProgress(copied, total, copyStarted)));
        try {
            Jdbc.inParallel(dataSource, streams, chunks.stream().<Jdbc.Task>map(chunk -> connection ->
                    copy(connection, population, chunk, copied.get(chunk.table()))).toList());
        } finally {
            stop(reporter);
        }
        Duration copy = since(started);
        narration.endProgress();
        narration.say("  copied %,d rows in %s (%,.0f rows/s, %d streams)", total, seconds(copy),
                total / Math.max(1e-9, copy.toNanos() / 1e9), streams);

        started = System.nanoTime();
        narration.say("  building the keys and indexes of 001-003 (%d indexes, %d foreign keys) …",
                secondary.builds().size(), secondary.foreignKeys().size());
        restore(dataSource, secondary, streams);
        Duration indexes = since(started);

        started = System.nanoTime();
        analyze(dataSource, streams);
        return new Result(total, schema, copy, indexes, since(started), streams);
    }


    /** Builds the indexes (a big sort each, in memory if it fits), then adds the foreign keys, each checked once. */
    static void restore(DataSource dataSource, SecondaryObjects secondary, int streams) {
        Jdbc.inParallel(dataSource, streams, secondary.builds().stream().<Jdbc.Task>map(sql -> connection -> {
            Jdbc.execute(connection, "SET maintenance_work_mem = '256MB'");
            Jdbc.execute(connection, sql);
        }).toList());
        Jdbc.inParallel(dataSource, streams, secondary.foreignKeys().stream()
                .<Jdbc.Task>map(sql -> connection -> Jdbc.execute(connection, sql)).toList());
    }

    static void analyze(DataSource dataSource, int streams) {
        Jdbc.inParallel(dataSource, streams, SecondaryObjects.TABLES.stream()
                .<Jdbc.Task>map(table -> connection -> Jdbc.execute(connection, "VACUUM (ANALYZE) " + table)).toList());
    }

    private static void copy(Connection connection, Population population, Chunk chunk, AtomicLong copied)
            throws SQLException {
        CopyText.copy(connection, chunk.table().copySql(), chunk.first(), chunk.last(),
                (n, text) -> chunk.table().append(population, n, text), copied::addAndGet);
    }

    private static String copyProgress(Map<CopyRows, AtomicLong> copied, long total, long startedNanos) {
        long done = copied.values().stream().mapToLong(AtomicLong::get).sum();
        double elapsed = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
        return String.format(Locale.ROOT, "copying: users %,d, customers %,d, audit_logs %,d (%.0f %% of %,d rows), "
                        + "%,.0f rows/s", copied.get(CopyRows.USERS).get(), copied.get(CopyRows.CUSTOMERS).get(),
                copied.get(CopyRows.AUDIT_LOGS).get(), 100.0 * done / total, total, done / elapsed);
    }

    /** A daemon thread that runs {@code report} about every 250 ms until interrupted. */
    static Thread reporter(Runnable report) {
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    report.run();
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                // Done: the work it reported on has ended.
            }
        }, "retort-bench-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void stop(Thread reporter) {
        reporter.interrupt();
        try {
            reporter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
    }
}
