package dev.retort.engine;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** A statement that could not get its locks in all the tries the {@link LockPolicy} allows. */
public final class LocksUnavailableException extends RuntimeException {

    private final int attempts;
    private final Duration elapsed;
    private final List<BlockingSession> blockers;
    private final String statement;
    private final boolean windowRanOut;

    /**
     * @param windowRanOut true when the retry window ended the tries (or was the one try's lock_timeout), false when
     *                     the number of retries did
     */
    LocksUnavailableException(String statement, int attempts, Duration elapsed, List<BlockingSession> blockers,
                              SQLException last, boolean windowRanOut) {
        super(last.getMessage(), last);
        this.statement = statement;
        this.attempts = attempts;
        this.elapsed = elapsed;
        this.blockers = List.copyOf(blockers);
        this.windowRanOut = windowRanOut;
    }

    /** Whether {@code --retry-window} ended the tries, rather than {@code --lock-retries}: the option to change. */
    public boolean windowRanOut() {
        return windowRanOut;
    }

    public List<BlockingSession> blockers() {
        return blockers;
    }

    /** E.g. {@code could not get its locks in 10 tries over 1 min 28 s (…); blocked by pid 4242 (psql), …}. */
    String describe() {
        String tries = attempts == 1 ? "1 try" : attempts + " tries";
        String who = blockers.isEmpty() ? "the blocking session had gone by the time it was looked for"
                : "blocked by " + BlockingSession.describeAll(blockers);
        return "could not get its locks in " + tries + " over " + Durations.format(elapsed) + " ("
                + SqlErrors.describe((SQLException) getCause(), statement) + "); " + who;
    }
}
