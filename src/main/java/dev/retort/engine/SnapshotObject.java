package dev.retort.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which object a line of {@link CatalogSnapshot#text()} describes: its kind and its name, read back from the line.
 * Two lines with the same kind and name are the same object in two states. A column's line names no table (it is
 * indented under its table's), so its table is given.
 */
record SnapshotObject(String kind, String name) {

    /** A name as quote_ident writes it: bare, or double-quoted with any quote inside doubled. */
    private static final String NAME = "(\"(?:[^\"]|\"\")*\"|[^\\s(:\"]+)";

    private static final List<Pattern> SHAPES = List.of(
            Pattern.compile("  (column) " + NAME + ".*"),
            Pattern.compile("(?:unlogged )?(table) " + NAME + ".*"),
            Pattern.compile("(constraint|index|trigger|policy) " + NAME + " on " + NAME + ": .*"),
            Pattern.compile("(materialized view|view) " + NAME + ": .*"),
            // A routine is known by its signature; the lazy name stops before "returns", which a procedure lacks. It
            // ends at a parenthesis: an argument may be named language (greet(who text, language text)), and no
            // argument list holds ") language " or ") returns ".
            Pattern.compile("(window function|function|procedure|aggregate) (.+?\\))(?: returns .*)? language .*"),
            Pattern.compile("(extension|enum|domain|type|range|sequence) " + NAME + ".*"));

    /**
     * @param line  a snapshot line
     * @param table the name of the table whose columns follow, for a column's line; otherwise unused
     */
    static SnapshotObject of(String line, String table) {
        for (Pattern shape : SHAPES) {
            Matcher matcher = shape.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            String kind = matcher.group(1);
            String name = switch (kind) {
                case "column" -> table + "." + matcher.group(2);
                case "constraint", "index", "trigger", "policy" -> matcher.group(2) + " on " + matcher.group(3);
                default -> matcher.group(2);
            };
            return new SnapshotObject(kind, name);
        }
        // A line of a shape this class does not know (a snapshot from a newer Retort): the line is its own name.
        return new SnapshotObject("object", line);
    }

    boolean isTable() {
        return kind.equals("table");
    }
}
