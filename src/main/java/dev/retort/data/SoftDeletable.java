package dev.retort.data;

import java.time.Instant;
import java.util.UUID;

/** A row that follows the seed's soft delete pattern: deleting sets {@code deleted_at} and {@code deleted_by}. */
public interface SoftDeletable {

    UUID id();

    /** When the row was last changed: created, updated, soft-deleted or restored. */
    Instant updatedAt();

    /** When the row was soft-deleted; null while it is live. */
    Instant deletedAt();

    /** Who soft-deleted it; null while it is live, or once that user is deleted. */
    UUID deletedBy();

    default boolean isDeleted() {
        return deletedAt() != null;
    }
}
