package dev.retort.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table's, index's, constraint's or column's name as SQL writes it, possibly schema-qualified, each part bare or
 * double-quoted; and one spelling for each name, so that two spellings of one name compare equal.
 *
 * <p>That spelling is each part folded as PostgreSQL folds it (ASCII capitals to lower case, unless quoted), then
 * written bare when its characters read back the same, else quoted: {@code Users} and {@code "users"} are
 * {@code users}; {@code "Cust"} stays {@code "Cust"}; a quoted {@code "a.b"} stays one quoted name, never the table
 * {@code b} of schema {@code a}. It is for comparing and showing names; unlike {@code regclass}, it leaves a reserved
 * word bare ({@code "user"} is {@code user}), so SQL that Retort runs takes {@link #quotedParts} instead.
 */
final class SqlName {

    /** One part of a name: quoted (a doubled quote inside is one quote), or bare. */
    static final String PART = "(?:\"(?:[^\"]|\"\")+\"|[\\w$\\x{80}-\\x{10FFFF}]+)";
    /** A name, as a capturing group: its parts joined by dots. */
    static final String PATTERN = "(" + PART + "(?:\\." + PART + ")*)";

    private static final Pattern PARTS = Pattern.compile(PART);
    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    /** What reads back as itself unquoted: no capitals, no punctuation but _ and $, not starting with a digit or $. */
    private static final Pattern BARE = Pattern.compile("[a-z_\\x{80}-\\x{10FFFF}][a-z0-9_$\\x{80}-\\x{10FFFF}]*");

    private SqlName() {
    }

    /** The one spelling of the name {@code written}; text that is not a name is returned as it is. */
    static String canonical(String written) {
        List<String> parts = parts(written);
        if (parts.isEmpty()) {
            return written;
        }
        return String.join(".", parts.stream().map(part -> BARE.matcher(part).matches() ? part : quoted(part)).toList());
    }

    /**
     * The name with every part quoted: SQL that names it whatever its parts are (a keyword included), for statements
     * Retort writes and for {@code to_regclass}. Text that is not a name is quoted whole, which names nothing there is.
     */
    static String quotedParts(String name) {
        List<String> parts = parts(name);
        if (parts.isEmpty()) {
            return quoted(name);
        }
        return String.join(".", parts.stream().map(SqlName::quoted).toList());
    }

    /** The last part of the name as the catalog holds it ({@code conname}, {@code attname}, {@code relname}). */
    static String inCatalog(String name) {
        List<String> parts = parts(name);
        return parts.isEmpty() ? name : parts.get(parts.size() - 1);
    }

    /** The parts of {@code name} as the catalog holds them, or none when it is not a name. */
    private static List<String> parts(String name) {
        if (!WHOLE.matcher(name).matches()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        Matcher part = PARTS.matcher(name);
        while (part.find()) {
            String text = part.group();
            parts.add(text.startsWith("\"") ? text.substring(1, text.length() - 1).replace("\"\"", "\"")
                    : foldedAsPostgresFolds(text));
        }
        return parts;
    }

    /** PostgreSQL folds the ASCII capitals of an unquoted name, and only those, in a UTF-8 database. */
    private static String foldedAsPostgresFolds(String bare) {
        StringBuilder folded = new StringBuilder(bare.length());
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }

    private static String quoted(String part) {
        return "\"" + part.replace("\"", "\"\"") + "\"";
    }
}
