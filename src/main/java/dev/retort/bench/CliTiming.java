package dev.retort.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code bench --cli}: a command's whole-process times, in the order they were run.
 *
 * @param tool     {@code retort} or {@code psql}
 * @param command  what was run, as a reader would type it
 * @param goalMs   the goal for its median, or null where it sets none
 * @param millis   each timed run, start to exit, in milliseconds
 * @param loads    the one-minute load average before each timed run (negative where the platform does not say)
 */
public record CliTiming(String tool, String command, Long goalMs, List<Double> millis, List<Double> loads) {

    public CliTiming {
        millis = List.copyOf(millis);
        loads = List.copyOf(loads);
        if (millis.isEmpty() || millis.size() != loads.size()) {
            throw new IllegalArgumentException("a timing needs at least one run, and a load average for each");
        }
    }

    public double medianMs() {
        List<Double> sorted = sorted(millis);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** The 90th percentile, nearest rank: the run that 90 % of runs do not exceed. */
    public double p90Ms() {
        List<Double> sorted = sorted(millis);
        return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }

    /** The median of the load averages seen before each run. */
    public double loadAverage() {
        List<Double> sorted = sorted(loads);
        return sorted.get(sorted.size() / 2);
    }

    /** Whether the median met the goal; null where there is none. */
    public Boolean metGoal() {
        return goalMs == null ? null : medianMs() <= goalMs;
    }

    /** The row as the JSON document has it (see {@link CliBenchResult#json()}). */
    public Map<String, Object> json() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("tool", tool);
        row.put("command", command);
        row.put("median_ms", round(medianMs()));
        row.put("p90_ms", round(p90Ms()));
        row.put("goal_ms", goalMs);
        row.put("met_goal", metGoal());
        row.put("load_average", round(loadAverage()));
        row.put("runs_ms", millis.stream().map(CliTiming::round).toList());
        return row;
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
