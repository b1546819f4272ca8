package dev.retort.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most characters each of a table's {@code varchar(n)} and {@code char(n)} columns takes, as the catalog has
 * them when asked. Read only on the error path of a value too long (22001), so that a revision that widens a column
 * never leaves this layer judging by a stale length.
 */
record ColumnLengths(Map<String, Integer> maxima) {

    /**
     * The table is found through the search_path, as the statement that was refused found it. Both types keep n + 4
     * in atttypmod (a varchar of no length keeps -1, and takes any). A column of a domain over varchar(n) is not
     * looked through (the schema has none): its refusal keeps PostgreSQL's words.
     */
    private static final String MAXIMA = """
            SELECT attname, atttypmod - 4 AS max_length
            FROM pg_attribute
            WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped
              AND atttypid IN ('varchar'::regtype, 'bpchar'::regtype) AND atttypmod > 4
            """;

    static ColumnLengths read(Connection connection, String table) throws SQLException {
        Map<String, Integer> maxima = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(MAXIMA)) {
            query.setString(1, table);
            Rows.all(query, row -> Map.entry(row.getString("attname"), row.getInt("max_length")))
                    .forEach(column -> maxima.put(column.getKey(), column.getValue()));
        }
        return new ColumnLengths(maxima);
    }

    /**
     * The texts too long for their columns, in the order given, as PostgreSQL judges a value stored in one: more
     * characters than the column takes, and not only spaces past them (those it drops without a word). Characters are
     * counted as PostgreSQL counts them, by code point, not by Java's UTF-16 units.
     */
    List<ValueTooLongException.Field> tooLong(Map<String, String> texts) {
        List<ValueTooLongException.Field> fields = new ArrayList<>();
        texts.forEach((column, text) -> {
            Integer maximum = maxima.get(column);
            if (text != null && maximum != null && tooLong(text, maximum)) {
                fields.add(new ValueTooLongException.Field(column, text.codePointCount(0, text.length()), maximum));
            }
        });
        return fields;
    }

    private static boolean tooLong(String text, int maximum) {
        if (text.codePointCount(0, text.length()) <= maximum) {
            return false;
        }
        return !text.substring(text.offsetByCodePoints(0, maximum)).chars().allMatch(c -> c == ' ');
    }
}
