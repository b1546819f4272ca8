package dev.retort.engine;

import java.time.Duration;

/**
 * How long a migration statement may wait for a table lock, and how it tries again.
 *
 * <p>A statement that waits for a lock makes every later query on that table queue behind it, so the wait is kept
 * short ({@code lock_timeout}) and the statement tried again later rather than waiting long: the application
 * stalls for at most one timeout at a time. Each try waits a little longer than the one before, after a pause that
 * grows too, until the tries or the window run out.
 *
 * @param lockTimeout      the first try's {@code lock_timeout}; later tries wait up to {@value #LONGEST_FACTOR} times as long
 * @param retries          how many times a statement is tried again after a lock timeout or a deadlock (0: never)
 * @param retryWindow      tries stop when the next one could not end within this time from the first
 * @param statementTimeout {@code statement_timeout} for every statement; {@link Duration#ZERO} for none
 */
public record LockPolicy(Duration lockTimeout, int retries, Duration retryWindow, Duration statementTimeout) {

    public static final LockPolicy DEFAULT =
            new LockPolicy(Duration.ofSeconds(1), 9, Duration.ofMinutes(2), Duration.ZERO);

    private static final int LONGEST_FACTOR = 4;
    private static final int LONGEST_PAUSE_FACTOR = 10;

    public LockPolicy {
        // Both go to PostgreSQL as whole milliseconds, where 0 would mean waiting for a lock forever.
        if (lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("lock timeout must be 1 ms or more, not "
                    + Durations.format(lockTimeout));
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, not " + retries);
        }
        if (retryWindow.toMillis() < 1) {
            // It is also the lock timeout of a statement that does not block the application.
            throw new IllegalArgumentException("retry window must be 1 ms or more, not "
                    + Durations.format(retryWindow));
        }
        if (statementTimeout.isNegative()) {
            throw new IllegalArgumentException("statement timeout must be 0 (none) or more");
        }
    }

    public int attempts() {
        return retries + 1;
    }

    /** The {@code lock_timeout} of try {@code attempt} (1 for the first): 1, 1.5, 2.25 … times the first, capped. */
    public Duration lockTimeoutFor(int attempt) {
        double factor = Math.min(Math.pow(1.5, attempt - 1), LONGEST_FACTOR);
        return Duration.ofMillis(Math.round(lockTimeout.toMillis() * factor));
    }

    /** The pause after try {@code attempt} failed: half the first timeout, doubling each time, capped. */
    public Duration pauseAfter(int attempt) {
        double factor = Math.min(0.5 * Math.pow(2, attempt - 1), LONGEST_PAUSE_FACTOR);
        return Duration.ofMillis(Math.round(lockTimeout.toMillis() * factor));
    }

    /** Whether try {@code attempt + 1} may start, {@code elapsed} after the first began. */
    public boolean mayRetry(int attempt, Duration elapsed) {
        Duration next = elapsed.plus(pauseAfter(attempt)).plus(lockTimeoutFor(attempt + 1));
        return attempt < attempts() && next.compareTo(retryWindow) <= 0;
    }
}
