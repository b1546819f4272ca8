package dev.retort.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps a migration would take from where the database is.
 *
 * @param from      the revision the database is at, {@code null} for base
 * @param to        the revision it would be at after the steps
 * @param note      why there is nothing to do, when there is not (no steps, nothing to revert); else null
 * @param undoFirst an online step that an earlier run left half done at {@code from} and that the steps do not take
 *                  up, so the run reverts what it did before its first step; else null
 * @param edited    the revisions up to {@code from} whose SQL has changed since they ran here, as {@code current} finds
 *                  them ({@link DatabaseStatus#edited}): the steps build on what they did then, not on what they say
 *                  now (empty for an offline script, which reads no database)
 */
public record Plan(String from, String to, List<Step> steps, String note, Step undoFirst,
                   List<EditedRevision> edited) {

    public Plan {
        edited = List.copyOf(edited);
    }

    static Plan nothing(String at, String note) {
        return new Plan(at, at, List.of(), note, null, List.of());
    }

    Plan withEdited(List<EditedRevision> revisions) {
        return new Plan(from, to, steps, note, undoFirst, revisions);
    }

    /** Every step the run takes, in order: the reverting of {@link #undoFirst}, as its reverse step, then the steps. */
    public List<Step> stepsToRun() {
        if (undoFirst == null) {
            return steps;
        }
        List<Step> all = new ArrayList<>(steps.size() + 1);
        all.add(undoFirst.reverse());
        all.addAll(steps);
        return all;
    }
}
