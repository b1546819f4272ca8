package dev.retort.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the revisions' own statements say about names that later statements use without their table: which table
 * an index is on ({@code DROP INDEX ix_…} names no table) and which table a foreign key references (dropping or
 * validating it locks that table too). Learned from the SQL, so a dry run needs no database to know it.
 */
public final class SchemaFacts {

    private static final String NAME = SqlName.PATTERN;
    private static final Pattern INDEX = Pattern.compile(
            "CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:(?:IF NOT EXISTS )?" + NAME + " )?ON (?:ONLY )?" + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TABLE = Pattern.compile("(?:CREATE|ALTER) TABLE (?:IF (?:NOT )?EXISTS )?(?:ONLY )?"
            + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern FOREIGN_KEY = Pattern.compile(
            "CONSTRAINT " + NAME + " FOREIGN KEY \\([^)]*\\) REFERENCES " + NAME, Pattern.CASE_INSENSITIVE);

    public static final SchemaFacts NONE = new SchemaFacts(List.of());

    private final Map<String, String> indexTables = new HashMap<>();
    private final Map<String, String> foreignKeyTargets = new HashMap<>();
    private final Map<String, Set<String>> referencedTables = new HashMap<>();

    private SchemaFacts(List<String> statements) {
        for (String statement : statements) {
            // Most statements name neither an index nor a foreign key: a plain search skips them before any pattern
            // runs over their text (a start-up cost, paid on every upgrade and downgrade).
            String upper = statement.toUpperCase(Locale.ROOT);
            if (!upper.contains("INDEX") && !upper.contains("FOREIGN")) {
                continue;
            }
            String text = statement.replaceAll("\\s+", " ");
            Matcher index = INDEX.matcher(text);
            if (index.find() && index.group(1) != null) { // an unnamed index: no DROP INDEX can name it here
                indexTables.put(SqlName.canonical(index.group(1)), SqlName.canonical(index.group(2)));
            }
            Matcher table = TABLE.matcher(text);
            if (table.find()) {
                String owner = SqlName.canonical(table.group(1));
                Matcher key = FOREIGN_KEY.matcher(text);
                while (key.find()) {
                    String target = SqlName.canonical(key.group(2));
                    foreignKeyTargets.put(SqlName.canonical(key.group(1)), target);
                    // Only a table's own CREATE TABLE counts: keys added later are dropped, by their revision's
                    // downgrade, before the table is.
                    if (!target.equals(owner) && text.regionMatches(true, 0, "CREATE", 0, 6)) {
                        referencedTables.computeIfAbsent(owner, t -> new LinkedHashSet<>()).add(target);
                    }
                }
            }
        }
    }

    /** Facts from every statement of every revision, both directions. */
    public static SchemaFacts of(List<Revision> revisions) {
        return new SchemaFacts(revisions.stream()
                .flatMap(revision -> List.of(Step.up(revision), Step.down(revision)).stream())
                .flatMap(step -> RecordingContext.statementsOf(step).stream())
                .toList());
    }

    public Optional<String> tableOfIndex(String index) {
        return Optional.ofNullable(indexTables.get(SqlName.canonical(index)));
    }

    /** The table a foreign key constraint references; empty when the constraint is not a known foreign key. */
    public Optional<String> referencedByConstraint(String constraint) {
        return Optional.ofNullable(foreignKeyTargets.get(SqlName.canonical(constraint)));
    }

    /** The other tables {@code table}'s foreign keys reference: dropping it locks them too. */
    public Set<String> referencedBy(String table) {
        return referencedTables.getOrDefault(SqlName.canonical(table), Set.of());
    }
}
