package dev.retort.engine;

import java.util.List;
import java.util.Map;

/**
 * What {@code current} shows, read on one connection: the revision the database is at, what {@code retort_history}
 * says of each applied revision, the applied revisions whose SQL has changed since, and a step left half done.
 *
 * @param current the revision the database is at, {@code null} at base
 * @param applied each applied revision's latest successful upgrade, by revision id (empty without retort_history)
 * @param edited  the revisions up to the current one whose recorded checksum differs from the shipped SQL's
 * @param unfinished an online step that stopped partway and was not run again since, {@code null} if none: the
 *                   database is then at {@code current} with part of the next revision (or of its undoing) applied
 * @param elsewhere  at base, the warning that an alembic_version the search_path misses exists in another schema;
 *                   else {@code null}
 */
public record DatabaseStatus(String current, Map<String, AppliedRevision> applied, List<EditedRevision> edited,
                             UnfinishedStep unfinished, String elsewhere) {

    public DatabaseStatus {
        applied = Map.copyOf(applied);
        edited = List.copyOf(edited);
    }
}
