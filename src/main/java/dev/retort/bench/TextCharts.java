package dev.retort.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bench's two charts again, as text in the markdown report: a README can show these as they are, where the
 * PNG files ({@link Charts}) are generated output, not to be committed. Both fit in 100 columns.
 * <ul>
 *   <li>{@link #queries}: each query's p50 before, after, with 007, and the seed's two figures, as bars on a log
 *       scale (eight characters to a factor of ten, from 0.01 ms), so that 300 ms and 0.1 ms both show.</li>
 *   <li>{@link #writers}: the writers' worst latency in each second of a migration, as one line of block
 *       characters, with each revision's start and the migration's end marked under it; runs longer than 100
 *       seconds are shown in groups of seconds, each the worst of its group.</li>
 * </ul>
 */
final class TextCharts {

    private static final double SCALE_START_MS = 0.01;
    private static final int PER_DECADE = 8;
    private static final int DECADES = 6;
    private static final int LABEL_WIDTH = 14;
    private static final String BLOCKS = "▁▂▃▄▅▆▇█";
    /** The writers' line: a step of the blocks for every 10 ms, so that ▆ and above are over 50 ms. */
    private static final double MS_PER_BLOCK = 10;
    private static final int MAX_COLUMNS = 100;

    private TextCharts() {
    }

    static String queries(BenchResult result) {
        StringBuilder out = new StringBuilder("```text\n");
        out.append("p50 in ms, log scale (eight █ to a factor of ten)\n");
        axis(out);
        for (BenchResult.QueryRow row : result.queries()) {
            SeedQuery query = row.query();
            out.append(query.title()).append('\n');
            bar(out, "before", row.before().p50());
            bar(out, "after (006)", row.after().p50());
            bar(out, "with 007", row.proposed().p50());
            bar(out, "seed before", query.seedBeforeMs());
            bar(out, "seed after", query.seedAfterMs());
        }
        return out.append("```\n").toString();
    }

    private static void axis(StringBuilder out) {
        StringBuilder labels = new StringBuilder(" ".repeat(LABEL_WIDTH));
        StringBuilder ticks = new StringBuilder(" ".repeat(LABEL_WIDTH));
        for (int decade = 0; decade <= DECADES; decade++) {
            String label = BenchReport.number(SCALE_START_MS * Math.pow(10, decade));
            labels.append(label).append(" ".repeat(Math.max(1, PER_DECADE - label.length())));
            ticks.append('|').append(" ".repeat(PER_DECADE - 1));
        }
        out.append(labels.toString().stripTrailing()).append('\n').append(ticks.toString().stripTrailing())
                .append('\n');
    }

    private static void bar(StringBuilder out, String label, double ms) {
        double decades = Math.log10(Math.max(ms, SCALE_START_MS) / SCALE_START_MS);
        int length = Math.max(1, (int) Math.round(Math.min(decades, DECADES) * PER_DECADE));
        out.append(String.format(Locale.ROOT, "  %-" + (LABEL_WIDTH - 2) + "s%s %s%n", label, "█".repeat(length),
                BenchReport.number(ms)));
    }

    static String writers(MigrationUnderLoad.Report report) {
        List<WriterReport.Second> seconds = report.writersReport().seconds();
        if (seconds.isEmpty()) {
            return "";
        }
        long first = seconds.get(0).second();
        long last = seconds.get(seconds.size() - 1).second();
        int group = (int) Math.max(1, (last - first + MAX_COLUMNS) / MAX_COLUMNS);
        Map<Long, Double> worst = new TreeMap<>();
        for (WriterReport.Second second : seconds) {
            worst.merge(Math.floorDiv(second.second() - first, group), second.max(), Math::max);
        }
        int columns = (int) ((last - first) / group + 1);
        StringBuilder line = new StringBuilder();
        StringBuilder marks = new StringBuilder(" ".repeat(columns + 8));
        for (int column = 0; column < columns; column++) {
            Double ms = worst.get((long) column);
            line.append(ms == null ? ' ' : BLOCKS.charAt((int) Math.min(BLOCKS.length() - 1,
                    Math.floor(ms / MS_PER_BLOCK))));
        }
        List<String> starts = new ArrayList<>();
        for (MigrationUnderLoad.RevisionRun run : report.revisions()) {
            long at = (long) Math.floor(run.startSeconds());
            starts.add(run.revision() + " at " + at + " s");
            mark(marks, "▲" + run.revision(), (int) ((at - first) / group));
        }
        mark(marks, "▲end", (int) ((long) Math.floor(report.duration().toNanos() / 1e9) - first) / group);
        return String.format(Locale.ROOT, "```text%n%s, %s: the worst transaction of each %s, from %d s "
                        + "(%s; a step for every %.0f ms: ▁ under %.0f, █ %.0f or more)%n%s%n%s%n```%n",
                report.mode().word(),
                report.writersDescribed(), group == 1 ? "second" : group + " seconds", first, String.join(", ", starts),
                MS_PER_BLOCK, MS_PER_BLOCK, MS_PER_BLOCK * (BLOCKS.length() - 1), line,
                marks.toString().stripTrailing());
    }

    /**
     * Writes {@code label} at {@code column}, unless an earlier label is there (a revision that started within a
     * few columns of the one before: the line above the chart names them all).
     */
    private static void mark(StringBuilder marks, String label, int column) {
        if (column < 0) {
            return;
        }
        if (marks.length() < column + label.length()) {
            marks.append(" ".repeat(column + label.length() - marks.length()));
        }
        if (marks.substring(column, column + label.length()).isBlank()) {
            marks.replace(column, column + label.length(), label);
        }
    }
}
