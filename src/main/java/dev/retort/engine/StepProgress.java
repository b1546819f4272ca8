package dev.retort.engine;

import java.time.Duration;
import java.util.List;

/**
 * How a long step is getting on, told every second or so once it has run for {@link #AFTER}.
 *
 * @param elapsed   since the step began
 * @param statement the statement running now
 * @param index     what {@code pg_stat_progress_create_index} says of the index it builds, or null if none
 * @param waitingFor the sessions it waits for right now ({@code pg_blocking_pids}): a lock, or the old snapshots
 *                   that {@code CREATE INDEX CONCURRENTLY} waits out; empty when it waits for none
 */
public record StepProgress(Step step, Duration elapsed, String statement, IndexBuild index,
                           List<BlockingSession> waitingFor) {

    public StepProgress {
        waitingFor = List.copyOf(waitingFor);
    }

    /**
     * E.g. {@code waiting for pid 4242 (psql), idle in transaction}, or empty when it waits for no one. Three at most
     * are named, then how many more: the line is redrawn in place on a terminal and must not wrap.
     */
    public String describeWaiting() {
        if (waitingFor.isEmpty()) {
            return "";
        }
        String named = String.join("; ", waitingFor.stream().limit(NAMED).map(session -> "pid " + session.pid()
                + (session.applicationName() == null || session.applicationName().isEmpty() ? ""
                : " (" + session.applicationName() + ")") + (session.state() == null ? "" : ", " + session.state()))
                .toList());
        int more = waitingFor.size() - NAMED;
        return "waiting for " + named + (more > 0 ? " and " + more + " more" : "");
    }

    /** Steps shorter than this are not reported on: most finish in milliseconds. */
    public static final Duration AFTER = Duration.ofSeconds(2);
    private static final int NAMED = 3;

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
