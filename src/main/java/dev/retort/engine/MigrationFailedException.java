package dev.retort.engine;

/**
 * A step failed. Its message says what that left: most often nothing, the database still at the revision the step
 * started from (a step in one transaction is rolled back; an online one is undone statement by statement). An online
 * step whose undoing failed too, or whose run lost its migration lock, is left half done: the message says so, and
 * running the same migration again takes it up. When PostgreSQL refused a statement, its error is down the cause
 * chain as an {@link java.sql.SQLException} with its SQLSTATE, which the message quotes too.
 */
public class MigrationFailedException extends RetortException {

    private final Step step;

    public MigrationFailedException(Step step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    public Step step() {
        return step;
    }
}
