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
 * What the three tables have besides their checks: indexes, unique constraints and (if asked) primary and foreign
 * keys, read from the catalog as the statements that make them again, comments included. The bench drops them
 * twice: for the bulk load, keys included (rows first, then each index built once, sorted, and each key checked in
 * one pass: a primary key kept through the load would take every random uuid into a b-tree larger than the
 * buffers, a random page each, and slow the copy down as the table grows), and for the "before" column of the
 * query table (the same data with its keys, and no other index).
 *
 * @param builds      ADD CONSTRAINT … PRIMARY KEY statements first, then CREATE INDEX and ADD CONSTRAINT … UNIQUE
 *                    ones: each builds one index, so any number may run at once
 * @param foreignKeys ADD CONSTRAINT … FOREIGN KEY statements, to run after the builds
 * @param drops       the statements that drop them all: foreign keys, primary keys, unique constraints, then indexes
 */
record SecondaryObjects(List<String> builds, List<String> foreignKeys, List<String> drops) {

    static final List<String> TABLES = List.of("users", "customers", "audit_logs");

    /** Indexes and unique constraints, primary and foreign keys too when {@code keys}; never a check. */
    static SecondaryObjects read(Connection connection, boolean keys) throws SQLException {
        List<String> primaryKeys = new ArrayList<>();
        List<String> builds = new ArrayList<>();
        List<String> foreignKeys = new ArrayList<>();
        List<String> dropForeignKeys = new ArrayList<>();
        List<String> dropPrimaryKeys = new ArrayList<>();
        List<String> dropUniques = new ArrayList<>();
        List<String> dropIndexes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint'), contype
                FROM pg_constraint
                WHERE conrelid = ?::regclass AND (contype = 'u' OR (contype IN ('p', 'f') AND ?))
                ORDER BY conname
                """)) {
            for (String table : TABLES) {
                query.setString(1, table);
                query.setBoolean(2, keys);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String name = rows.getString(1);
                        String add = "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + rows.getString(2)
                                + comment("CONSTRAINT " + name + " ON " + table, rows.getString(3));
                        String drop = "ALTER TABLE " + table + " DROP CONSTRAINT " + name;
                        switch (rows.getString(4)) {
                            case "p" -> {
                                primaryKeys.add(add);
                                dropPrimaryKeys.add(drop);
                            }
                            case "f" -> {
                                foreignKeys.add(add);
                                dropForeignKeys.add(drop);
                            }
                            default -> {
                                builds.add(add);
                                dropUniques.add(drop);
                            }
                        }
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
        List<String> drops = new ArrayList<>(dropForeignKeys);
        drops.addAll(dropPrimaryKeys);
        drops.addAll(dropUniques);
        drops.addAll(dropIndexes);
        // The primary keys first: the largest builds (every row, a uuid each) start before the smaller ones.
        primaryKeys.addAll(builds);
        return new SecondaryObjects(List.copyOf(primaryKeys), List.copyOf(foreignKeys), List.copyOf(drops));
    }

    /** Reads them (see {@link #read}), drops them and returns what builds them again. */
    static SecondaryObjects readAndDrop(DataSource dataSource, boolean keys) {
        return Jdbc.call(dataSource, connection -> {
            SecondaryObjects read = read(connection, keys);
            read.drop(connection);
            return read;
        });
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
