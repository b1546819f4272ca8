package dev.retort.load;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The harness's results as markdown: one summary row per run, then the writers phase by phase. */
final class LoadReport {

    private LoadReport() {
    }

    static String markdown(SeedData.Sizes sizes, int writers, MigrationOutcome migration, WriterLoad.Result load) {
        WriterLoad.Stats during = load.phase(LoadHarness.MIGRATION_PHASE);
        WriterLoad.Stats baseline = load.phase(LoadHarness.BASELINE_PHASE);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%,d users, %,d customers, %,d audit logs, %d writers%n%n",
                sizes.users(), sizes.customers(), sizes.auditLogs(), writers));
        out.append("| mode | migration | per revision | migration errors | writer ops | p50 | p99 | max "
                + "| writer errors | baseline p99 / max |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        out.append("| ").append(migration.mode())
                .append(" | ").append(seconds(migration.took()))
                .append(migration.succeeded() ? "" : ", gave up, stayed at " + migration.reached())
                .append(" | ").append(perRevision(migration.revisions()))
                .append(" | ").append(errors(migration.errorsBySqlState()))
                .append(" | ").append(String.format(Locale.ROOT, "%,d", during.ops()))
                .append(" | ").append(millis(during.p50Micros()))
                .append(" | ").append(millis(during.p99Micros()))
                .append(" | ").append(millis(during.maxMicros()))
                .append(" | ").append(errors(during.errorsBySqlState()))
                .append(" | ").append(millis(baseline.p99Micros())).append(" / ").append(millis(baseline.maxMicros()))
                .append(" |\n\n");
        out.append("| writers' phase | length | ops | ops/s | p50 | p99 | max | worst second (ops, max) "
                + "| seconds without a commit | errors |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (WriterLoad.Stats phase : load.phases()) {
            out.append(phaseRow(phase));
        }
        if (!migration.succeeded()) {
            out.append("\nThe migration gave up: ").append(migration.failure()).append('\n');
        }
        return out.toString();
    }

    private static String phaseRow(WriterLoad.Stats phase) {
        double perSecond = phase.ops() / Math.max(0.001, phase.length().toNanos() / 1e9);
        WriterLoad.Second worst = phase.worstSecond();
        return "| " + phase.phase()
                + " | " + seconds(phase.length())
                + " | " + String.format(Locale.ROOT, "%,d", phase.ops())
                + " | " + String.format(Locale.ROOT, "%,.0f", perSecond)
                + " | " + millis(phase.p50Micros())
                + " | " + millis(phase.p99Micros())
                + " | " + millis(phase.maxMicros())
                + " | " + "s" + worst.index() + " (" + worst.ops() + ", " + millis(worst.maxMicros()) + ")"
                + " | " + phase.secondsWithoutCommit()
                + " | " + errors(phase.errorsBySqlState())
                + " |\n";
    }

    private static String perRevision(List<MigrationOutcome.RevisionRun> runs) {
        if (runs.isEmpty()) {
            return "–";
        }
        return runs.stream()
                .map(run -> run.id() + " " + seconds(run.took())
                        + (run.attempts() > 1 ? " (" + run.attempts() + " tries)" : "")
                        + (run.succeeded() ? "" : " failed"))
                .collect(Collectors.joining(", "));
    }

    static String errors(Map<String, Long> bySqlState) {
        if (bySqlState.isEmpty()) {
            return "none";
        }
        return bySqlState.entrySet().stream()
                .map(entry -> entry.getKey() + (describe(entry.getKey()).isEmpty() ? "" : " " + describe(entry.getKey()))
                        + " ×" + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String describe(String sqlState) {
        return switch (sqlState) {
            case "40P01" -> "deadlock";
            case "55P03" -> "lock timeout";
            case "57014" -> "canceled";
            case "40001" -> "serialization";
            case "25P02" -> "aborted transaction";
            default -> sqlState.startsWith("08") ? "connection" : "";
        };
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
    }

    static String millis(long micros) {
        return micros >= 100_000
                ? String.format(Locale.ROOT, "%,d ms", Math.round(micros / 1000.0))
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
