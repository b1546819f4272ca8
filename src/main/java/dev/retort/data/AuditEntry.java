package dev.retort.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event to write to the audit trail; the {@link Actor} who caused it is given beside it. Values are what the
 * event changed, field by field (column name to value; strings, numbers, booleans or null), written as jsonb.
 *
 * @param action       the verb, e.g. {@code create}, {@code update}, {@code delete}, {@code restore}, {@code login}
 * @param resourceType the kind of thing acted on, e.g. {@code customer}
 * @param resourceId   its id as text, or null for an event on no single resource
 * @param description  a sentence for the audit view
 * @param oldValues    the changed fields before the event, or null (a creation, or an event that changes nothing)
 * @param newValues    the changed fields after it, or null
 * @param success      false for an attempt that failed or was refused
 * @param errorMessage why it failed, or null
 */
public record AuditEntry(String action, String resourceType, String resourceId, String description,
                         Map<String, Object> oldValues, Map<String, Object> newValues, boolean success,
                         String errorMessage) {

    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(description, "description");
        oldValues = copyOf(oldValues);
        newValues = copyOf(newValues);
    }

    /** A successful event that changed nothing worth recording field by field. */
    public static AuditEntry event(String action, String resourceType, String resourceId, String description) {
        return new AuditEntry(action, resourceType, resourceId, description, null, null, true, null);
    }

    /** This entry with the fields it changed. */
    public AuditEntry withValues(Map<String, Object> before, Map<String, Object> after) {
        return new AuditEntry(action, resourceType, resourceId, description, before, after, success, errorMessage);
    }

    /** This entry as an attempt that failed, and why. */
    public AuditEntry failed(String why) {
        return new AuditEntry(action, resourceType, resourceId, description, oldValues, newValues, false, why);
    }

    /** Map.copyOf refuses null values, and "this field was null" is exactly what an audit entry must keep. */
    private static Map<String, Object> copyOf(Map<String, Object> values) {
        return values == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
