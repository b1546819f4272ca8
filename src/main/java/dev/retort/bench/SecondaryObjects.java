package dev.retort.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the three tables have besides their primary keys and checks: indexes, unique constraints and (if asked)
 * foreign keys, read from the catalog as the statements that make them again, comments included. The bench drops
 * them twice: for the bulk load (rows first, then each index built once, sorted, and each key checked in one pass)
 * and for the "before" column of the query table (the same data with primary keys only).
 *
 * @param builds      CREATE INDEX and ADD CONSTRAINT … UNIQUE statements: each builds one index, so any number may
 *                    run at once
 * @param foreignKeys ADD CONSTRAINT … FOREIGN KEY statements, to run after the builds
 * @param drops       the statements that drop them all: foreign keys, unique constraints, then indexes
 */
record SecondaryObjects(List<String> builds, List<String> foreignKeys, List<String> drops) {

    static final List<String> TABLES = List.of("users", "customers", "audit_logs");

    /** Indexes and unique constraints, foreign keys too when {@code foreignKeys}; never a primary key or a check. */
    static SecondaryObjects read(Connection connection, boolean foreignKeys) throws SQLException {
        List<String> builds = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> dropKeys = new ArrayList<>();
        List<String> dropUniques = new ArrayList<>();
        List<String> dropIndexes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint'), contype
                FROM pg_constraint
                WHERE conrelid = ?::regclass AND (contype = 'u' OR (contype = 'f' AND ?))
                ORDER BY conname
                """)) {
            for (String table : TABLES) {
                query.setString(1, table);
                query.setBoolean(2, foreignKeys);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String name = rows.getString(1);
                        String add = "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + rows.getString(2)
                                + comment("CONSTRAINT " + name + " ON " + table, rows.getString(3));
                        String drop = "ALTER TABLE " + table + " DROP CONSTRAINT " + name;
                        boolean unique = rows.getString(4).equals("u");
                        (unique ? builds : keys).add(add);
                        (unique ? dropUniques : dropKeys).add(drop);
                    }
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT ix.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class')
                FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
                WHERE i.indrelid = ?::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f')
                ORDER BY ix.relname
                """)) {
            for (String table : TABLES) {
                query.setString(1, table);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        builds.add(rows.getString(2) + comment("INDEX " + rows.getString(1), rows.getString(3)));
                        dropIndexes.add("DROP INDEX " + rows.getString(1));
                    }
                }
            }
        }
        List<String> drops = new ArrayList<>(dropKeys);
        drops.addAll(dropUniques);
        drops.addAll(dropIndexes);
        return new SecondaryObjects(List.copyOf(builds), List.copyOf(keys), List.copyOf(drops));
    }

    /** Reads them (see {@link #read}), drops them and returns what builds them again. */
    static SecondaryObjects readAndDrop(DataSource dataSource, boolean foreignKeys) {
        SecondaryObjects[] read = new SecondaryObjects[1];
        Jdbc.run(dataSource, connection -> {
            read[0] = read(connection, foreignKeys);
            read[0].drop(connection);
        });
        return read[0];
    }

    void drop(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : drops) {
                statement.execute(sql);
            }
        }
    }

    private static String comment(String object, String text) {
        return text == null ? "" : "; COMMENT ON " + object + " IS '" + text.replace("'", "''") + "'";
    }
}
