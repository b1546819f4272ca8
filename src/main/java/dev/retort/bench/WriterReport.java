package dev.retort.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writers' side of a migration under load. Times are seconds from the migration's start (negative before it).
 *
 * @param baseline       transactions that ended while the writers ran alone, before the migration
 * @param baselineOpsPerSecond their rate
 * @param during         transactions that overlapped the migration, even by a microsecond: a transaction that
 *                       waited behind the migration's lock counts, however long ago it was due
 * @param duringOpsPerSecond transactions that ended during the migration, per second of it
 * @param errorsDuring   failed transactions among {@code during}, by SQLSTATE ({@code refused}: the data layer said no;
 *                       {@code abandoned at the stop}: cut short by the bench, far behind an unsustainable rate)
 * @param errors         failed transactions of the whole run, by SQLSTATE
 * @param seconds        each second of the run, from the baseline's start to the stop
 */
record WriterReport(Latency baseline, double baselineOpsPerSecond, Latency during, double duringOpsPerSecond,
                    Map<String, Long> errorsDuring, Map<String, Long> errors, List<Second> seconds) {

    /**
     * One second of the run, by when its transactions ended.
     *
     * @param second from the migration's start: -3 is the third second before it
     */
    record Second(long second, long ops, long errors, double p50, double p99, double max) {
    }

    long errorsDuringCount() {
        return errorsDuring.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Sums the writers' records for a run whose baseline began at {@code baselineStart}, whose migration ran from
     * {@code migrationStart} to {@code migrationEnd} (System.nanoTime).
     */
    static WriterReport of(List<Writers.Record> records, long baselineStart, long migrationStart, long migrationEnd) {
        Histogram baseline = Latency.histogram();
        Histogram during = Latency.histogram();
        long duringEnded = 0;
        Map<String, Long> errorsDuring = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        TreeMap<Long, Histogram> bySecond = new TreeMap<>();
        TreeMap<Long, Long> errorsBySecond = new TreeMap<>();
        for (Writers.Record record : records) {
            for (int i = 0; i < record.starts().length; i++) {
                long start = record.starts()[i];
                long end = record.ends()[i];
                String failure = record.failures().get(i);
                if (failure != null) {
                    errors.merge(failure, 1L, Long::sum);
                }
                if (end >= baselineStart && end < migrationStart) {
                    Latency.record(baseline, end - start);
                }
                if (start <= migrationEnd && end >= migrationStart) {
                    Latency.record(during, end - start);
                    if (failure != null) {
                        errorsDuring.merge(failure, 1L, Long::sum);
                    }
                    if (end <= migrationEnd) {
                        duringEnded++;
                    }
                }
                if (end >= baselineStart) {
                    long second = Math.floorDiv(end - migrationStart, 1_000_000_000L);
                    Latency.record(bySecond.computeIfAbsent(second, s -> Latency.histogram()), end - start);
                    if (failure != null) {
                        errorsBySecond.merge(second, 1L, Long::sum);
                    }
                }
            }
        }
        List<Second> seconds = new ArrayList<>();
        bySecond.forEach((second, histogram) -> {
            Latency latency = Latency.of(histogram, -1);
            seconds.add(new Second(second, histogram.getTotalCount() - errorsBySecond.getOrDefault(second, 0L),
                    errorsBySecond.getOrDefault(second, 0L), latency.p50(), latency.p99(), latency.max()));
        });
        double load = Machine.loadAverage();
        return new WriterReport(Latency.of(baseline, load), perSecond(baseline.getTotalCount(),
                migrationStart - baselineStart), Latency.of(during, load), perSecond(duringEnded,
                migrationEnd - migrationStart), errorsDuring, errors, seconds);
    }

    private static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count / (nanos / 1e9);
    }
}
