package dev.retort.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock timeout and the retry window reach PostgreSQL as whole milliseconds, where 0 means waiting for a lock
 * forever: a policy that would send 0 is refused where it is made.
 */
class LockPolicyTest {

    @Test
    void aLockTimeoutOrRetryWindowUnderOneMillisecondIsRefused() {
        assertThatThrownBy(() -> new LockPolicy(Duration.ofNanos(500_000), 9, Duration.ofMinutes(2), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lock timeout must be 1 ms or more, not 0 ms");
        assertThatThrownBy(() -> new LockPolicy(Duration.ofSeconds(1), 9, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry window must be 1 ms or more, not 0 ms");
        assertThatThrownBy(() -> new LockPolicy(Duration.ofSeconds(1), 9, Duration.ofNanos(999_999), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry window must be 1 ms or more, not 0 ms");
    }

    @Test
    void oneMillisecondIsEnough() {
        LockPolicy quickest = new LockPolicy(Duration.ofMillis(1), 0, Duration.ofMillis(1), Duration.ZERO);

        assertThat(quickest.lockTimeoutFor(1)).isEqualTo(Duration.ofMillis(1));
        assertThat(quickest.retryWindow()).isEqualTo(Duration.ofMillis(1));
    }
}
