package dev.retort.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one migration statement does to the tables it touches: which lock it takes on each, whether it reads or
 * rewrites a table while holding it, and whether PostgreSQL forbids it in a transaction.
 *
 * <p>This is a reading of the DDL forms migrations use, after the lock table in PostgreSQL's documentation (and
 * checked against {@code pg_locks} by a test), not a SQL parser: a statement it does not recognise is reported as
 * unknown and assumed to take {@code ACCESS EXCLUSIVE}, which is what a careful reader would assume too.
 *
 * @param sql                the statement as the revision wrote it
 * @param locks              the lock taken on each table, strongest first
 * @param work               what the statement does to the data of {@code workTable} while holding its locks
 * @param workTable          the table read or rewritten, or null
 * @param outsideTransaction true for {@code CONCURRENTLY}, which PostgreSQL refuses inside a transaction block
 * @param creates            the indexes, constraints and columns the statement makes, when that is all it does
 *                           (so that it is done once they all exist); else empty
 * @param drops              likewise, what it drops, when that is all it does (done once none exists); else empty
 * @param known              false when the statement's form was not recognised
 * @param newTable           the table a {@code CREATE TABLE} without {@code IF NOT EXISTS} makes (it fails if the
 *                           table exists, so the table is new when it succeeds), or null
 * @param ownedTable         the table whose owner the statement needs (it alters, indexes, drops or comments on it;
 *                           a table it only references, reads or writes needs a grant), or null
 */
