package dev.retort.bench;

import dev.retort.engine.SqlText;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A {@link BenchResult} as a markdown report for people and as one JSON document for scripts. The JSON fields are
 * documented in the README ("Performance"); they are written here, in order, and nowhere else.
 */
public final class BenchReport {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private BenchReport() {
    }

    // ------------------------------------------------------------------------------------------------- markdown

    public static String markdown(BenchResult result) {
        StringBuilder out = new StringBuilder();
        Scale scale = result.options().scale();
        out.append(String.format(Locale.ROOT, "## retort bench: scale %s (%,d users, %,d customers, %,d audit log "
                + "entries), seed %d%n%n", scale.name(), scale.users(), scale.customers(), scale.auditLogs(),
                result.options().seed()));
        out.append(String.format(Locale.ROOT, "%s; %d cores, load average %.2f at the start; %s.%n%n",
                result.server(), result.cores(), result.loadAverage(), WHEN.format(result.started())));
        BulkLoad.Result load = result.load();
        out.append(String.format(Locale.ROOT, "Loaded at revision 003 in %s: %,d rows copied in %s (%,.0f rows/s, "
                        + "%d streams), indexes and keys of 001-003 %s, vacuum and analyze %s.%n%n",
                BulkLoad.seconds(load.total()), load.rows(), BulkLoad.seconds(load.copy()), load.copyRowsPerSecond(),
                load.streams(), BulkLoad.seconds(load.indexes()), BulkLoad.seconds(load.analyze())));
        queries(out, result);
        migration(out, result);
        return out.toString();
    }

    private static void queries(StringBuilder out, BenchResult result) {
        out.append("### The seed's queries: p50 / p95 / p99 in ms\n\n");
        out.append("| operation | before (primary keys only) | after (006) | improvement | seed: before → after "
                + "| index of the after plan | with 007 | improvement with 007 | index with 007 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult.QueryRow row : result.queries()) {
            SeedQuery query = row.query();
            out.append("| ").append(query.title())
                    .append(" | ").append(percentiles(row.before()))
                    .append(" | ").append(percentiles(row.after()))
                    .append(" | ").append(times(row.improvement()))
                    .append(" | ").append(String.format(Locale.ROOT, "%s → %s ms (%s)", number(query.seedBeforeMs()),
                            number(query.seedAfterMs()), times(query.seedBeforeMs() / query.seedAfterMs())))
                    .append(" | ").append(row.afterPlan())
                    .append(" | ").append(percentiles(row.proposed()))
                    .append(" | ").append(times(row.proposedImprovement()))
                    .append(" | ").append(row.proposedPlan())
                    .append(" |\n");
        }
        out.append("\nImprovement: before p50 over after p50. Timed runs per cell (before / after / 007), and the load "
                + "average when each cell ended:\n");
        for (BenchResult.QueryRow row : result.queries()) {
            out.append(String.format(Locale.ROOT, "- %s: %,d / %,d / %,d runs; load %.2f / %.2f / %.2f; before: %s%n",
                    row.query().title(), row.before().count(), row.after().count(), row.proposed().count(),
                    row.before().loadAverage(), row.after().loadAverage(), row.proposed().loadAverage(),
                    row.beforePlan()));
        }
        out.append('\n').append(TextCharts.queries(result)).append('\n');
    }

