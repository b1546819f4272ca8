package dev.retort.migrations;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything schema {@code public} holds, one sorted line per object, read from {@code pg_catalog}: relations of
 * every kind (tables, indexes, sequences, views), columns with type, nullability and default, constraints and
 * indexes with their definitions, types (enums with their labels), functions, extensions and comments.
 * Two equal snapshots mean two equal schemas, as far as the revisions can change them.
 */
final class PublicSchema {

    private static final String SNAPSHOT = """
            SELECT 'relation ' || c.relname || ' kind ' || c.relkind::text
              FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END
                   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
               AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 'constraint ' || coalesce(con.conrelid::regclass::text, con.contypid::regtype::text)
                   || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
              FROM pg_constraint con
             WHERE con.connamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'index ' || indexdef
              FROM pg_indexes
             WHERE schemaname = 'public'
            UNION ALL
            SELECT 'type ' || t.typname || ' kind ' || t.typtype::text
                   || coalesce(' (' || (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                                          FROM pg_enum e WHERE e.enumtypid = t.oid) || ')', '')
              FROM pg_type t
             WHERE t.typnamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure::text
              FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'extension ' || x.extname
              FROM pg_extension x
             WHERE x.extnamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'comment on ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description
              FROM pg_description d
             WHERE (d.classoid = 'pg_class'::regclass
                    AND d.objoid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace))
                OR (d.classoid = 'pg_type'::regclass
                    AND d.objoid IN (SELECT oid FROM pg_type WHERE typnamespace = 'public'::regnamespace))
                OR (d.classoid = 'pg_constraint'::regclass
                    AND d.objoid IN (SELECT oid FROM pg_constraint WHERE connamespace = 'public'::regnamespace))
            """;

    private PublicSchema() {
    }

    static List<String> snapshot(Connection connection) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(SNAPSHOT)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        lines.sort(null);
        return lines;
    }
}
