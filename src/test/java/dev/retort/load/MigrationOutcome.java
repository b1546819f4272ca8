package dev.retort.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a migration under load did.
 *
 * @param took             from the first statement to the last commit (or the giving up)
 * @param revisions        each revision that was attempted, in order
 * @param errorsBySqlState the migration's own failed attempts, by SQLSTATE
 * @param reached          the revision the database is at afterwards
 * @param failure          why the migration gave up, or null when it reached its target
 */
public record MigrationOutcome(String mode, Duration took, List<RevisionRun> revisions,
                               Map<String, Long> errorsBySqlState, String reached, String failure) {

    /**
     * One revision's attempts.
     *
     * @param took     all its attempts together
     * @param attempts 1 when it went through at the first try
     */
    public record RevisionRun(String id, Duration took, int attempts, boolean succeeded) {
    }

    public boolean succeeded() {
        return failure == null;
    }
}
