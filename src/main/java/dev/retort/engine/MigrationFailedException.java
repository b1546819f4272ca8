package dev.retort.engine;

/** A step failed and was rolled back: the database is still at the revision the step started from. */
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