    private static void migration(StringBuilder out, BenchResult result) {
        MigrationUnderLoad.Report plain = result.plain();
        MigrationUnderLoad.Report online = result.online();
        out.append(String.format(Locale.ROOT, "### 003 -> 006 under %s: plain DDL and Retort's online "
                + "revisions%n%n", online.writersDescribed()));
        out.append("| | plain | online |\n|---|---|---|\n");
        row(out, "outcome", outcome(plain), outcome(online));
        row(out, "migration", BulkLoad.seconds(plain.duration()), BulkLoad.seconds(online.duration()));
        for (String revision : List.of("004", "005", "006")) {
            row(out, revision, revision(plain, revision), revision(online, revision));
        }
        WriterReport p = plain.writersReport();
        WriterReport o = online.writersReport();
        row(out, "writers during it: transactions/s", rate(p.duringOpsPerSecond()), rate(o.duringOpsPerSecond()));
        row(out, "writers during it: p50 / p99 / max ms", latency(p.during()), latency(o.during()));
        row(out, "writer errors during it", errors(p.errorsDuring()), errors(o.errorsDuring()));
        row(out, "writers alone before it: transactions/s", rate(p.baselineOpsPerSecond()),
                rate(o.baselineOpsPerSecond()));
        row(out, "writers alone before it: p50 / p99 / max ms", latency(p.baseline()), latency(o.baseline()));
        row(out, "load average at the end", String.format(Locale.ROOT, "%.2f", p.during().loadAverage()),
                String.format(Locale.ROOT, "%.2f", o.during().loadAverage()));
        out.append('\n').append(TextCharts.writers(plain)).append('\n').append(TextCharts.writers(online));
        out.append("\nWriters, second by second (from each migration's start; transactions committed, then p50 / p99 "
                + "/ max ms of those that ended in that second):\n\n");
        out.append("| s | plain | plain ms | online | online ms |\n|---|---|---|---|---|\n");
        Map<Long, WriterReport.Second> plainSeconds = bySecond(p);
        Map<Long, WriterReport.Second> onlineSeconds = bySecond(o);
        TreeSet<Long> seconds = new TreeSet<>(plainSeconds.keySet());
        seconds.addAll(onlineSeconds.keySet());
        for (long second : seconds) {
            out.append("| ").append(second)
                    .append(second(plainSeconds.get(second), plain, second))
                    .append(second(onlineSeconds.get(second), online, second))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static String second(WriterReport.Second second, MigrationUnderLoad.Report report, long index) {
        String mark = report.revisions().stream()
                .filter(run -> Math.floor(run.startSeconds()) == index)
                .map(run -> " ▶" + run.revision()).collect(Collectors.joining());
        if (second == null) {
            return " | 0" + mark + " | – ";
        }
        return " | " + second.ops() + (second.errors() > 0 ? " (" + second.errors() + " failed)" : "") + mark
                + " | " + String.format(Locale.ROOT, "%.1f / %.1f / %.1f", second.p50(), second.p99(), second.max());
    }

    private static Map<Long, WriterReport.Second> bySecond(WriterReport report) {
        Map<Long, WriterReport.Second> seconds = new LinkedHashMap<>();
        report.seconds().forEach(second -> seconds.put(second.second(), second));
        return seconds;
    }

    private static String outcome(MigrationUnderLoad.Report report) {
        return report.succeeded() ? report.outcome() : report.outcome() + ": " + oneLine(report.failure());
    }

    /** Fit for a table cell: PostgreSQL's deadlock details come on several lines, and a '|' would end the cell. */
    private static String oneLine(String text) {
        return SqlText.oneLine(text).replace('|', '/');
    }

    private static String revision(MigrationUnderLoad.Report report, String id) {
        return report.revisions().stream().filter(run -> run.revision().equals(id)).findFirst()
                .map(run -> String.format(Locale.ROOT, "%.2f s", run.durationMs() / 1000)
                        + (run.tries() > 1 ? " (" + run.tries() + (report.mode() == MigrationUnderLoad.Mode.PLAIN
                        ? " tries)" : " lock tries)") : "") + (run.succeeded() ? "" : ", failed"))
                .orElse("not run");
    }

    private static void row(StringBuilder out, String name, String plain, String online) {
        out.append("| ").append(name).append(" | ").append(plain).append(" | ").append(online).append(" |\n");
    }

    private static String percentiles(Latency latency) {
        return number(latency.p50()) + " / " + number(latency.p95()) + " / " + number(latency.p99());
    }

    private static String latency(Latency latency) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", latency.p50(), latency.p99(), latency.max());
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** Three significant digits, at most three decimals: 1,234, 12.3, 0.123. */
    static String number(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return value >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                : value >= 1 ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String times(double ratio) {
        return (ratio >= 100 ? String.format(Locale.ROOT, "%,.0f", ratio) : String.format(Locale.ROOT, "%.1f", ratio))
                + "×";
    }

    static String errors(Map<String, Long> bySqlState) {
        if (bySqlState.isEmpty()) {
            return "none";
        }
        return bySqlState.entrySet().stream()
                .map(entry -> entry.getKey() + describe(entry.getKey()) + " ×" + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String describe(String sqlState) {
        return switch (sqlState) {
            case "40P01" -> " (deadlock)";
            case "55P03" -> " (lock timeout)";
            case "57014" -> " (canceled)";
            case "40001" -> " (serialization)";
            default -> sqlState.startsWith("08") ? " (connection)" : "";
        };
    }

    // ----------------------------------------------------------------------------------------------------- json

    /** The result as ordered maps and lists, for a JSON writer. */
    public static Map<String, Object> document(BenchResult result) {
        Scale scale = result.options().scale();
        BulkLoad.Result load = result.load();
        Map<String, Object> document = object(
                "scale", object("name", scale.name(), "users", scale.users(), "customers", scale.customers(),
                        "audit_logs", scale.auditLogs()),
                "seed", result.options().seed(),
                "started", result.started().toString(),
                "server", result.server(),
                "machine", object("cores", result.cores(), "load_average", result.loadAverage()),
                "load", object("duration_ms", load.total().toMillis(), "rows", load.rows(),
                        "copy_ms", load.copy().toMillis(), "rows_per_s", Math.round(load.copyRowsPerSecond()),
                        "streams", load.streams(), "indexes_ms", load.indexes().toMillis(),
                        "analyze_ms", load.analyze().toMillis()));
        List<Object> queries = new ArrayList<>();
        for (BenchResult.QueryRow row : result.queries()) {
            SeedQuery query = row.query();
            queries.add(object("name", query.title(), "sql", query.sql().strip(),
                    "before_ms", percentileFields(row.before()), "after_ms", percentileFields(row.after()),
                    "improvement", round(row.improvement(), 1), "index", row.afterPlan(),
                    "before_plan", row.beforePlan(),
                    "seed", object("before_ms", query.seedBeforeMs(), "after_ms", query.seedAfterMs(),
                            "improvement", round(query.seedBeforeMs() / query.seedAfterMs(), 1)),
                    "proposed_007_ms", percentileFields(row.proposed()),
                    "improvement_007", round(row.proposedImprovement(), 1), "index_007", row.proposedPlan()));
        }
        document.put("queries", queries);
        document.put("migration", migration(result.online()));
        document.put("plain", migration(result.plain()));
        return document;
    }

    private static Map<String, Object> migration(MigrationUnderLoad.Report report) {
        WriterReport writers = report.writersReport();
        return object("mode", report.mode().word(), "writers", report.writers(), "writer_rate", report.writerRate(),
                "duration_ms", report.duration().toMillis(), "reached", report.reached(),
                "failure", report.failure(),
                "revisions", report.revisions().stream().map(run -> (Object) object("revision", run.revision(),
                        "duration_ms", Math.round(run.durationMs()), "start_s", round(run.startSeconds(), 3),
                        "end_s", round(run.endSeconds(), 3), "tries", run.tries(), "succeeded", run.succeeded(),
                        "error", run.error())).toList(),
                "writer_p50_ms", round(writers.during().p50(), 3),
                "writer_p99_ms", round(writers.during().p99(), 3),
                "writer_max_ms", round(writers.during().max(), 3),
                "writer_errors", writers.errorsDuringCount(),
                "writer_errors_by_sqlstate", writers.errorsDuring(),
                "writer_transactions", writers.during().count(),
                "writer_ops_per_s", Math.round(writers.duringOpsPerSecond()),
                "baseline", object("p50_ms", round(writers.baseline().p50(), 3),
                        "p99_ms", round(writers.baseline().p99(), 3), "max_ms", round(writers.baseline().max(), 3),
                        "ops_per_s", Math.round(writers.baselineOpsPerSecond())),
                "per_second", writers.seconds().stream().map(second -> (Object) object("second", second.second(),
                        "ops", second.ops(), "errors", second.errors(), "p50_ms", round(second.p50(), 3),
                        "p99_ms", round(second.p99(), 3), "max_ms", round(second.max(), 3))).toList(),
                "load_average", writers.during().loadAverage());
    }

    private static Map<String, Object> percentileFields(Latency latency) {
        return object("p50", round(latency.p50(), 3), "p95", round(latency.p95(), 3), "p99", round(latency.p99(), 3),
                "max", round(latency.max(), 3), "mean", round(latency.mean(), 3), "runs", latency.count(),
                "load_average", latency.loadAverage());
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }
}
