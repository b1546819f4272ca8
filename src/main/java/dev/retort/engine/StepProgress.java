package dev.retort.engine;

import java.time.Duration;

/**
 * How a long step is getting on, told every second or so once it has run for {@link #AFTER}.
 *
 * @param elapsed   since the step began
 * @param statement the statement running now
 * @param index     what {@code pg_stat_progress_create_index} says of the index it builds, or null if none
 */
public record StepProgress(Step step, Duration elapsed, String statement, IndexBuild index) {

    /** Steps shorter than this are not reported on: most finish in milliseconds. */
    public static final Duration AFTER = Duration.ofSeconds(2);

    /** A row of {@code pg_stat_progress_create_index}: the phase, and blocks and tuples done of those to do. */
    public record IndexBuild(String phase, long blocksDone, long blocksTotal, long tuplesDone, long tuplesTotal) {

        /** E.g. {@code building index: scanning table, 1200 of 5400 blocks (22%)}. */
        public String describe() {
            if (blocksTotal > 0) {
                return phase + ", " + blocksDone + " of " + blocksTotal + " blocks (" + blocksDone * 100 / blocksTotal
                        + "%)";
            }
            if (tuplesTotal > 0) {
                return phase + ", " + tuplesDone + " of " + tuplesTotal + " tuples (" + tuplesDone * 100 / tuplesTotal
                        + "%)";
            }
            return phase;
        }
    }
}
