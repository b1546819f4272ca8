package dev.retort.data;

import java.time.Instant;
import java.util.UUID;

/** The row is soft-deleted, so it may not be changed or deleted again until it is restored. */
public final class SoftDeletedException extends DataException {

    private final String resourceType;
    private final UUID id;

    public SoftDeletedException(String resourceType, UUID id, String label, Instant deletedAt, UUID deletedBy) {
        super(resourceType + " " + id + " (" + label + ") was soft-deleted at " + deletedAt
                + (deletedBy == null ? "" : " by user " + deletedBy)
                + ": restore it before changing or deleting it");
        this.resourceType = resourceType;
        this.id = id;
    }

    public String resourceType() {
        return resourceType;
    }

    public UUID id() {
        return id;
    }
}