public record DdlStatement(String sql, List<TableLock> locks, Work work, String workTable, boolean outsideTransaction,
                           List<CatalogObject> creates, List<CatalogObject> drops, boolean known, String newTable,
                           String ownedTable) {

    /** An index, constraint or column, by name; {@code table} is null for an index, whose name is its own. */
    public record CatalogObject(Kind kind, String table, String name) {

        /** {@code VALID_CONSTRAINT}: what {@code VALIDATE CONSTRAINT} makes of a constraint added NOT VALID. */
        public enum Kind { INDEX, CONSTRAINT, VALID_CONSTRAINT, COLUMN }

        @Override
        public String toString() {
            return switch (kind) {
                case INDEX -> "index " + name;
                case CONSTRAINT -> "constraint " + name + " on " + table;
                case VALID_CONSTRAINT -> "valid constraint " + name + " on " + table;
                case COLUMN -> "column " + table + "." + name;
            };
        }
    }

    /** The index this statement builds, if it is a {@code CREATE INDEX}. */
    public Optional<String> createdIndex() {
        return creates.size() == 1 && creates.get(0).kind() == CatalogObject.Kind.INDEX
                ? Optional.of(creates.get(0).name()) : Optional.empty();
    }

    /** A lock on one table. */
    public record TableLock(String table, LockMode mode) {
        @Override
        public String toString() {
            return mode + " on " + table;
        }
    }

    /** What a statement does to a table's rows while it holds its lock; the heavier, the longer the lock lasts. */
    public enum Work {
        NONE("no scan, no rewrite"),
        SCAN("scans %s"),
        BUILD_INDEX("reads %s to build the index"),
        REWRITE("rewrites %s");

        private final String description;

        Work(String description) {
            this.description = description;
        }

        String describe(String table) {
            return description.formatted(table);
        }
    }

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    /** Comments before the statement, line or block ones: the forms below are read after them. */
    private static final Pattern LEADING_COMMENTS = Pattern.compile("\\A(?:\\s*(?:--[^\\n]*(?:\\n|\\z)|/\\*.*?\\*/))*\\s*",
            Pattern.DOTALL);
    private static final String NAME = SqlName.PATTERN;
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE (IF NOT EXISTS )?" + NAME + "(.*)", FLAGS);
    /** What a role creates in a schema, with the right to create there; unqualified, so in the current schema. */
    private static final Pattern CREATES_IN_CURRENT_SCHEMA = Pattern.compile("CREATE (?:OR REPLACE )?(?:UNLOGGED )?"
            + "(?:TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|TYPE|DOMAIN|FUNCTION|PROCEDURE) (?:IF NOT EXISTS )?"
            + SqlName.PART + "(?:[ (].*)?", FLAGS);
    private static final Pattern DROP_TABLE = Pattern.compile("DROP TABLE (?:IF EXISTS )?" + NAME + ".*", FLAGS);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?(?:(?:IF NOT EXISTS )?" + NAME + " )?ON (?:ONLY )?" + NAME + ".*",
            FLAGS);
    private static final Pattern DROP_INDEX = Pattern.compile("DROP INDEX (CONCURRENTLY )?(?:IF EXISTS )?" + NAME + ".*", FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile("ALTER TABLE (?:IF EXISTS )?(?:ONLY )?" + NAME + " (.*)", FLAGS);
    private static final Pattern COMMENT_ON_TABLE = Pattern.compile("COMMENT ON TABLE " + NAME + " IS .*", FLAGS);
    private static final Pattern COMMENT_ON_COLUMN = Pattern.compile("COMMENT ON COLUMN " + NAME + "\\." + SqlName.PART + " IS .*", FLAGS);
    private static final Pattern COMMENT_ON_CONSTRAINT =
            Pattern.compile("COMMENT ON CONSTRAINT " + NAME + " ON " + NAME + " IS .*", FLAGS);
    private static final Pattern NO_TABLE_LOCK = Pattern.compile(
            "(CREATE|DROP|ALTER) TYPE .*|COMMENT ON (TYPE|INDEX) .*|CREATE EXTENSION .*", FLAGS);
    private static final Pattern DML = Pattern.compile("(?:INSERT INTO|UPDATE|DELETE FROM) " + NAME + ".*", FLAGS);
    private static final Pattern REFERENCES = Pattern.compile("REFERENCES " + NAME, FLAGS);
    private static final Pattern ADD_CONSTRAINT = Pattern.compile("ADD CONSTRAINT " + NAME + " (.*)", FLAGS);
    private static final Pattern CONSTRAINT_NAME = Pattern.compile("(?:VALIDATE|DROP) CONSTRAINT (?:IF EXISTS )?" + NAME, FLAGS);
    private static final Pattern COLUMN_NAME = Pattern.compile("(?:ADD|DROP) COLUMN (?:IF (?:NOT )?EXISTS )?" + NAME, FLAGS);
    private static final Pattern VOLATILE_DEFAULT =
            Pattern.compile("DEFAULT .*(gen_random_uuid|random|clock_timestamp|nextval|uuid_generate)", FLAGS);

    /** Each of a step's statements ({@link RecordingContext#statementsOf}), analysed in order. */
    public static List<DdlStatement> analyzeAll(List<String> statements, SchemaFacts facts) {
        return statements.stream().map(sql -> analyze(sql, facts)).toList();
    }

    /** Reads {@code sql}, using what the revisions' other statements say about index and constraint names. */
    public static DdlStatement analyze(String sql, SchemaFacts facts) {
        String text = readable(sql);
        Reading reading = new Reading(sql);
        Matcher m;
        if ((m = CREATE_TABLE.matcher(text)).matches()) {
            // A new table is invisible to others until commit; what others can feel is the lock on what it references.
            String created = SqlName.canonical(m.group(2));
            reading.newTable = m.group(1) == null ? created : null;
            references(m.group(3)).stream().filter(referenced -> !referenced.equals(created))
                    .forEach(referenced -> reading.lock(referenced, LockMode.SHARE_ROW_EXCLUSIVE));
        } else if ((m = DROP_TABLE.matcher(text)).matches()) {
            reading.owned(SqlName.canonical(m.group(1)), LockMode.ACCESS_EXCLUSIVE);
            facts.referencedBy(m.group(1)).forEach(referenced -> reading.lock(referenced, LockMode.ACCESS_EXCLUSIVE));
        } else if ((m = CREATE_INDEX.matcher(text)).matches()) {
            boolean concurrently = m.group(1) != null;
            reading.owned(SqlName.canonical(m.group(3)), concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.SHARE);
            reading.work(Work.BUILD_INDEX, SqlName.canonical(m.group(3)));
            reading.outsideTransaction = concurrently;
            if (m.group(2) != null) {
                reading.creates(CatalogObject.Kind.INDEX, null, SqlName.canonical(m.group(2)));
            } else {
                reading.other(); // PostgreSQL names it: nothing tells a rerun that it is there
            }
        } else if ((m = DROP_INDEX.matcher(text)).matches()) {
            boolean concurrently = m.group(1) != null;
            String table = facts.tableOfIndex(m.group(2)).orElse("the index's table");
            reading.lock(table, concurrently ? LockMode.SHARE_UPDATE_EXCLUSIVE : LockMode.ACCESS_EXCLUSIVE);
            reading.outsideTransaction = concurrently;
            reading.drops(CatalogObject.Kind.INDEX, null, SqlName.canonical(m.group(2)));
        } else if ((m = ALTER_TABLE.matcher(text)).matches()) {
            reading.ownedTable = SqlName.canonical(m.group(1));
            alterTable(reading, SqlName.canonical(m.group(1)), m.group(2), facts);
        } else if ((m = COMMENT_ON_TABLE.matcher(text)).matches() || (m = COMMENT_ON_COLUMN.matcher(text)).matches()) {
            reading.owned(SqlName.canonical(m.group(1)), LockMode.SHARE_UPDATE_EXCLUSIVE);
        } else if ((m = COMMENT_ON_CONSTRAINT.matcher(text)).matches()) {
            reading.lock(SqlName.canonical(m.group(2)), LockMode.ACCESS_SHARE);
        } else if ((m = DML.matcher(text)).matches()) {
            reading.lock(SqlName.canonical(m.group(1)), LockMode.ROW_EXCLUSIVE);
            reading.work(Work.SCAN, SqlName.canonical(m.group(1)));
        } else if (!NO_TABLE_LOCK.matcher(text).matches()) {
            reading.known = false;
        }
        return reading.result();
    }

    private static void alterTable(Reading reading, String table, String actions, SchemaFacts facts) {
        for (String action : splitTopLevel(actions)) {
            String upper = action.toUpperCase(Locale.ROOT);
            Matcher added = ADD_CONSTRAINT.matcher(action);
            Matcher named = CONSTRAINT_NAME.matcher(action);
            Matcher column = COLUMN_NAME.matcher(action);
            if (added.matches()) {
                addConstraint(reading, table, added.group(1), added.group(2));
            } else if (upper.startsWith("VALIDATE CONSTRAINT") && named.find()) {
                reading.lock(table, LockMode.SHARE_UPDATE_EXCLUSIVE);
                // A rerun skips one already valid: validating it again would take its locks to do nothing.
                reading.creates(CatalogObject.Kind.VALID_CONSTRAINT, table, SqlName.canonical(named.group(1)));
                facts.referencedByConstraint(named.group(1)).ifPresent(ref -> reading.lock(ref, LockMode.ROW_SHARE));
                reading.work(Work.SCAN, table);
            } else if (upper.startsWith("DROP CONSTRAINT") && named.find()) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.drops(CatalogObject.Kind.CONSTRAINT, table, SqlName.canonical(named.group(1)));
                // Dropping a foreign key removes its triggers from the referenced table too.
                facts.referencedByConstraint(named.group(1)).ifPresent(ref -> reading.lock(ref, LockMode.ACCESS_EXCLUSIVE));
            } else if (upper.startsWith("ADD COLUMN") && column.find()) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.creates(CatalogObject.Kind.COLUMN, table, SqlName.canonical(column.group(1)));
                if (VOLATILE_DEFAULT.matcher(action).find()) {
                    reading.work(Work.REWRITE, table);
                }
            } else if (upper.startsWith("DROP COLUMN") && column.find()) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.drops(CatalogObject.Kind.COLUMN, table, SqlName.canonical(column.group(1)));
            } else if (upper.matches("ALTER COLUMN \\S+ (SET|DROP) DEFAULT.*")
                    || upper.startsWith("RENAME") || upper.matches("ALTER COLUMN \\S+ DROP NOT NULL.*")) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.other();
            } else if (upper.matches("ALTER COLUMN \\S+ SET NOT NULL.*")) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.work(Work.SCAN, table);
                reading.other();
            } else if (upper.matches("ALTER COLUMN \\S+ (SET DATA )?TYPE .*")) {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.work(Work.REWRITE, table);
                reading.other();
            } else {
                reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
                reading.known = false;
            }
        }
    }

    private static void addConstraint(Reading reading, String table, String name, String definition) {
        String upper = definition.toUpperCase(Locale.ROOT);
        boolean notValid = upper.endsWith("NOT VALID");
        if (upper.startsWith("FOREIGN KEY")) {
            reading.lock(table, LockMode.SHARE_ROW_EXCLUSIVE);
            references(definition).forEach(referenced -> reading.lock(referenced, LockMode.SHARE_ROW_EXCLUSIVE));
        } else {
            reading.lock(table, LockMode.ACCESS_EXCLUSIVE);
        }
        if (upper.startsWith("UNIQUE") || upper.startsWith("PRIMARY KEY")) {
            reading.work(Work.BUILD_INDEX, table);
        } else if (!notValid) {
            reading.work(Work.SCAN, table);
        }
        reading.creates(CatalogObject.Kind.CONSTRAINT, table, SqlName.canonical(name));
    }

    private static List<String> references(String text) {
        List<String> tables = new ArrayList<>();
        Matcher m = REFERENCES.matcher(text);
        while (m.find()) {
            if (!tables.contains(SqlName.canonical(m.group(1)))) {
                tables.add(SqlName.canonical(m.group(1)));
            }
        }
        return tables;
    }

    /** Splits an ALTER TABLE's actions on the commas that are not inside parentheses or quotes. */
    static List<String> splitTopLevel(String actions) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < actions.length(); i++) {
            char c = actions.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(actions.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(actions.substring(start).strip());
        return parts;
    }

    /**
     * The tables whose owner {@code statements} need: those they alter, index, drop or comment on; not those they
     * only reference, read or write, for which a grant does.
     */
    public static Set<String> tablesNeedingTheirOwner(List<DdlStatement> statements) {
        Set<String> tables = new LinkedHashSet<>();
        statements.stream().map(DdlStatement::ownedTable).filter(Objects::nonNull).forEach(tables::add);
        return tables;
    }

    /** Whether any of {@code statements} creates a table, type, function or the like in the current schema. */
    public static boolean createInCurrentSchema(List<DdlStatement> statements) {
        return statements.stream().anyMatch(statement ->
                CREATES_IN_CURRENT_SCHEMA.matcher(readable(statement.sql())).matches());
    }

    /** The statement as the patterns read it: one line, without the comments before it or a semicolon after. */
    private static String readable(String sql) {
        return withoutEndingSemicolon(SqlText.oneLine(LEADING_COMMENTS.matcher(sql).replaceFirst("")));
    }

    private static String withoutEndingSemicolon(String line) {
        return line.endsWith(";") ? line.substring(0, line.length() - 1) : line;
    }

    /** The strongest lock the statement takes, or empty when it takes none on a table. */
    public Optional<LockMode> strongestLock() {
        return locks.stream().map(TableLock::mode).reduce(LockMode::strongest);
    }

    /** One line for a dry run: {@code ACCESS EXCLUSIVE on users (blocks reads and writes); no scan, no rewrite}. */
    public String describeLocks() {
        return describeLocks(false);
    }

    /**
     * {@link #describeLocks()} for a statement of a revision that runs in one transaction when {@code inOneTransaction}:
     * one PostgreSQL refuses there says so, rather than that it runs outside a transaction, which it never gets to.
     */
    public String describeLocks(boolean inOneTransaction) {
        if (!known) {
            return "unknown statement: assume ACCESS EXCLUSIVE on what it touches";
        }
        String lockText = locks.isEmpty() ? "no lock on any existing table" : String.join(", ",
                locks.stream().map(lock -> lock + blocking(lock.mode())).toList());
        String where = !outsideTransaction ? ""
                : inOneTransaction ? "; PostgreSQL refuses it inside a transaction block" : "; outside a transaction";
        return lockText + "; " + work.describe(workTable) + where;
    }

    private static String blocking(LockMode mode) {
        return mode.blocksReads() ? " (blocks reads and writes)" : mode.blocksWrites() ? " (blocks writes)" : "";
    }

    /** The tables whose locks others could feel. */
    public List<String> tables() {
        return locks.stream().map(TableLock::table).toList();
    }

    /**
     * Every table any of {@code statements} locks, in order of first mention, except those an earlier one of them
     * creates: before the statements run no such table exists, so no other session can hold a lock on it (a
     * {@code CREATE TABLE} fails if it does exist, so only {@code IF NOT EXISTS} keeps its table in the set).
     */
    public static Set<String> tablesLockedBy(List<DdlStatement> statements) {
        Set<String> created = new HashSet<>();
        Set<String> tables = new LinkedHashSet<>();
        for (DdlStatement statement : statements) {
            statement.tables().stream().filter(table -> !created.contains(table)).forEach(tables::add);
            if (statement.newTable() != null) {
                created.add(statement.newTable());
            }
        }
        return tables;
    }

    /**
     * Collects what the analysis finds, merging several locks on one table into the strongest. It is given names in
     * their one spelling: its callers take {@link SqlName#canonical} of what they match.
     */
    private static final class Reading {
        private final String sql;
        private final Map<String, LockMode> locks = new LinkedHashMap<>();
        private Work work = Work.NONE;
        private String workTable;
        private boolean outsideTransaction;
        private final List<CatalogObject> creates = new ArrayList<>();
        private final List<CatalogObject> drops = new ArrayList<>();
        private int otherActions;
        private boolean known = true;
        private String newTable;
        private String ownedTable;

        Reading(String sql) {
            this.sql = sql;
        }

        void creates(CatalogObject.Kind kind, String table, String name) {
            creates.add(new CatalogObject(kind, table, name));
        }

        void drops(CatalogObject.Kind kind, String table, String name) {
            drops.add(new CatalogObject(kind, table, name));
        }

        /** An action that neither only creates nor only drops a named object: the statement is never skipped. */
        void other() {
            otherActions++;
        }

        void lock(String table, LockMode mode) {
            locks.merge(table, mode, LockMode::strongest);
        }

        /** A lock on the table the statement is about, which takes its owner. */
        void owned(String table, LockMode mode) {
            ownedTable = table;
            lock(table, mode);
        }

        void work(Work candidate, String table) {
            if (candidate.compareTo(work) > 0) {
                work = candidate;
                workTable = table;
            }
        }

        DdlStatement result() {
            List<TableLock> sorted = locks.entrySet().stream()
                    .map(entry -> new TableLock(entry.getKey(), entry.getValue()))
                    .sorted((a, b) -> b.mode().compareTo(a.mode()))
                    .toList();
            boolean pure = known && otherActions == 0;
            return new DdlStatement(sql, sorted, work, workTable, outsideTransaction,
                    pure && drops.isEmpty() ? List.copyOf(creates) : List.of(),
                    pure && creates.isEmpty() ? List.copyOf(drops) : List.of(), known, newTable, ownedTable);
        }
    }
}
