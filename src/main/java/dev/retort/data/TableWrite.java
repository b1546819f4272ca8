package dev.retort.data;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One INSERT or UPDATE … RETURNING of a table, which keeps the text it sends for each column. PostgreSQL refuses a
 * value too long for its column (SQLSTATE 22001) without naming the column, only its type ("value too long for type
 * character varying(255)"); with the texts sent, the refusal can name the field (see {@link WriteFailure}).
 *
 * <p>Only text columns are kept: an enum refuses a bad value with its own error (22P02), and uuids, booleans and
 * timestamps have no length to exceed.
 */
final class TableWrite {

    private final String table;
    private final PreparedStatement statement;
    private final Map<String, String> texts = new LinkedHashMap<>();

    TableWrite(String table, PreparedStatement statement) {
        this.table = table;
        this.statement = statement;
    }

    /** Sets parameter {@code index}, the text for {@code column}. */
    TableWrite text(int index, String column, String value) throws SQLException {
        statement.setString(index, value);
        texts.put(column, value);
        return this;
    }

    /** Runs the statement and reads the row it returns; a value too long for its column fails with the texts sent. */
    <T> T returning(Rows.Reader<T> reader) throws SQLException {
        try {
            return Rows.one(statement, reader).orElseThrow(); // RETURNING: always a row
        } catch (SQLException failure) {
            throw WriteFailure.VALUE_TOO_LONG.equals(failure.getSQLState())
                    ? new WriteFailure(failure, table, texts)
                    : failure;
        }
    }
}
