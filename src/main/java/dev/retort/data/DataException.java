package dev.retort.data;

/**
 * The one unchecked base of every error the data layer reports. Its message is written for the developer who
 * called it: what was refused, by which rule, and what to do instead. When it comes from PostgreSQL,
 * {@link #sqlState()} says which error it was (a benchmark's writer, for one, retries {@code 40P01} deadlocks),
 * and the {@link java.sql.SQLException} is the cause.
 *
 * <p>By the time a caller sees one, the transaction it interrupted has been rolled back: nothing of the change,
 * and none of its audit row, was written. One exception: a connection lost during COMMIT (SQLSTATE class 08, and a
 * message that says so), after which nobody can tell whether the server committed.
 */
public class DataException extends RuntimeException {

    private final String sqlState;

    public DataException(String message) {
        this(message, null, null);
    }

    public DataException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** PostgreSQL's five-character SQLSTATE, or null when the refusal came from the data layer itself. */
    public String sqlState() {
        return sqlState;
    }
}
