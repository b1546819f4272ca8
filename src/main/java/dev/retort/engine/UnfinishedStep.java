package dev.retort.engine;

import java.time.Instant;

/**
 * An online step that stopped partway (a crash, a kill, Ctrl-C) and has not been run again since: the newest row of
 * {@code retort_history} is one of its {@code progress} rows. Its statements up to {@code lastDone} are committed,
 * while {@code alembic_version} still says {@code from}; running the same command again finishes it.
 *
 * @param direction upgrade or downgrade (an undo that stopped is a downgrade of the revision it was undoing)
 * @param from      where alembic_version still is, {@code null} for base
 * @param to        where the step was going, {@code null} for base
 * @param lastDone  the progress row's part, e.g. {@code 6/22: ALTER TABLE …}
 * @param at        when that statement committed
 */
public record UnfinishedStep(String revision, String direction, String from, String to, String lastDone,
                             Instant at) {

    /** As Alembic names a step: {@code upgrade 005 -> 006}. */
    public String describe() {
        return direction + " " + RevisionGraph.labelOf(from) + " -> " + RevisionGraph.labelOf(to);
    }
}
