package dev.retort.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void aBareNumberIsSecondsForRetortsOwnWaits() {
        assertThat(Durations.parse("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    }

    /** PostgreSQL reads lock_timeout = 500 as 500 ms: taken as seconds, a timeout would be a thousand times longer. */
    @Test
    void aTimeoutRefusesABareNumberAndSaysBothReadings() {
        assertThatThrownBy(() -> Durations.parseTimeout("500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'500' has no unit: PostgreSQL would read it as 500 ms, Retort's other waits as 500 s; "
                        + "write 500ms or 500s");
        assertThatThrownBy(() -> Durations.parseTimeout("1.5")).hasMessageContaining("write 1.5ms or 1.5s");
    }

    @Test
    void aTimeoutTakesUnitsAndABareZero() {
        assertThat(Durations.parseTimeout("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parseTimeout("2 s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parseTimeout("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parseTimeout("0")).isZero();
        assertThat(Durations.parseTimeout("0s")).isZero();
    }

    /** PostgreSQL counts these timeouts in whole milliseconds: 0.1 ms would become 0, which means no limit. */
    @Test
    void aTimeoutUnderAMillisecondIsRefusedRatherThanRoundedToNoLimit() {
        assertThatThrownBy(() -> Durations.parseTimeout("0.0001s"))
                .hasMessage("'0.0001s' is under a millisecond, which PostgreSQL would round to 0; give 1ms or more");
        assertThat(Durations.parseTimeout("0.6ms")).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void notADurationSaysHowToWriteOne() {
        assertThatThrownBy(() -> Durations.parse("abc")).hasMessage("'abc' is not a duration: write a number with "
                + "ms, s, m or h, e.g. 500ms, 10s or 2m (a bare number is seconds)");
        assertThatThrownBy(() -> Durations.parseTimeout("-1s")).hasMessage("'-1s' is not a duration: write a number "
                + "with ms, s, m or h, e.g. 500ms, 10s or 2m (a unit is required)");
    }
}
