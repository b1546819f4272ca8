package dev.retort;

import dev.retort.engine.EditedRevision;
import dev.retort.engine.SchemaDrift;
import dev.retort.engine.UnfinishedStep;

import java.util.List;

/**
 * What {@link Retort#verify()} found.
 *
 * @param revision the revision the database is at, {@code null} at base
 * @param label    the same as printed, e.g. {@code 006 (head)}
 * @param drift    how the live schema differs from the revision's snapshot; {@link SchemaDrift#none()} if it does not
 * @param edited   applied revisions whose SQL changed since they ran here
 * @param unfinished an online step left half done, which explains drift that alembic_version does not; {@code null}
 *                   if none
 */
public record Verification(String revision, String label, SchemaDrift drift, List<EditedRevision> edited,
                           UnfinishedStep unfinished) {

    /** Whether the live schema is exactly what the revision makes. */
    public boolean matches() {
        return drift.none();
    }
}
