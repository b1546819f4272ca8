package dev.retort.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Percentiles of a set of timings, in milliseconds, from a histogram of microseconds.
 *
 * @param count       how many timings
 * @param loadAverage the machine's one-minute load average when they were taken (negative where unknown): the
 *                    bench shares its cores with whatever else runs
 */
public record Latency(long count, double p50, double p95, double p99, double max, double mean, double loadAverage) {

    /** The longest time a histogram keeps exactly: one hour, in microseconds. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    static Histogram histogram() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1_000)));
    }

    static Latency of(Histogram histogram, double loadAverage) {
        if (histogram.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, loadAverage);
        }
        return new Latency(histogram.getTotalCount(), millis(histogram.getValueAtPercentile(50)),
                millis(histogram.getValueAtPercentile(95)), millis(histogram.getValueAtPercentile(99)),
                millis(histogram.getMaxValue()), histogram.getMean() / 1000.0, loadAverage);
    }

    private static double millis(long micros) {
        return micros / 1000.0;
    }
}
