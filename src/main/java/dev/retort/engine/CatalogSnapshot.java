package dev.retort.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The schema a connection's revisions live in ({@link #SCHEMA}), read from {@code pg_catalog} and written as
 * stable, diffable text: one line per object, the kind first, e.g. {@code index ix_users_email_active on
 * users: CREATE INDEX …}.
 *
 * <p>Two databases holding the same schema give byte-identical text, however and in whatever order it was
 * built: every list is sorted here, by Java's string order rather than a database collation; no OID is
 * kept; the schema's own name is left out of index and trigger definitions, so a schema built in
 * {@code public} reads the same as one built in {@code app}. That is what lets a downgrade be proved by
 * comparing text, and a live database be compared with the snapshot shipped for its revision.
 * Columns keep their physical order (attnum): it is part of the schema, and upgrading, downgrading and
 * upgrading whole revisions recreates it.
 *
 * <p>Left out on purpose: owners and privileges (they belong to an installation, not to a schema), rules, and the
 * members of extensions (the extension's name stands for them). A table's persistence, storage parameters and
 * row-level security show only where they differ from PostgreSQL's defaults, so that a plain table's line says no
 * more than its name and comment.
 * Definitions are PostgreSQL's own ({@code pg_get_indexdef} and the like), so snapshots compare reliably
 * between servers of one major version only.
 */
public record CatalogSnapshot(List<Extension> extensions, List<EnumType> enums, List<OtherType> types,
                              List<Sequence> sequences, List<Table> tables, List<Constraint> constraints,
                              List<Index> indexes, List<View> views, List<Routine> routines,
                              List<Trigger> triggers, List<Policy> policies) {

    /**
     * The schema a database's revisions live in, as an SQL expression: the one holding the {@code alembic_version}
     * the search_path finds, which is where Retort reads the database's revision; else, before any revision, the
     * current schema, where the first one creates its tables. The two differ when a schema was put before the
     * migrated one on the search_path later (a schema named after the role, under the default {@code "$user",
     * public}): reading the current schema then would find nothing migrated beside a revision of 006.
     */
    public static final String SCHEMA = "coalesce(" + VersionTable.SCHEMA_FOUND + ", current_schema())";

    public CatalogSnapshot {
        extensions = sorted(extensions, Comparator.comparing(Extension::name));
        enums = sorted(enums, Comparator.comparing(EnumType::name));
        types = sorted(types, Comparator.comparing(OtherType::name));
        sequences = sorted(sequences, Comparator.comparing(Sequence::name));
        tables = sorted(tables, Comparator.comparing(Table::name));
        constraints = sorted(constraints, Comparator.comparing(Constraint::table).thenComparing(Constraint::name));
        indexes = sorted(indexes, Comparator.comparing(Index::name));
        views = sorted(views, Comparator.comparing(View::name));
        routines = sorted(routines, Comparator.comparing(Routine::name).thenComparing(Routine::arguments));
        triggers = sorted(triggers, Comparator.comparing(Trigger::table).thenComparing(Trigger::name));
        policies = sorted(policies, Comparator.comparing(Policy::table).thenComparing(Policy::name));
    }

    /** Reads the connection's {@link #SCHEMA}. Leaves the connection's settings and transaction as they were. */
    public static CatalogSnapshot read(Connection connection) throws SQLException {
        return new CatalogReader(connection).read();
    }

    /** The snapshot as text: one line per object, each ending in a newline; an empty schema gives "". */
    public String text() {
        List<String> lines = new ArrayList<>();
        extensions.forEach(extension -> lines.add(extension.line()));
        enums.forEach(type -> lines.add(type.line()));
        types.forEach(type -> lines.add(type.line()));
        sequences.forEach(sequence -> lines.add(sequence.line()));
        tables.forEach(table -> lines.addAll(table.lines()));
        constraints.forEach(constraint -> lines.add(constraint.line()));
        indexes.forEach(index -> lines.add(index.line()));
        views.forEach(view -> lines.add(view.line()));
        routines.forEach(routine -> lines.add(routine.line()));
        triggers.forEach(trigger -> lines.add(trigger.line()));
        policies.forEach(policy -> lines.add(policy.line()));
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    public boolean isEmpty() {
        return extensions.isEmpty() && enums.isEmpty() && types.isEmpty() && sequences.isEmpty() && tables.isEmpty()
                && constraints.isEmpty() && indexes.isEmpty() && views.isEmpty() && routines.isEmpty()
                && triggers.isEmpty() && policies.isEmpty();
    }

    /**
     * The same snapshot without the named tables and what hangs on them (columns, constraints, indexes, triggers,
     * policies, owned sequences): for Retort's own bookkeeping tables, which stay behind when a schema is downgraded
     * to base. A sequence that no column owns stays.
     */
    public CatalogSnapshot withoutTables(Set<String> tableNames) {
        return new CatalogSnapshot(extensions, enums, types,
                // Set.of(…).contains(null) throws rather than answering false, and a free sequence has no owner.
                keep(sequences, sequence -> sequence.ownedByTable() == null
                        || !tableNames.contains(sequence.ownedByTable())),
                keep(tables, table -> !tableNames.contains(table.name())),
                keep(constraints, constraint -> !tableNames.contains(constraint.table())),
                keep(indexes, index -> !tableNames.contains(index.table())),
                views, routines,
                keep(triggers, trigger -> !tableNames.contains(trigger.table())),
                keep(policies, policy -> !tableNames.contains(policy.table())));
    }

    @Override
    public String toString() {
        return text();
    }

    public record Extension(String name) {
        String line() {
            return "extension " + name;
        }
    }

    /** @param labels in the enum's sort order, which is its meaning */
    public record EnumType(String name, List<String> labels, String comment) {
        public EnumType {
            labels = List.copyOf(labels);
        }

        String line() {
            return "enum " + name + " (" + String.join(", ", labels) + ")" + commented(comment);
        }
    }

    /**
     * A domain, a free-standing composite type or a range type.
     *
     * @param kind       {@code domain}, {@code type} (composite) or {@code range}
     * @param definition what the type is made of, e.g. {@code text not null constraint … CHECK (…)}
     */
    public record OtherType(String name, String kind, String definition, String comment) {
        String line() {
            return kind + " " + name + " " + definition + commented(comment);
        }
    }

    /** @param ownedByTable the table whose column owns the sequence (serial, identity), or null */
    public record Sequence(String name, String type, long start, long increment, String ownedByTable,
                           String ownedByColumn, String comment) {
        String line() {
            String owner = ownedByTable == null ? "" : " owned by " + ownedByTable + "." + ownedByColumn;
            return "sequence " + name + " " + type + " start " + start + " increment " + increment + owner
                    + commented(comment);
        }
    }

    /**
     * A table (ordinary or partitioned) and its columns in their physical order. Its line reads like the SQL that
     * made it, e.g. {@code unlogged table audit_logs with (fillfactor=50) [ENABLE ROW LEVEL SECURITY]}; a table with
     * PostgreSQL's defaults (logged, no storage parameters, no row-level security) is {@code table audit_logs}.
     *
     * @param unlogged         {@code pg_class.relpersistence} is {@code u}: its rows are not WAL-logged, so a crash
     *                         empties it and replicas never see them
     * @param partitioning     how it is partitioned ({@code partitioned by RANGE (…)}) or what it is a partition of
     *                         ({@code partition of events FOR VALUES …}), or null
     * @param options          its storage parameters as {@code pg_class.reloptions} holds them ({@code fillfactor=50}),
     *                         those of its TOAST table prefixed {@code toast.}; sorted here
     * @param rowSecurity      row-level security is enabled ({@code relrowsecurity})
     * @param forceRowSecurity row-level security applies to the table's owner too ({@code relforcerowsecurity})
     */
    public record Table(String name, boolean unlogged, String partitioning, List<String> options,
                        boolean rowSecurity, boolean forceRowSecurity, List<Column> columns, String comment) {
        public Table {
            options = options.stream().sorted().toList();
            columns = List.copyOf(columns);
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add((unlogged ? "unlogged table " : "table ") + name
                    + (partitioning == null ? "" : " " + partitioning)
                    + (options.isEmpty() ? "" : " with (" + String.join(", ", options) + ")")
                    + (rowSecurity ? " [ENABLE ROW LEVEL SECURITY]" : "")
                    + (forceRowSecurity ? " [FORCE ROW LEVEL SECURITY]" : "")
                    + commented(comment));
            columns.forEach(column -> lines.add("  " + column.line()));
            return lines;
        }
    }

    /**
     * @param identity   {@code a} (always), {@code d} (by default) or empty, as in {@code pg_attribute.attidentity}
     * @param generated  {@code s} (stored), {@code v} (virtual) or empty; when set, {@code defaultValue} is its
     *                   expression
     */
    public record Column(String name, String type, String collation, boolean notNull, String defaultValue,
                         String identity, String generated, String comment) {
        String line() {
            StringBuilder line = new StringBuilder("column ").append(name).append(' ').append(type);
            if (collation != null) {
                line.append(" collate ").append(collation);
            }
            if (notNull) {
                line.append(" not null");
            }
            if (identity.equals("a")) {
                line.append(" generated always as identity");
            } else if (identity.equals("d")) {
                line.append(" generated by default as identity");
            }
            if (generated.equals("s") || generated.equals("v")) {
                line.append(" generated always as (").append(defaultValue).append(')')
                        .append(generated.equals("s") ? " stored" : " virtual");
            } else if (defaultValue != null) {
                line.append(" default ").append(defaultValue);
            }
            return line.append(commented(comment)).toString();
        }
    }

    /** @param validated false for a constraint added NOT VALID and not validated since */
    public record Constraint(String name, String table, String definition, boolean validated, String comment) {
        String line() {
            // pg_get_constraintdef already says NOT VALID for checks and foreign keys; make sure it is never lost.
            String notValid = validated || definition.endsWith("NOT VALID") ? "" : " NOT VALID";
            return "constraint " + name + " on " + table + ": " + definition + notValid + commented(comment);
        }
    }

    /** @param valid false for an index a failed {@code CREATE INDEX CONCURRENTLY} left behind */
    public record Index(String name, String table, String definition, boolean valid, String comment) {
        String line() {
            return "index " + name + " on " + table + ": " + definition + (valid ? "" : " [INVALID]")
                    + commented(comment);
        }
    }

    /** @param definition the view's query with its whitespace collapsed, so that it fits on one line */
    public record View(String name, boolean materialized, String definition, String comment) {
        String line() {
            return (materialized ? "materialized view " : "view ") + name + ": " + definition + commented(comment);
        }
    }

    /**
     * A function, procedure or aggregate, known by its signature.
     *
     * @param kind     {@code function}, {@code procedure}, {@code aggregate} or {@code window function}
     * @param result   the result type, or null for a procedure
     * @param bodyHash the start of the body's SHA-256, so that an edited body shows without printing it
     */
    public record Routine(String name, String arguments, String kind, String result, String language,
                          String bodyHash, String comment) {
        String line() {
            return kind + " " + name + "(" + arguments + ")" + (result == null ? "" : " returns " + result)
                    + " language " + language + " body " + bodyHash + commented(comment);
        }
    }

    /** @param enabled as {@code pg_trigger.tgenabled}: {@code O} fires normally, {@code D} is disabled, … */
    public record Trigger(String name, String table, String definition, String enabled, String comment) {
        String line() {
            String state = switch (enabled) {
                case "D" -> " [DISABLED]";
                case "R" -> " [ENABLE REPLICA]";
                case "A" -> " [ENABLE ALWAYS]";
                default -> "";
            };
            return "trigger " + name + " on " + table + ": " + definition + state + commented(comment);
        }
    }

    /**
     * A row-level security policy, written as {@code CREATE POLICY} takes it: {@code policy own_rows on users: AS
     * PERMISSIVE FOR SELECT TO public USING ((deleted_at IS NULL))}. It is listed whether or not its table has
     * row-level security enabled; the table's line says that.
     *
     * @param command   {@code ALL}, {@code SELECT}, {@code INSERT}, {@code UPDATE} or {@code DELETE}
     * @param roles     the roles it applies to, {@code public} for everyone; sorted here
     * @param using     the {@code USING} expression, or null
     * @param withCheck the {@code WITH CHECK} expression, or null
     */
    public record Policy(String name, String table, boolean permissive, String command, List<String> roles,
                         String using, String withCheck, String comment) {
        public Policy {
            roles = roles.stream().sorted().toList();
        }

        String line() {
            return "policy " + name + " on " + table + ": AS " + (permissive ? "PERMISSIVE" : "RESTRICTIVE")
                    + " FOR " + command + " TO " + String.join(", ", roles)
                    + (using == null ? "" : " USING (" + using + ")")
                    + (withCheck == null ? "" : " WITH CHECK (" + withCheck + ")")
                    + commented(comment);
        }
    }

    /** A comment as it ends a line; line breaks are escaped so that one object stays one line. */
    private static String commented(String comment) {
        if (comment == null) {
            return "";
        }
        return " -- " + comment.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        return items.stream().sorted(order).toList();
    }

    private static <T> List<T> keep(List<T> items, Predicate<T> wanted) {
        return items.stream().filter(wanted).toList();
    }
}
