package dev.retort.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The charts of the markdown report, as text, on made-up figures. */
class TextChartsTest {

    private static Latency p50(double ms) {
        return new Latency(2_000, ms, ms, ms, ms, ms, 0.5);
    }

    private static WriterReport.Second second(long second, double maxMs) {
        return new WriterReport.Second(second, 100, 0, 1, maxMs, maxMs);
    }

    private static MigrationUnderLoad.Report online(List<WriterReport.Second> seconds, double durationSeconds) {
        WriterReport writers = new WriterReport(p50(1), 100, p50(1), 100, Map.of(), Map.of(), seconds);
        return new MigrationUnderLoad.Report(MigrationUnderLoad.Mode.ONLINE, 4, 250,
                Duration.ofMillis((long) (durationSeconds * 1000)),
                List.of(new MigrationUnderLoad.RevisionRun("004", 0.1, 3.2, 1, true, null),
                        new MigrationUnderLoad.RevisionRun("005", 3.2, 7.5, 1, true, null),
                        new MigrationUnderLoad.RevisionRun("006", 7.5, 12.0, 1, true, null)),
                "006", null, writers);
    }

    @Test
    void queryBarsAreOnALogScaleEightCharactersToAFactorOfTen() {
        BenchResult.QueryRow row = new BenchResult.QueryRow(SeedQuery.USER_BY_EMAIL, p50(100), p50(0.1), p50(0.01),
                "Seq Scan on users", "uq_users_email", "uq_users_email");
        BenchResult result = new BenchResult(BenchOptions.defaults(Scale.SMALL), Instant.EPOCH, "PostgreSQL", 2, 0.5,
                null, List.of(row), null, null);

        List<String> lines = TextCharts.queries(result).lines().toList();

        assertThat(lines).first().isEqualTo("```text");
        assertThat(lines).contains("user lookup by email", "  before      " + "█".repeat(32) + " 100",
                "  after (006) " + "█".repeat(8) + " 0.100", "  with 007    █ 0.010",
                "  seed before " + "█".repeat(30) + " 50.0", "  seed after  " + "█".repeat(18) + " 2.00");
        assertThat(lines).last().isEqualTo("```");
        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void theWritersLineHasOneBlockPerSecondTenMillisecondsAStepAndMarksWhereEachRevisionStarted() {
        List<WriterReport.Second> seconds = new ArrayList<>();
        for (long s = -5; s <= 16; s++) {
            seconds.add(second(s, s == 8 ? 65 : s == 9 ? 250 : 4));
        }

        List<String> lines = TextCharts.writers(online(seconds, 12.0)).lines().toList();

        assertThat(lines.get(1)).startsWith("online, 4 writers at 250 transactions/s each: the worst transaction of each second, from -5 s "
                + "(004 at 0 s, 005 at 3 s, 006 at 7 s;");
        assertThat(lines.get(2)).isEqualTo("▁".repeat(13) + "▇█" + "▁".repeat(7));
        assertThat(lines.get(3)).as("005 starts under 004's label: the line above names it")
                .isEqualTo(" ".repeat(5) + "▲004   ▲006 ▲end");
    }

    @Test
    void aLongRunIsShownInGroupsOfSecondsEachTheWorstOfItsGroup() {
        List<WriterReport.Second> seconds = Stream.iterate(-5L, s -> s <= 294, s -> s + 1)
                .map(s -> second(s, s == 150 ? 95 : 4)).toList();

        List<String> lines = TextCharts.writers(online(seconds, 290)).lines().toList();

        assertThat(lines.get(1)).contains("the worst transaction of each 3 seconds, from -5 s");
        assertThat(lines.get(2)).hasSize(100).contains("█").matches("▁+█▁+");
        assertThat(lines.get(2).indexOf('█')).isEqualTo((150 + 5) / 3);
    }
}
