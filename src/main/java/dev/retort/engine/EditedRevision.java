package dev.retort.engine;

import java.time.Instant;

/**
 * An applied revision whose SQL is no longer what ran: its upgrade's checksum now differs from the one recorded in
 * {@code retort_history} when it was applied. The database may then not be what the revision, as shipped, makes.
 */
public record EditedRevision(String revision, Instant appliedAt, String recordedChecksum, String shippedChecksum) {
}
