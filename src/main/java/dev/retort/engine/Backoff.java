package dev.retort.engine;

import java.time.Duration;

/**
 * The pauses of a wait that polls: each twice the last, up to a longest, and never past the wait's deadline. A lock
 * that is free again is seen within a few milliseconds, and a long wait costs the server a query a second.
 */
final class Backoff {

    private static final Duration LONGEST = Duration.ofSeconds(1);

    private Duration next;

    Backoff(Duration first) {
        this.next = first;
    }

    /**
     * Sleeps the next pause, or less when only {@code leftNanos} are left of the wait.
     *
     * @param interrupted the message of the exception thrown if the thread is interrupted meanwhile
     */
    void pause(long leftNanos, String interrupted) {
        long nanos = Math.min(next.toNanos(), leftNanos);
        try {
            Thread.sleep(Duration.ofNanos(nanos).toMillis(), (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException(interrupted);
        }
        next = next.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : next.multipliedBy(2);
    }
}
