package dev.retort.engine;

import java.util.regex.Pattern;

/** SQL as one line: how statements are named in history rows, messages, dry runs and catalog text. */
public final class SqlText {

    /** Compiled once: a migration reads hundreds of statements, and {@code String.replaceAll} compiles per call. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private SqlText() {
    }

    /** The text with every run of whitespace (newlines and indentation included) made one space. */
    public static String oneLine(String sql) {
        return WHITESPACE.matcher(sql.strip()).replaceAll(" ");
    }

    /**
     * {@code text} as an SQL string literal ({@code NULL} for null), for SQL that is printed rather than run with
     * parameters: the offline scripts. Quotes are doubled; a backslash is an ordinary character, as it is with
     * PostgreSQL's standard_conforming_strings, on by default since 9.1.
     */
    public static String literal(String text) {
        return text == null ? "NULL" : "'" + text.replace("'", "''") + "'";
    }

    /** {@link #oneLine}, cut to {@code width} characters with an ellipsis when longer. */
    public static String abbreviated(String sql, int width) {
        String line = oneLine(sql);
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }
}
