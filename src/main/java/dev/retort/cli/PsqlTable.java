package dev.retort.cli;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A query's result laid out as psql's default "aligned" format prints it, so that a DBA reads it as usual:
 * headers centred, text left and numbers right, {@code -+-} under the header, {@code (N rows)} below.
 */
record PsqlTable(List<String> headers, List<Boolean> rightAligned, List<List<String>> rows) {

    private static final Set<Integer> NUMERIC = Set.of(Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.NUMERIC,
            Types.DECIMAL, Types.DOUBLE, Types.REAL, Types.FLOAT, Types.TINYINT);

    static PsqlTable of(ResultSet result) throws SQLException {
        ResultSetMetaData meta = result.getMetaData();
        List<String> headers = new ArrayList<>();
        List<Boolean> right = new ArrayList<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
            headers.add(meta.getColumnLabel(column));
            right.add(NUMERIC.contains(meta.getColumnType(column)));
        }
        List<List<String>> rows = new ArrayList<>();
        while (result.next()) {
            List<String> row = new ArrayList<>();
            for (int column = 1; column <= headers.size(); column++) {
                String value = result.getString(column);
                row.add(value == null ? "" : value);
            }
            rows.add(row);
        }
        return new PsqlTable(headers, right, rows);
    }

    String render() {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        List<String> cells = new ArrayList<>();
        for (int column = 0; column < widths.length; column++) {
            int room = widths[column] - headers.get(column).length();
            cells.add(" ".repeat(room / 2) + headers.get(column) + " ".repeat(room - room / 2));
        }
        text.append(' ').append(String.join(" | ", cells)).append(" \n");
        List<String> rules = new ArrayList<>();
        for (int width : widths) {
            rules.add("-".repeat(width + 2));
        }
        text.append(String.join("+", rules)).append('\n');
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                boolean last = column == widths.length - 1;
                String value = row.get(column);
                String pad = " ".repeat(widths[column] - value.length());
                line.append(column == 0 ? " " : " | ");
                line.append(rightAligned.get(column) ? pad + value : last ? value : value + pad);
            }
            text.append(line).append('\n');
        }
        text.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
        return text.toString();
    }
}
