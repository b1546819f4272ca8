package dev.retort.data;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The few JDBC conversions every table needs: uuids, timestamps, nullable parameters, result rows to records. */
final class Rows {

    /** Reads the current row of a result set into a record. */
    @FunctionalInterface
    interface Reader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private Rows() {
    }

    static UUID uuid(ResultSet row, String column) throws SQLException {
        return row.getObject(column, UUID.class);
    }

    /** pgjdbc reads timestamptz as an OffsetDateTime in UTC; the records carry the instant. */
    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setUuid(PreparedStatement statement, int index, UUID value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.OTHER);
        } else {
            statement.setObject(index, value);
        }
    }

    static <T> Optional<T> one(PreparedStatement statement, Reader<T> reader) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
        }
    }

    static <T> List<T> all(PreparedStatement statement, Reader<T> reader) throws SQLException {
        List<T> result = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result.add(reader.read(rows));
            }
        }
        return result;
    }

    /**
     * {@code sql} (a query ending in its ORDER BY) with {@code LIMIT n} written into it. A limit sent as a bind
     * parameter keeps PostgreSQL from ever using a prepared statement's generic plan: not knowing the limit, the
     * planner costs the generic plan as if it fetched a tenth of the rows, so it plans the query afresh on every
     * execution (tens of microseconds for a table with many indexes). Written in, the limit lets the plan be made
     * once; an application uses a handful of limits, and pgjdbc caches one statement for each.
     */
    static String limitedTo(String sql, int limit) {
        return sql + "\nLIMIT " + positiveLimit(limit);
    }

    /** Limits come from code, not users; a non-positive one is a bug worth failing loudly on. */
    static int positiveLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return limit;
    }
}
