package dev.retort.data;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Collects the fields an operation changes, as the before and after maps of its audit row: a field appears
 * only if its value differs. Values are turned into what JSON holds (uuids and instants as ISO text).
 *
 * <p>Only content fields are compared. The bookkeeping columns every change moves ({@code updated_at},
 * {@code updated_by}) are left out: the audit row records when and by whom in its own columns.
 */
final class ChangedFields {

    private final Map<String, Object> before = new LinkedHashMap<>();
    private final Map<String, Object> after = new LinkedHashMap<>();

    /** Records {@code field} if it goes from {@code oldValue} to a different {@code newValue}. */
    ChangedFields compare(String field, Object oldValue, Object newValue) {
        if (!Objects.equals(oldValue, newValue)) {
            before.put(field, json(oldValue));
            after.put(field, json(newValue));
        }
        return this;
    }

    /** Records a field of a new row; a field left empty (null) is not worth a key. */
    ChangedFields created(String field, Object value) {
        if (value != null) {
            after.put(field, json(value));
        }
        return this;
    }

    boolean isEmpty() {
        return before.isEmpty() && after.isEmpty();
    }

    /** The fields as they were, or null when there was nothing before (a creation). */
    Map<String, Object> before() {
        return before.isEmpty() ? null : before;
    }

    Map<String, Object> after() {
        return after.isEmpty() ? null : after;
    }

    /**
     * The changed fields' names, for the audit description. None is said in words: an update whose values differ
     * from the row's but that PostgreSQL stores as the row's values (a varchar(n) drops the spaces past n) still
     * writes the row, so it is audited.
     */
    String names() {
        if (isEmpty()) {
            return "no field changed as stored";
        }
        return String.join(", ", (before.isEmpty() ? after : before).keySet());
    }

    private static Object json(Object value) {
        return value instanceof UUID || value instanceof Instant ? value.toString() : value;
    }
}
