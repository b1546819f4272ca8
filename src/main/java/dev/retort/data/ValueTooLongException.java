package dev.retort.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A text too long for its column (SQLSTATE 22001). The message names each field that is too long, its length and
 * what its column takes, never the text itself (which may be a password hash); PostgreSQL's own error names only
 * the column's type, and only of the first it met.
 */
public final class ValueTooLongException extends DataException {

    /** A field whose text has {@code length} characters, where its column takes at most {@code maxLength}. */
    public record Field(String column, int length, int maxLength) {
    }

    private final String table;
    private final List<Field> fields;

    ValueTooLongException(String table, List<Field> fields, Throwable cause) {
        super(message(table, fields), WriteFailure.VALUE_TOO_LONG, cause);
        this.table = table;
        this.fields = List.copyOf(fields);
    }

    public String table() {
        return table;
    }

    /** Every field of the refused statement that is too long, in the order the statement sets them; at least one. */
    public List<Field> fields() {
        return fields;
    }

    private static String message(String table, List<Field> fields) {
        return fields.stream()
                .map(field -> field.column() + " is " + field.length() + " characters, but " + table + "."
                        + field.column() + " takes at most " + field.maxLength())
                .collect(Collectors.joining("; ", "", fields.size() == 1 ? ": shorten it" : ": shorten them"));
    }
}
