package dev.retort.engine;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SQL as one line: how statements are named in history rows, messages, dry runs and catalog text; and SQL as it may
 * be shown, with the passwords a revision may hold taken out ({@link #withoutSecrets}).
 */
public final class SqlText {

    /** Compiled once: a migration reads hundreds of statements, and {@code String.replaceAll} compiles per call. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /**
     * A string literal after a word that ends in {@code password}: {@code PASSWORD 'x'} of CREATE and ALTER ROLE or
     * USER ({@code ENCRYPTED PASSWORD} too), and the {@code password 'x'} option of a user mapping or a server
     * ({@code OPTIONS (user 'a', password 'x')}, {@code SET "password" 'x'}). The literal may be an escape string
     * ({@code E'…'}), a Unicode one ({@code U&'…'}) or dollar-quoted; one left unterminated (a statement cut short,
     * a line of it) is taken out to the end. Comments may stand between the word and the literal, as PostgreSQL
     * reads them as spaces.
     */
    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?i)(?<![\\w$\"])(\"?[a-z_]*password\"?"
            + "(?:\\s|/\\*(?s:.*?)\\*/|--[^\\n]*)+)"
            + "(e'(?:[^'\\\\]|\\\\.|'')*'?|u&'(?:[^']|'')*'?|'(?:[^']|'')*'?"
            + "|\\$([a-z_]\\w*)?\\$(?s:.*?)(?:\\$\\3\\$|$))");
    /**
     * {@code password=…} in a URL's query string inside a literal (a subscription's or dblink's connection), a quote
     * in it doubled as in any SQL literal. One masked already is left as it is, with what follows it.
     */
    private static final Pattern QUERY_PASSWORD =
            Pattern.compile("(?i)([?&](?:ssl)?password=)(?!\\*\\*\\*)(?:[^&\\s']|'')*");
    /**
     * libpq's {@code password=…} keyword inside a literal: quoted (its quotes doubled, as in an SQL literal) or up to
     * a space or the literal's end. One masked already is left as it is. Only where a connection string has it: at
     * the literal's start, or after another {@code keyword=value} of it. Anywhere else {@code password = …} is SQL
     * ({@code SET password = NULL}, {@code WHERE password = $1}), and what follows it an expression, no password.
     */
    private static final Pattern CONNINFO_PASSWORD = Pattern.compile("(?i)(?<![\\w?&])(?=(?:ssl)?password\\s*+=)"
            + "(?<='|=\\s{0,20}(?:\\S{0,200}[^\\s,(]|''[^']{0,200}'')\\s{1,20})"
            + "((?:ssl)?password\\s*+=\\s*+)(?!\\*\\*\\*)(''(?:[^']|'''')*(?:''|$)|[^\\s']*)");
    /** A URL's {@code user:password@} inside a literal, a quote in it doubled. */
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^\\s/?#@:']*:)(?:[^\\s/?#']|'')*@");

    private SqlText() {
    }

    /** The text with every run of whitespace (newlines and indentation included) made one space. */
    public static String oneLine(String sql) {
        return WHITESPACE.matcher(sql.strip()).replaceAll(" ");
    }

    /**
     * {@code text} as an SQL string literal ({@code NULL} for null), for SQL that is printed rather than run with
     * parameters: the offline scripts. Quotes are doubled. Text with a backslash becomes an escape string,
     * {@code E'a\\b'}: in a plain one the backslash means itself only while standard_conforming_strings is on (the
     * default since 9.1), and a script may meet a server where it is not.
     */
    public static String literal(String text) {
        if (text == null) {
            return "NULL";
        }
        return text.indexOf('\\') < 0 ? "'" + text.replace("'", "''") + "'"
                : "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * {@code sql} as Retort may print or store it: every password that a revision's SQL may hold, in the forms
     * {@link #PASSWORD_LITERAL} lists and inside a connection string or URL, replaced by {@code ***}. What Retort
     * shows or records of a statement (progress, dry runs, errors, {@code retort_history}) goes through this; what
     * runs, and an offline script, keep the SQL as written.
     */
    public static String withoutSecrets(String sql) {
        if (sql == null || !mayHoldSecret(sql)) {
            return sql;
        }
        String shown = PASSWORD_LITERAL.matcher(sql).replaceAll("$1'***'");
        shown = QUERY_PASSWORD.matcher(shown).replaceAll("$1***");
        shown = CONNINFO_PASSWORD.matcher(shown).replaceAll("$1***");
        return USERINFO_PASSWORD.matcher(shown).replaceAll("$1***@");
    }

    /**
     * Whether {@code sql} names a password or holds a URL: what each of the expressions above needs. Most statements
     * do neither, and those expressions, run over each of a migration's hundreds of statements shown or recorded,
     * cost a process that has just started several milliseconds.
     */
    private static boolean mayHoldSecret(String sql) {
        return sql.contains("://") || sql.toLowerCase(Locale.ROOT).contains("password");
    }

    /** {@link #oneLine}, {@link #withoutSecrets without its passwords}: a statement as a history row names it. */
    public static String shown(String sql) {
        return oneLine(withoutSecrets(sql));
    }

    /** {@link #shown}, cut to {@code width} characters with an ellipsis when longer. */
    public static String abbreviated(String sql, int width) {
        String line = shown(sql);
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }
}
