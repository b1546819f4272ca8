package dev.retort.engine;

/**
 * The thread running a migration was interrupted (a service shutting down, an executor's {@code shutdownNow}), and the
 * run stopped before its next step. The step under way when the interrupt came was carried to its end, so the
 * database is at a revision, {@link #revision()}, with no step half done; running the same migration again goes on
 * from there. The thread's interrupt flag is left set, for the caller to see.
 */
public class RunInterruptedException extends RetortException {

    private final String revision;

    public RunInterruptedException(String message, String revision) {
        super(message);
        this.revision = revision;
    }

    /** The revision the database is at, {@code null} at base. */
    public String revision() {
        return revision;
    }
}
