package dev.retort.bench;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** How the writers' transactions are counted around a migration, on made-up times (milliseconds, as nanos). */
class WriterReportTest {

    private static final long MS = 1_000_000;
    /** HdrHistogram keeps three significant digits: 1,500 ms may come back as 1,500.159. */
    private static final Offset<Double> PRECISION = within(2.0);

    /** The baseline runs from 0 to 2,000 ms, the migration from 2,000 to 5,000 ms. */
    private static WriterReport report(long[] starts, long[] ends, Map<Integer, String> failures) {
        return WriterReport.of(List.of(new Writers.Record(starts, ends, failures)), 0, 2_000 * MS, 5_000 * MS);
    }

    @Test
    void aTransactionCountsDuringTheMigrationIfItOverlapsItEvenOneThatStartedBefore() {
        WriterReport report = report(
                new long[] {100 * MS, 1_900 * MS, 3_000 * MS, 4_990 * MS, 5_500 * MS},
                new long[] {110 * MS, 3_400 * MS, 3_010 * MS, 5_100 * MS, 5_510 * MS},
                Map.of(1, "40P01"));

        assertThat(report.baseline().count()).isEqualTo(1);
        assertThat(report.during().count()).isEqualTo(3);
        assertThat(report.during().max()).isCloseTo(1_500.0, PRECISION);
        assertThat(report.errorsDuring()).containsExactly(Map.entry("40P01", 1L));
        assertThat(report.duringOpsPerSecond()).isEqualTo(2 / 3.0); // two ended within the migration's 3 s
        assertThat(report.baselineOpsPerSecond()).isEqualTo(0.5);
    }

    @Test
    void secondsAreCountedFromTheMigrationsStartByWhenTransactionsEnded() {
        WriterReport report = report(
                new long[] {100 * MS, 1_900 * MS, 3_000 * MS, 4_990 * MS, 5_500 * MS},
                new long[] {110 * MS, 3_400 * MS, 3_010 * MS, 5_100 * MS, 5_510 * MS},
                Map.of(1, "40P01"));

        assertThat(report.seconds()).extracting(WriterReport.Second::second).containsExactly(-2L, 1L, 3L);
        WriterReport.Second second = report.seconds().get(1);
        assertThat(second.ops()).as("committed").isEqualTo(1);
        assertThat(second.errors()).isEqualTo(1);
        assertThat(second.p50()).isCloseTo(10.0, PRECISION);
        assertThat(second.max()).isCloseTo(1_500.0, PRECISION);
        assertThat(report.seconds().get(2).ops()).isEqualTo(2);
    }
}
