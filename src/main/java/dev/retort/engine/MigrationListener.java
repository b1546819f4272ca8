package dev.retort.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a run tells its caller as it goes; the CLI prints it, a library user may log it or ignore it. Every method has
 * a default that does nothing, so a listener overrides only what it wants. All are called on the thread that runs the
 * migration, except {@link #progress}.
 */
public interface MigrationListener {

    MigrationListener SILENT = new MigrationListener() {
    };

    /** The lock was taken by someone else at the first try; we are now waiting for it. */
    default void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
    }

    /**
     * Told once, with the migration lock had, when the work sessions of another run are still at work: a run whose
     * lock's session ended under it (see WorkMark). This run waits for them to end.
     */
    default void waitingForEarlierRun(List<BlockingSession> sessions) {
    }

    /**
     * Told once, before the run's first step (or its word that there is nothing to do), when revisions up to the
     * current one have had their SQL changed since they ran here: the run builds on what they did then.
     */
    default void editedRevisions(List<EditedRevision> edited) {
    }

    /** Something the operator should know before the run's first step, in one sentence without its full stop. */
    default void warning(String text) {
    }

    /**
     * Before a step that needs locks on {@code tables}: these sessions hold locks there and are idle in a
     * transaction or have had one open for long, so the step's statements are likely to wait for them.
     */
    default void sessionsInTheWay(Step step, List<BlockingSession> sessions) {
    }

    default void stepStarted(Step step) {
    }

    /**
     * An online step starts again after a run that stopped partway (a crash leaves no closing history row);
     * {@code lastDone} is the last statement that run recorded, e.g. {@code 5/21: CREATE INDEX …}.
     */
    default void resuming(Step step, String lastDone) {
    }

    /** Statement {@code number} (from 1) of the step's {@code count} is about to run. */
    default void statementStarting(Step step, int number, int count, String sql) {
    }

    /** An online step's statement ran and was recorded (undoing a failed step is an online step too). */
    default void statementDone(Step step, String sql) {
    }

    /** An online step's statement was found already done (a rerun after a crash) and was not run again. */
    default void statementSkipped(Step step, String sql, String reason) {
    }

    /** A statement gave up waiting for a lock (or was chosen as a deadlock's victim) and will be tried again. */
    default void retrying(LockRetry retry) {
    }

    /**
     * A statement's last try gave up waiting for a lock too (its {@code pause} is zero): no try is left, or none could
     * end within the retry window. The step fails next.
     */
    default void lastTryFailed(LockRetry lastTry) {
    }

    /**
     * A step that has run for {@link StepProgress#AFTER} is still running: told about every second, from another
     * thread than the one running the step.
     */
    default void progress(StepProgress progress) {
    }

    default void stepFinished(Step step, Duration took) {
    }

    /** The step failed. For an online step, {@link #undoing} follows; then the exception that reports it. */
    default void stepFailed(Step step, Duration took) {
    }

    /** An online step failed partway; its statements done so far are being reverted, as {@code undo}. */
    default void undoing(Step failed, Step undo) {
    }

    /**
     * Before the run's first step: an earlier run left {@code halfDone} half done, and this run goes elsewhere, so what
     * it did is reverted first, as {@code undo}. Its statements are told as an undoing's are.
     */
    default void undoingHalfDone(Step halfDone, Step undo) {
    }
}
