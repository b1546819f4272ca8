package dev.retort.engine;

/**
 * The thread running a migration was interrupted (a service shutting down, an executor's {@code shutdownNow}), and the
 * run stopped at the first safe place: before its next step, or while a step waited to try a statement again for its
 * locks. A step whose statement was running when the interrupt came is carried to its end (pgjdbc does not stop a
 * statement for an interrupt), so the database is at a revision, {@link #revision()}. Stopped while waiting, a step in
 * one transaction is rolled back; an online one is left where it stopped, as a crash leaves it, and the message says
 * so. Running the same migration again goes on from there. The thread's interrupt flag is left set, for the caller to
 * see.
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
