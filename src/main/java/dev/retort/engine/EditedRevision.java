package dev.retort.engine;

import java.time.Instant;
import java.util.List;

/**
 * An applied revision whose SQL is no longer what ran: its upgrade's checksum now differs from the one recorded in
 * {@code retort_history} when it was applied. The database may then not be what the revision, as shipped, makes.
 *
 * @param revises the revision it revises, {@code null} for the first: where a stamp puts the database to run it again
 */
public record EditedRevision(String revision, String revises, Instant appliedAt, String recordedChecksum,
                             String shippedChecksum) {

    /** The checksum of a step that executes nothing. */
    private static final String NO_SQL = RecordingContext.checksumOf(List.of());

    /**
     * Whether it ran with no SQL at all: most likely a skeleton that {@code revision -m} wrote, applied before it was
     * filled in, so that none of what it says now ran here.
     */
    public boolean ranEmpty() {
        return NO_SQL.equals(recordedChecksum);
    }
}
