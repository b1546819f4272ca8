package dev.retort.cli;

import dev.retort.engine.AppliedRevision;
import dev.retort.engine.Direction;
import dev.retort.engine.Durations;
import dev.retort.engine.EditedRevision;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SqlText;
import dev.retort.engine.UnfinishedStep;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** How a revision is written out, the way Alembic writes it: the short line and the verbose block. */
final class RevisionText {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private RevisionText() {
    }

    /** {@code 002 -> 003 (head) (current), create audit_logs table}. */
    static String line(RevisionGraph graph, Revision revision, String current) {
        return RevisionGraph.labelOf(revision.revises()) + " -> " + revision.id()
                + markers(graph, revision, current) + ", " + revision.message();
    }

    /** {@code 006 (head)}, and {@code (current)} when the database is there. */
    static String label(RevisionGraph graph, Revision revision, String current) {
        return revision.id() + markers(graph, revision, current);
    }

    private static String markers(RevisionGraph graph, Revision revision, String current) {
        return (graph.isHead(revision.id()) ? " (head)" : "")
                + (revision.id().equals(current) ? " (current)" : "");
    }

    /**
     * Alembic's verbose block: Rev, Parent, Path, the message indented; plus, when {@code applied} is not null,
     * an {@code Applied:} line (see {@link #applied}).
     */
    static String block(RevisionGraph graph, Revision revision, String current, String applied) {
        return block(graph, revision, current, applied, null);
    }

    /** {@link #block}, with a {@code Left half done:} line when {@code unfinished} is a step of this revision. */
    static String block(RevisionGraph graph, Revision revision, String current, String applied,
                        UnfinishedStep unfinished) {
        StringBuilder text = new StringBuilder()
                .append("Rev: ").append(label(graph, revision, current)).append('\n')
                .append("Parent: ").append(RevisionGraph.labelOf(revision.revises())).append('\n')
                .append("Path: ").append(revision.path()).append('\n');
        if (applied != null) {
            text.append("Applied: ").append(applied).append('\n');
        }
        if (unfinished != null && unfinished.isOf(revision.id()) && unfinished.runningIn() != null) {
            text.append("Under way: ").append(underWay(unfinished)).append('\n');
        } else if (unfinished != null && unfinished.isOf(revision.id())) {
            text.append("Left half done: ").append(unfinished.describe()).append(' ').append(how(unfinished))
                    .append(". ").append(finishing(unfinished)).append('\n');
        }
        return text.append('\n').append("    ").append(revision.message()).append('\n').toString();
    }

    /** The warning for a revision whose SQL changed after it ran here; the checksums are shortened as git does. */
    private static String edited(EditedRevision edited) {
        if (edited.ranEmpty()) {
            return ranEmpty(edited);
        }
        return "retort: warning: revision " + edited.revision() + "'s SQL has changed since it ran here ("
                + WHEN.format(edited.appliedAt()) + "; checksum " + shortened(edited.recordedChecksum())
                + " then, " + shortened(edited.shippedChecksum()) + " now): the database may not match "
                + edited.revision() + " as shipped. verify compares the schema with its snapshot.";
    }

    /**
     * The warning for a revision that ran here with no SQL (a skeleton applied before it was filled in) and has some
     * now: none of it ran, and nothing will run it, since the database is at it or past it. Stamping its parent puts
     * the database back before it, so that an upgrade runs it; from a revision past it, what came after must be
     * reverted first, or the upgrade would run that again over what it made.
     */
    private static String ranEmpty(EditedRevision edited) {
        String id = edited.revision();
        return "retort: warning: revision " + id + " ran here with no SQL at all (" + WHEN.format(edited.appliedAt())
                + "), as an empty skeleton applied before it was filled in would: none of the SQL it has now ran here. "
                + "If nothing of " + id + " is in the database, stamp " + RevisionGraph.targetWordOf(edited.revises())
                + ", then upgrade head, to run it for real (from a revision after " + id + ", downgrade " + id
                + " first).";
    }

