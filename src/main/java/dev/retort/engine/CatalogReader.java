package dev.retort.engine;

import dev.retort.engine.CatalogSnapshot.Column;
import dev.retort.engine.CatalogSnapshot.Constraint;
import dev.retort.engine.CatalogSnapshot.EnumType;
import dev.retort.engine.CatalogSnapshot.Extension;
import dev.retort.engine.CatalogSnapshot.Index;
import dev.retort.engine.CatalogSnapshot.OtherType;
import dev.retort.engine.CatalogSnapshot.Policy;
import dev.retort.engine.CatalogSnapshot.Routine;
import dev.retort.engine.CatalogSnapshot.Sequence;
import dev.retort.engine.CatalogSnapshot.Table;
import dev.retort.engine.CatalogSnapshot.Trigger;
import dev.retort.engine.CatalogSnapshot.View;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The queries behind {@link CatalogSnapshot}: one per kind of object, each limited to its schema
 * ({@link CatalogSnapshot#SCHEMA}).
 *
 * <p>Only SELECTs on one connection, which is left as it was: its transaction, and its settings. The text of
 * definitions comes from PostgreSQL's own {@code pg_get_*def} functions, {@code pg_get_expr} and
 * {@code format_type}, which name an object without its schema only when the search_path finds that very object
 * first. So they are read with the schema put first on the search_path ({@link #withSchemaFirstOnPath}): else a
 * table of the same name in a schema ahead of it ({@code app.users} before {@code public.users}) would turn every
 * {@code REFERENCES users(id)} into {@code REFERENCES public.users(id)}, drift that is not there. The rest of the
 * path stays behind it, so that a type or function of an extension's schema on the path ({@code citext} in
 * {@code extensions}) keeps the name it had in snapshots written before. Index and trigger
 * definitions name their table with its schema regardless, and that schema is taken out here.
 */
final class CatalogReader {

    /**
     * Objects an extension made (dependency {@code e}) are the extension's business, and so are those PostgreSQL made
     * for another object ({@code i}), such as a range type's constructor functions. The placeholders are the
     * catalog, the object's oid and the dependency types.
     */
    private static final String NOT_MADE_FOR_ANOTHER = "NOT EXISTS (SELECT FROM pg_depend e"
            + " WHERE e.classid = '%s'::regclass AND e.objid = %s AND e.deptype IN (%s))";

    /** What a domain is made of, over {@code pg_type t}: {@code text not null default … constraint … CHECK …}. */
    private static final String DOMAIN = """
            format_type(t.typbasetype, t.typtypmod)
            || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
            || coalesce(' default ' || pg_get_expr(t.typdefaultbin, 0), '')
            || coalesce((SELECT string_agg(' constraint ' || quote_ident(c.conname)
                                           || ' ' || pg_get_constraintdef(c.oid), '' ORDER BY c.conname COLLATE "C")
                         FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n'), '')""";

    /** A composite type's attributes in order, over {@code pg_type t}: {@code (amount numeric(12,2), …)}. */
    private static final String COMPOSITE = """
            '(' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', '
                                      ORDER BY a.attnum)
                    FROM pg_attribute a
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'""";

    private static final String RANGE =
            "(SELECT 'of ' || format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)";

    private static final String IN_SCHEMA = "JOIN pg_namespace n ON n.oid = %s AND n.nspname = "
            + CatalogSnapshot.SCHEMA;

    private final Connection connection;

    CatalogReader(Connection connection) {
        this.connection = connection;
    }

    CatalogSnapshot read() throws SQLException {
        String schema = schema();
        return withSchemaFirstOnPath(schema, () -> new CatalogSnapshot(extensions(), enums(), otherTypes(),
                sequences(), tables(), constraints(), indexes(schema), views(), routines(), triggers(schema),
                policies()));
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws SQLException;
    }

    /**
     * Runs {@code reading} with {@code schema} put first on the search_path, then puts everything back: the setting is
     * made local to a transaction that is rolled back, or, in the caller's open transaction, to a savepoint rolled
     * back to, which undoes it too. Under the new path {@link CatalogSnapshot#SCHEMA} still names the same schema: the
     * alembic_version found first is that schema's, or there is none and the current schema is the one named.
     */
    private <T> T withSchemaFirstOnPath(String schema, Reading<T> reading) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        Savepoint savepoint = null;
        if (autoCommit) {
            connection.setAutoCommit(false);
        } else {
            savepoint = connection.setSavepoint();
        }
        Throwable failure = null;
        try (PreparedStatement path = connection.prepareStatement(
                "SELECT set_config('search_path', ? || ', ' || current_setting('search_path'), true)")) {
            path.setString(1, schema);
            path.execute();
            return reading.read();
        } catch (SQLException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            putBack(autoCommit, savepoint, failure);
        }
    }

    /** A failure to put the connection back must not hide the failure that ended the reading. */
    private void putBack(boolean autoCommit, Savepoint savepoint, Throwable failure) throws SQLException {
        try {
            if (autoCommit) {
                connection.rollback();
                connection.setAutoCommit(true);
            } else {
                connection.rollback(savepoint);
                connection.releaseSavepoint(savepoint);
            }
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /** The schema read, as it appears in SQL (quoted when it must be). */
    private String schema() throws SQLException {
        List<String> schema = query("SELECT quote_ident(" + CatalogSnapshot.SCHEMA + ")", row -> row.getString(1));
        if (schema.get(0) == null) {
            throw new SQLException("There is no current schema", "3F000"); // invalid_schema_name, as CREATE says
        }
        return schema.get(0);
    }

    private List<Extension> extensions() throws SQLException {
        return query("SELECT quote_ident(x.extname) FROM pg_extension x " + inSchema("x.extnamespace"),
                row -> new Extension(row.getString(1)));
    }

    private List<EnumType> enums() throws SQLException {
        String sql = """
                SELECT quote_ident(t.typname),
                       array_agg(e.enumlabel ORDER BY e.enumsortorder) FILTER (WHERE e.oid IS NOT NULL),
                       obj_description(t.oid, 'pg_type')
                FROM pg_type t %s
                LEFT JOIN pg_enum e ON e.enumtypid = t.oid
                WHERE t.typtype = 'e' AND %s
                GROUP BY t.oid, t.typname
                """.formatted(inSchema("t.typnamespace"), notFromExtension("pg_type", "t.oid"));
        return query(sql, row -> new EnumType(row.getString(1), textArray(row, 2), row.getString(3)));
    }

    /** Domains, free-standing composite types and range types; arrays and table row types are implied, not listed. */
    private List<OtherType> otherTypes() throws SQLException {
        List<OtherType> types = new ArrayList<>(typesOf("domain", "t.typtype = 'd'", DOMAIN));
        types.addAll(typesOf("type", "t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'",
                COMPOSITE));
        types.addAll(typesOf("range", "t.typtype = 'r'", RANGE));
        return types;
    }

    private List<OtherType> typesOf(String kind, String condition, String definition) throws SQLException {
        String sql = """
                SELECT quote_ident(t.typname), %s, obj_description(t.oid, 'pg_type')
                FROM pg_type t %s
                WHERE %s AND %s
                """.formatted(definition, inSchema("t.typnamespace"), condition, notFromExtension("pg_type", "t.oid"));
        return query(sql, row -> new OtherType(row.getString(1), kind, row.getString(2), row.getString(3)));
    }

    private List<Sequence> sequences() throws SQLException {
        String sql = """
                SELECT quote_ident(c.relname), format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                       quote_ident(owner.relname), quote_ident(a.attname),
                       obj_description(c.oid, 'pg_class')
                FROM pg_class c %s
                JOIN pg_sequence s ON s.seqrelid = c.oid
                LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
                LEFT JOIN pg_class owner ON owner.oid = d.refobjid
                LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE c.relkind = 'S' AND %s
                """.formatted(inSchema("c.relnamespace"), notFromExtension("pg_class", "c.oid"));
        return query(sql, row -> new Sequence(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
                row.getString(5), row.getString(6), row.getString(7)));
    }

    /**
     * Tables with what a DBA sets on them by hand and a migration should own: persistence, storage parameters (the
     * TOAST table's too, as {@code toast.…}, the way ALTER TABLE sets them) and row-level security. The owner
     * ({@code relowner}) is left out: it is whichever role the deployment migrates as, which a snapshot shipped with
     * the revisions cannot know, so every installation but one would show drift.
     */
    private List<Table> tables() throws SQLException {
        Map<String, List<Column>> columns = columns();
        String sql = """
                SELECT quote_ident(c.relname), c.relpersistence = 'u',
                  CASE WHEN c.relkind = 'p' THEN 'partitioned by ' || pg_get_partkeydef(c.oid)
                       WHEN c.relispartition THEN 'partition of '
                            || (SELECT quote_ident(p.relname) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                                WHERE i.inhrelid = c.oid)
                            || ' ' || pg_get_expr(c.relpartbound, c.oid)
                  END,
                  coalesce(c.reloptions, '{}')
                      || coalesce((SELECT array_agg('toast.' || o) FROM pg_class t, unnest(t.reloptions) o
                                   WHERE t.oid = c.reltoastrelid), '{}'),
                  c.relrowsecurity, c.relforcerowsecurity,
                  obj_description(c.oid, 'pg_class')
                FROM pg_class c %s
                WHERE c.relkind IN ('r', 'p') AND %s
                """.formatted(inSchema("c.relnamespace"), notFromExtension("pg_class", "c.oid"));
        return query(sql, row -> new Table(row.getString(1), row.getBoolean(2), row.getString(3), textArray(row, 4),
                row.getBoolean(5), row.getBoolean(6), columns.getOrDefault(row.getString(1), List.of()),
                row.getString(7)));
    }

    /** Every table's columns, in their physical order (attnum), by table name. */
    private Map<String, List<Column>> columns() throws SQLException {
        String sql = """
                SELECT quote_ident(c.relname), quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END,
                       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                       col_description(c.oid, a.attnum)
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid %s
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY c.relname, a.attnum
                """.formatted(inSchema("c.relnamespace"));
        List<TableColumn> all = query(sql, row -> new TableColumn(row.getString(1), new Column(row.getString(2),
                row.getString(3), row.getString(4), row.getBoolean(5), row.getString(6), row.getString(7),
                row.getString(8), row.getString(9))));
        Map<String, List<Column>> byTable = new HashMap<>();
        all.forEach(each -> byTable.computeIfAbsent(each.table(), table -> new ArrayList<>()).add(each.column()));
        return byTable;
    }

    private record TableColumn(String table, Column column) {
    }

    /** Constraints of tables; NOT NULL is shown on the column instead (PostgreSQL 18 also lists it here). */
    private List<Constraint> constraints() throws SQLException {
        String sql = """
                SELECT quote_ident(con.conname), quote_ident(c.relname), pg_get_constraintdef(con.oid),
                       con.convalidated, obj_description(con.oid, 'pg_constraint')
                FROM pg_constraint con
                JOIN pg_class c ON c.oid = con.conrelid %s
                WHERE con.contype <> 'n'
                """.formatted(inSchema("c.relnamespace"));
        return query(sql, row -> new Constraint(row.getString(1), row.getString(2), row.getString(3),
                row.getBoolean(4), row.getString(5)));
    }

    /** Every index, including those behind primary keys and unique constraints. */
    private List<Index> indexes(String schema) throws SQLException {
        String sql = """
                SELECT quote_ident(ic.relname), quote_ident(c.relname), pg_get_indexdef(i.indexrelid), i.indisvalid,
                       obj_description(ic.oid, 'pg_class')
                FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_class c ON c.oid = i.indrelid %s
                """.formatted(inSchema("c.relnamespace"));
        return query(sql, row -> new Index(row.getString(1), row.getString(2),
                withoutSchema(row.getString(3), schema), row.getBoolean(4), row.getString(5)));
    }

    private List<View> views() throws SQLException {
        String sql = """
                SELECT quote_ident(c.relname), c.relkind = 'm', pg_get_viewdef(c.oid),
                       obj_description(c.oid, 'pg_class')
                FROM pg_class c %s
                WHERE c.relkind IN ('v', 'm') AND %s
                """.formatted(inSchema("c.relnamespace"), notFromExtension("pg_class", "c.oid"));
        // View queries come back over several indented lines; one line per object keeps the text diffable by line.
        return query(sql, row -> new View(row.getString(1), row.getBoolean(2), SqlText.oneLine(row.getString(3)),
                row.getString(4)));
    }

    private List<Routine> routines() throws SQLException {
        String sql = """
                SELECT quote_ident(p.proname), pg_get_function_identity_arguments(p.oid),
                  CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                                 WHEN 'w' THEN 'window function' ELSE 'function' END,
                  CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END,
                  l.lanname, p.prosrc, obj_description(p.oid, 'pg_proc')
                FROM pg_proc p %s
                JOIN pg_language l ON l.oid = p.prolang
                WHERE %s
                """.formatted(inSchema("p.pronamespace"), madeByHand("pg_proc", "p.oid"));
        return query(sql, row -> new Routine(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), hashOf(row.getString(6)), row.getString(7)));
    }

    /** Triggers the user created; those PostgreSQL made for foreign keys are part of the constraint. */
    private List<Trigger> triggers(String schema) throws SQLException {
        String sql = """
                SELECT quote_ident(t.tgname), quote_ident(c.relname), pg_get_triggerdef(t.oid), t.tgenabled,
                       obj_description(t.oid, 'pg_trigger')
                FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid %s
                WHERE NOT t.tgisinternal
                """.formatted(inSchema("c.relnamespace"));
        return query(sql, row -> new Trigger(row.getString(1), row.getString(2),
                withoutSchema(row.getString(3), schema), row.getString(4), row.getString(5)));
    }

    /**
     * Row-level security policies, on tables of the schema. The roles a policy names are kept, unlike owners: who
     * may see which rows is what the policy means, and a revision that names a role must create or expect it.
     */
    private List<Policy> policies() throws SQLException {
        String sql = """
                SELECT quote_ident(pol.polname), quote_ident(c.relname), pol.polpermissive,
                  CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                  WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                  ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r.oid)) END
                        FROM unnest(pol.polroles) r(oid)),
                  pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid),
                  obj_description(pol.oid, 'pg_policy')
                FROM pg_policy pol
                JOIN pg_class c ON c.oid = pol.polrelid %s
                """.formatted(inSchema("c.relnamespace"));
        return query(sql, row -> new Policy(row.getString(1), row.getString(2), row.getBoolean(3), row.getString(4),
                textArray(row, 5), row.getString(6), row.getString(7), row.getString(8)));
    }

    private static String inSchema(String namespaceColumn) {
        return IN_SCHEMA.formatted(namespaceColumn);
    }

    private static String notFromExtension(String catalog, String oidColumn) {
        return NOT_MADE_FOR_ANOTHER.formatted(catalog, oidColumn, "'e'");
    }

    /** Not from an extension, nor made by PostgreSQL along with another object. */
    private static String madeByHand(String catalog, String oidColumn) {
        return NOT_MADE_FOR_ANOTHER.formatted(catalog, oidColumn, "'e', 'i'");
    }

    /** {@code … ON public.users USING …} becomes {@code … ON users USING …}; the first " ON " is the table's. */
    private static String withoutSchema(String definition, String schema) {
        return Pattern.compile(" ON (ONLY )?" + Pattern.quote(schema + ".")).matcher(definition).replaceFirst(" ON $1");
    }

    private static String hashOf(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static List<String> textArray(ResultSet row, int column) throws SQLException {
        java.sql.Array array = row.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String sql, RowReader<T> reader) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(reader.read(rows));
            }
            return result;
        }
    }
}
