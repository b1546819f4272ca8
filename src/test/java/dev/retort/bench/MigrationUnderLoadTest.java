package dev.retort.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The warning for writers that cannot keep the pace asked of them, on made-up counts. */
class MigrationUnderLoadTest {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    private static MigrationUnderLoad.Settings writers(int count, int rate) {
        return new MigrationUnderLoad.Settings(count, rate, FIVE_SECONDS, 3);
    }

    private static MigrationUnderLoad.Settings withNoBaseline(int count, int rate) {
        return new MigrationUnderLoad.Settings(count, rate, Duration.ZERO, 3);
    }

    @Test
    void writersThatFallShortOfTheirPaceAloneAreWarnedAbout() {
        assertThat(MigrationUnderLoad.shortfall(writers(4, 250), 3_000, FIVE_SECONDS)).hasValue(
                "  warning: alone, the writers ran 600 transactions a second of the 1,000 asked: they fall behind, "
                        + "and their latencies then measure that backlog, not the migration; a lower --writer-rate "
                        + "fits this machine.");
    }

    @Test
    void writersNearTheirPaceOrFlatOutOrWithNoBaselineAreNot() {
        assertThat(MigrationUnderLoad.shortfall(writers(4, 250), 4_600, FIVE_SECONDS)).isEmpty();
        assertThat(MigrationUnderLoad.shortfall(writers(4, 0), 10, FIVE_SECONDS)).isEmpty();
        assertThat(MigrationUnderLoad.shortfall(withNoBaseline(4, 250), 0, Duration.ofMillis(2))).isEmpty();
    }
}
