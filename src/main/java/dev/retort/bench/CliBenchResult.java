package dev.retort.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench --cli} measured: a row per command, as a markdown table and as data for the JSON document.
 *
 * @param runs    timed runs of each command
 * @param warmups untimed rounds before them
 * @param psql    the psql that ran, or null when none was found on PATH (its rows are then left out)
 * @param rows    Retort's upgrade head, current and downgrade base, then psql's, if it ran
 */
public record CliBenchResult(int runs, int warmups, String psql, List<CliTiming> rows) {

    public CliBenchResult {
        rows = List.copyOf(rows);
    }

    public String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("| command | median | p90 | goal | load |\n|---|---:|---:|---:|---:|\n");
        for (CliTiming row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %s | %.2f |%n", row.command(),
                    row.medianMs(), row.p90Ms(), row.goalMs() == null ? "" : "≤ " + row.goalMs() + " ms",
                    row.loadAverage()));
        }
        table.append(String.format(Locale.ROOT, "%nWhole processes, start to exit: %d timed runs of each command "
                + "after %d untimed round%s; load is the median one-minute load average before each run.%n", runs,
                warmups, warmups == 1 ? "" : "s"));
        if (psql == null) {
            table.append("psql not found on PATH: its rows are left out.\n");
        }
        return table.toString();
    }

    /**
     * {@code runs}, {@code warmups}, {@code psql} (its path, or null), and {@code rows}: each with {@code tool},
     * {@code command}, {@code median_ms}, {@code p90_ms}, {@code goal_ms} and {@code met_goal} (null where no goal
     * is set), {@code load_average} and {@code runs_ms}.
     */
    public Map<String, Object> json() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("runs", runs);
        document.put("warmups", warmups);
        document.put("psql", psql);
        document.put("rows", rows.stream().map(CliTiming::json).toList());
        return document;
    }
}
