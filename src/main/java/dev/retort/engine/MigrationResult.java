package dev.retort.engine;

import java.time.Duration;
import java.util.List;

/**
 * What a run did: where the database was, where it is now, each step with its time.
 *
 * @param note        why nothing was done, when nothing was (e.g. the target is behind the current revision); else null
 * @param undoneFirst the step an earlier run left half done, whose work the run reverted before its steps; else null
 * @param edited      the revisions up to {@code from} whose SQL has changed since they ran here ({@link Plan#edited})
 */
public record MigrationResult(String from, String to, List<StepTiming> steps, String note, Step undoneFirst,
                              List<EditedRevision> edited) {

    public record StepTiming(Step step, Duration took) {
    }

    public boolean changedNothing() {
        return steps.isEmpty() && undoneFirst == null;
    }
}
