package dev.retort.data;

import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A value too long for its column (SQLSTATE 22001), refused in a {@link TableWrite}, with the table and the texts
 * that were sent to it: what {@link SqlFailures} needs to name the field, which PostgreSQL's error does not. The
 * failure thrown by the driver is the cause. It travels as an {@link SQLException}, so that {@link Transactions}
 * rolls back and translates it as any other.
 */
final class WriteFailure extends SQLException {

    static final String VALUE_TOO_LONG = "22001";

    private final String table;
    private final transient Map<String, String> texts;

    WriteFailure(SQLException failure, String table, Map<String, String> texts) {
        super(failure.getMessage(), failure.getSQLState(), failure.getErrorCode(), failure);
        this.table = table;
        this.texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts)); // a column set to null is kept
    }

    /** What the driver threw. */
    SQLException failure() {
        return (SQLException) getCause();
    }

    String table() {
        return table;
    }

    /** Each text column the statement set, with the text it was sent (null for NULL). */
    Map<String, String> texts() {
        return texts;
    }
}
