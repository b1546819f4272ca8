package dev.retort.engine;

import java.time.Duration;
import java.util.List;

/**
 * One try of a statement that gave up waiting for a lock, and what comes next.
 *
 * @param statement   the statement, or a description of the transaction that was waiting
 * @param attempt     the try that failed, from 1
 * @param attempts    how many tries there are in all
 * @param lockTimeout how long the failed try waited
 * @param deadlock    true when PostgreSQL chose it as a deadlock's victim rather than it timing out
 * @param blockers    the sessions it was last seen waiting for
 * @param pause       how long before the next try
 */
public record LockRetry(Step step, String statement, int attempt, int attempts, Duration lockTimeout,
                        boolean deadlock, List<BlockingSession> blockers, Duration pause) {
}
