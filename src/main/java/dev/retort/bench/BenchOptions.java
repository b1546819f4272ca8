package dev.retort.bench;

import java.time.Duration;

/**
 * What {@code retort bench} was asked to do.
 *
 * @param scale      how many rows to generate
 * @param seed       the generator's seed: the same seed gives the same rows and the same query parameters
 * @param streams    COPY streams (connections) loading at once; also the connections building indexes
 * @param writers    writer threads during the migrations
 * @param writerRate transactions each writer starts per second, paced like an application's traffic; 0: flat out
 * @param baseline   how long the writers run alone before each migration (measured), and after it
 * @param plainTries how many times the plain migration tries a revision that deadlocked before giving up
 * @param warmUp     untimed executions of a query before its timed ones (fewer if they take a quarter of
 *                   {@code cellTime})
 * @param executions timed executions per cell of the query table, at least; fewer only when {@code cellTime} runs out
 * @param cellTime   the longest a cell's timed executions run
 * @param keep       leave the bench database in place at the end, with every index (at revision 007)
 */
public record BenchOptions(Scale scale, long seed, int streams, int writers, int writerRate, Duration baseline,
                           int plainTries, int warmUp, int executions, Duration cellTime, boolean keep) {

    // The defaults, here and in the CLI's options (picocli reads them as constants).
    public static final long DEFAULT_SEED = 1;
    public static final int DEFAULT_WRITERS = 4;
    public static final int DEFAULT_WRITER_RATE = 250;
    public static final int DEFAULT_BASELINE_SECONDS = 5;
    public static final int DEFAULT_PLAIN_TRIES = 3;
    public static final int DEFAULT_WARM_UP = 200;
    public static final int DEFAULT_EXECUTIONS = 2_000;
    public static final int DEFAULT_CELL_SECONDS = 20;

    public BenchOptions {
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1, not " + streams);
        }
        new MigrationUnderLoad.Settings(writers, writerRate, baseline, plainTries);
        new QueryTimer.Settings(warmUp, executions, cellTime);
    }

    /**
     * The defaults at {@code scale}: seed 1, 4 writers at 250 transactions/s each, a 5 s baseline, 3 plain tries,
     * 200 + 2,000 runs or 20 s.
     */
    public static BenchOptions defaults(Scale scale) {
        return new BenchOptions(scale, DEFAULT_SEED, Math.max(2, Machine.cores() + 1), DEFAULT_WRITERS,
                DEFAULT_WRITER_RATE, Duration.ofSeconds(DEFAULT_BASELINE_SECONDS), DEFAULT_PLAIN_TRIES,
                DEFAULT_WARM_UP, DEFAULT_EXECUTIONS, Duration.ofSeconds(DEFAULT_CELL_SECONDS), false);
    }

    MigrationUnderLoad.Settings migrationSettings() {
        return new MigrationUnderLoad.Settings(writers, writerRate, baseline, plainTries);
    }

    QueryTimer.Settings cellSettings() {
        return new QueryTimer.Settings(warmUp, executions, cellTime);
    }
}
