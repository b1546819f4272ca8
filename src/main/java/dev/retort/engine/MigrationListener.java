package dev.retort.engine;

import java.time.Duration;
import java.util.Optional;

/** What a run tells its caller as it goes; the CLI prints it, a library user may log it or ignore it. */
public interface MigrationListener {

    MigrationListener SILENT = new MigrationListener() {
    };

    /** The lock was taken by someone else at the first try; we are now waiting for it. */
    default void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
    }

    default void stepStarted(Step step) {
    }

    default void stepFinished(Step step, Duration took) {
    }

    /** The step failed and was rolled back. The exception that reports it follows. */
    default void stepFailed(Step step, Duration took) {
    }
}
