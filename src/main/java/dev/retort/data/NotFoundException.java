package dev.retort.data;

import java.util.UUID;

/** No row of that kind has that id, deleted or not: the id is wrong, or the row was never created here. */
public final class NotFoundException extends DataException {

    private final String resourceType;
    private final UUID id;

    public NotFoundException(String resourceType, UUID id) {
        super("no " + resourceType + " has id " + id + " (soft-deleted ones included): check the id");
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
