package dev.retort.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An online step left half done, as the newest row of {@code retort_history} tells, since {@code alembic_version}
 * cannot: some of its statements are committed while {@code alembic_version} still says {@code from}. Running the
 * same command again finishes it (what is done is skipped).
 *
 * @param revision  the revision the step applies or reverts
 * @param direction the step's direction: upgrade or downgrade
 * @param from      where alembic_version still is, {@code null} for base
 * @param to        where the step was going, {@code null} for base
 * @param lastDone  the last statement recorded as done, e.g. {@code 6/22: ALTER TABLE …}; for {@link Left#UNDO_STOPPED}
 *                  a statement of the undoing; {@code null} for {@link Left#UNDO_FAILED}, and for
 *                  {@link Left#LOCK_LOST} when no statement was done
 * @param at        when that row was written
 * @param left      how it was left
 * @param runningIn the work session of a Retort run at work as the row is read (it holds the run's mark), when the
 *                  row is a progress row: then the step is not left at all, but under way; else null
 */
public record UnfinishedStep(String revision, String direction, String from, String to, String lastDone, Instant at,
                             Left left, AdvisoryLock.Holder runningIn) {

    UnfinishedStep(String revision, String direction, String from, String to, String lastDone, Instant at,
                   Left left) {
        this(revision, direction, from, to, lastDone, at, left, null);
    }

    /** Whether the newest row is a progress row, as a run at work leaves it (a failure row ends a run). */
    boolean lastRowIsProgress() {
        return left == Left.STOPPED || left == Left.UNDO_STOPPED;
    }

    /** This step as under way in the run whose work session is {@code run}. */
    UnfinishedStep underWayIn(AdvisoryLock.Holder run) {
        return new UnfinishedStep(revision, direction, from, to, lastDone, at, left, run);
    }

    /** How a step came to be left half done. */
    public enum Left {
        /** It stopped partway: a crash, a kill, Ctrl-C. */
        STOPPED,
        /** It failed, and stopped partway while its statements done so far were being reverted. */
        UNDO_STOPPED,
        /** It failed, and reverting its statements done so far failed too. */
        UNDO_FAILED,
        /** It stopped when the migration lock's session ended, and was left as it was (another runner may be at work). */
        LOCK_LOST
    }

    /** What the newest row of retort_history, which must exist, says is left half done at {@code current}. */
    static Optional<UnfinishedStep> readAt(Connection connection, String current) throws SQLException {
        return HistoryTable.newest(connection).flatMap(row -> of(row, current));
    }

    /**
     * What the newest history row says is left half done, if anything, with the database at {@code current}. An undo
     * records its rows as the reverse step (from and to swapped, the other direction); this reads them as the step
     * that failed. A row that fits neither way (alembic_version moved since, by a stamp or by hand) says nothing.
     */
    static Optional<UnfinishedStep> of(HistoryTable.Row newest, String current) {
        boolean fromHere = Objects.equals(newest.from(), current);
        if (newest.outcome().equals("progress") && fromHere) {
            return Optional.of(new UnfinishedStep(newest.revision(), newest.direction(), newest.from(), newest.to(),
                    newest.part(), newest.finishedAt(), Left.STOPPED));
        }
        if (newest.outcome().equals("progress") && Objects.equals(newest.to(), current)) {
            return Optional.of(new UnfinishedStep(newest.revision(), opposite(newest.direction()), newest.to(),
                    newest.from(), newest.part(), newest.finishedAt(), Left.UNDO_STOPPED));
        }
        if (newest.outcome().equals("failed") && fromHere && newest.error() != null) {
            Left left = newest.error().contains(StepRunner.UNDO_FAILED) ? Left.UNDO_FAILED
                    : newest.error().contains(StepRunner.NOT_UNDONE) ? Left.LOCK_LOST : null;
            if (left != null) {
                return Optional.of(new UnfinishedStep(newest.revision(), newest.direction(), newest.from(),
                        newest.to(), left == Left.LOCK_LOST ? newest.part() : null, newest.finishedAt(), left));
            }
        }
        return Optional.empty();
    }

    /**
     * A query that finds a row when {@link #of} would find a step left half done at {@code at} (an SQL
     * expression: a literal, or what alembic_version holds): the same reading of the newest history row, in SQL,
     * for an offline script that must not run over one.
     */
    static String newestRowLeavesOneAtSql(String at) {
        return "SELECT FROM (SELECT * FROM retort_history ORDER BY finished_at DESC, outcome = 'progress' LIMIT 1) "
                + "newest\n            WHERE (outcome = 'progress' AND (from_revision IS NOT DISTINCT FROM " + at
                + " OR to_revision IS NOT DISTINCT FROM " + at + "))\n               OR (outcome = 'failed' AND "
                + "from_revision IS NOT DISTINCT FROM " + at + "\n                   AND (strpos(error, "
                + SqlText.literal(StepRunner.UNDO_FAILED) + ") > 0 OR strpos(error, "
                + SqlText.literal(StepRunner.NOT_UNDONE) + ") > 0))";
    }

    /** Whether this is a step of revision {@code id}. */
    public boolean isOf(String id) {
        return revision.equals(id);
    }

    /** Whether this is {@code step}: its revision, its way. */
    boolean isOf(Step step) {
        return isOf(step.revision().id()) && direction.equals(step.direction().word());
    }

    /** As Alembic names a step: {@code upgrade 005 -> 006}. */
    public String describe() {
        return direction + " " + RevisionGraph.labelOf(from) + " -> " + RevisionGraph.labelOf(to);
    }

    /** The command that finishes it: {@code upgrade 006}, {@code downgrade base}. */
    public String finishingCommand() {
        return direction + " " + RevisionGraph.targetWordOf(to);
    }

    /** The command that reverts it, a run to where the database is: {@code downgrade 004}, {@code upgrade 006}. */
    public String revertingCommand() {
        return opposite(direction) + " " + RevisionGraph.targetWordOf(from);
    }

    private static String opposite(String direction) {
        return Direction.ofWord(direction).opposite().word();
    }
}
