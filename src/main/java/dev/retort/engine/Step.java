package dev.retort.engine;

/**
 * One revision applied in one direction: the unit that runs in its own transaction.
 *
 * @param from the revision the database is at before the step, {@code null} for base
 * @param to   the revision the database is at after the step, {@code null} for base
 */
public record Step(Revision revision, Direction direction, String from, String to) {

    public static Step up(Revision revision) {
        return new Step(revision, Direction.UPGRADE, revision.revises(), revision.id());
    }

    public static Step down(Revision revision) {
        return new Step(revision, Direction.DOWNGRADE, revision.id(), revision.revises());
    }

    /** The step that undoes this one: same revision, the other way. */
    public Step reverse() {
        return new Step(revision, direction.opposite(), to, from);
    }

    public void applyTo(MigrationContext context) {
        if (direction == Direction.UPGRADE) {
            revision.upgrade(context);
        } else {
            revision.downgrade(context);
        }
    }

    /** As Alembic says it: {@code upgrade 002 -> 003, create audit_logs table}; base is left blank. */
    public String describe() {
        return direction.word() + " " + blankIfBase(from) + " -> " + blankIfBase(to) + ", " + revision.message();
    }

    private static String blankIfBase(String id) {
        return id == null ? "" : id;
    }
}
