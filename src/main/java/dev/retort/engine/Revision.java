package dev.retort.engine;

/**
 * One step of the schema's history: how to go up from the revision it revises, and how to come back.
 *
 * <p>Revisions are plain Java with their SQL in text blocks, the upgrade beside its inverse, handed to the
 * engine as an explicit list (no classpath scanning). The engine runs each direction of a revision in one
 * transaction, so a revision only says what to execute, never when to commit.
 */
public interface Revision {

    /** The revision's id as stored in {@code alembic_version}, e.g. {@code "003"}. */
    String id();

    /** The id of the revision this one follows, or {@code null} for the first revision. */
    String revises();

    /** One line saying what the revision does, e.g. {@code "create audit_logs table"}. */
    String message();

    void upgrade(MigrationContext context);

    /**
     * Whether the revision runs online rather than in one transaction: each statement in a short transaction of its
     * own ({@code CONCURRENTLY} statements outside any), so that tables with live traffic are locked only briefly.
     *
     * <p>An online revision must be safe to run again from any point, since a crash can stop it between two
     * statements: write {@code IF [NOT] EXISTS} where PostgreSQL has it. The engine itself skips an
     * {@code ADD CONSTRAINT} whose constraint exists and a {@code CREATE INDEX} whose index is valid, and drops an
     * index that an interrupted {@code CREATE INDEX CONCURRENTLY} left INVALID before building it again.
     *
     * <p>A revision with a {@code CONCURRENTLY} statement must be online: PostgreSQL refuses one inside a transaction
     * block, so a run refuses such a revision that is not, before its first step.
     */
    default boolean online() {
        return false;
    }

    void downgrade(MigrationContext context);

    /** Where the revision's source lives, relative to the project, for {@code show} and {@code history -v}. */
    default String path() {
        return "src/main/java/" + getClass().getName().replace('.', '/') + ".java";
    }
}
