package dev.retort.data;

import java.util.UUID;

/** Restoring a row that is live: there is nothing to restore. */
public final class NotDeletedException extends DataException {

    private final String resourceType;
    private final UUID id;

    public NotDeletedException(String resourceType, UUID id, String label) {
        super(resourceType + " " + id + " (" + label + ") is not deleted, so there is nothing to restore");
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