    /**
     * What current and verify warn of, a line each: the revisions edited since they ran, then a step left half done
     * ({@code unfinished} may be null). Upgrade and downgrade warn of the edited revisions alone, with it null.
     */
    static List<String> warnings(List<EditedRevision> edited, UnfinishedStep unfinished) {
        List<String> lines = new ArrayList<>();
        edited.forEach(revision -> lines.add(edited(revision)));
        if (unfinished != null) {
            lines.add(unfinished(unfinished));
        }
        return lines;
    }

    /**
     * The warning for an online step left half done: how, what is applied, and the command that finishes it (what
     * is done is skipped).
     */
    private static String unfinished(UnfinishedStep step) {
        if (step.runningIn() != null) {
            return "retort: note: " + underWay(step) + " Until it ends, " + halfDoneState(step) + ".";
        }
        return "retort: warning: " + step.describe() + " " + how(step) + ": " + halfDoneState(step) + ". "
                + finishing(step);
    }

    /** Where a half-done step leaves the database: {@code the database is at 004 with part of 005 applied}. */
    private static String halfDoneState(UnfinishedStep step) {
        return "the database is at " + RevisionGraph.labelOf(step.from()) + " with part of " + step.revision() + " "
                + Direction.ofWord(step.direction()).partDone();
    }

    /** How the step was left, and when: {@code stopped partway (2026-…, after statement 2/6: ALTER TABLE …)}. */
    private static String how(UnfinishedStep step) {
        String when = WHEN.format(step.at());
        return switch (step.left()) {
            case STOPPED -> "stopped partway (" + when + ", after statement " + lastDone(step) + ")";
            case UNDO_STOPPED -> "failed, and stopped partway while it was being undone (" + when + ", after "
                    + "statement " + lastDone(step) + " of the undoing)";
            case UNDO_FAILED -> "failed, and undoing it failed too (" + when + ")";
            case LOCK_LOST -> "stopped when the session holding the migration lock ended, and was left as it was ("
                    + when + (step.lastDone() == null ? "" : ", after statement " + lastDone(step)) + ")";
        };
    }

    /**
     * A step a run is at work on now: {@code upgrade 004 -> 005 is under way in a run, pid 42 (…), after statement …};
     * or, when the newest row is of its undoing, {@code is being reverted}.
     */
    private static String underWay(UnfinishedStep step) {
        String what = step.left() == UnfinishedStep.Left.UNDO_STOPPED ? " is being reverted" : " is under way";
        return step.describe() + what + " in a run at work now, " + step.runningIn()
                + (step.lastDone() == null ? "" : ", after statement " + lastDone(step)
                + (step.left() == UnfinishedStep.Left.UNDO_STOPPED ? " of the reverting" : "")) + ".";
    }

    /** The command that finishes the step: {@code Run upgrade 004 to finish it: what is done is skipped.} */
    private static String finishing(UnfinishedStep step) {
        return (step.left() == UnfinishedStep.Left.UNDO_FAILED ? "Once the cause is fixed, run " : "Run ")
                + step.finishingCommand() + " to finish it: what is done is skipped.";
    }

    private static String lastDone(UnfinishedStep step) {
        return SqlText.abbreviated(step.lastDone(), 80);
    }

    private static String shortened(String checksum) {
        return checksum.length() <= 12 ? checksum : checksum.substring(0, 12);
    }

    /**
     * When and by whom a revision was applied, from its latest upgrade in {@code retort_history}. A revision the
     * database is past but that has no such row was stamped, or applied by Alembic before Retort.
     */
    static String applied(AppliedRevision record, boolean databaseIsPastIt) {
        if (record != null && databaseIsPastIt) {
            return WHEN.format(record.appliedAt()) + " by " + record.dbUser() + " in "
                    + Durations.format(Duration.ofMillis(record.durationMs()));
        }
        return databaseIsPastIt
                ? "yes (no record in retort_history: stamped, or applied before Retort)" : "not applied";
    }
}
