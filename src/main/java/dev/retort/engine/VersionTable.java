package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alembic's own {@code alembic_version} table, so that a database the seed's Python Alembic migrated is
 * picked up as it is, and Alembic reads ours. One row holds the current revision; no row means base.
 */
final class VersionTable {

    static final String CREATE = """
            CREATE TABLE IF NOT EXISTS alembic_version (
                version_num varchar(32) NOT NULL,
                CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
            )""";

    private VersionTable() {
    }

    /**
     * Creates the table unless it exists. It looks before it creates: {@code CREATE TABLE IF NOT EXISTS} on an
     * existing table answers with a notice, and the JDBC warning that carries it costs a command several
     * milliseconds of start-up.
     */
    static void createIfMissing(Connection connection) throws SQLException {
        if (!exists(connection)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(CREATE);
            }
        }
    }

    static boolean exists(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('alembic_version') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    /**
     * Where the search_path finds {@code alembic_version}, against where it would create tables, and which schemas hold
     * one when it finds none: what a run checks before it starts, and {@code current} at base, in one query.
     *
     * @param schema        the schema of the alembic_version the search_path finds, or null
     * @param currentSchema where the search_path would create tables (null when no schema on it exists)
     * @param others        when it finds none, the schemas the role may use that hold one, comma-separated, or null
     */
    record Placement(String schema, String currentSchema, String others) {

        /**
         * Why no run may start, if none may: another schema comes before the migrated one on the search_path. New
         * tables would go there, apart from the others, and ALTER and DROP would find a table of it that shares a name
         * with one of theirs first. That happens when a schema is put before the migrated one later, e.g. one named
         * after the role under the default {@code "$user", public}.
         */
        Optional<String> apart() {
            if (schema == null || schema.equals(currentSchema)) {
                return Optional.empty();
            }
            return Optional.of("the search_path finds alembic_version in schema " + schema + " but makes "
                    + currentSchema + " the current schema, where new tables would go, apart from the others in "
                    + schema + ", and where a table sharing a name with one of them would be altered or dropped "
                    + "instead: put " + schema + " first on the search_path (options=-c search_path=" + schema
                    + " in the URL, or ALTER ROLE … SET search_path), or drop schema " + currentSchema
                    + " if it was made by mistake");
        }

        /**
         * For a database that reads as base because the search_path finds no alembic_version, the warning to give
         * when other schemas hold one: the search_path most likely misses the database's schema, and a run would build
         * a second copy of it. Not a refusal: a database with a schema per tenant migrates a new tenant's from base
         * beside the others.
         */
        Optional<String> elsewhere() {
            if (schema != null || others == null) {
                return Optional.empty();
            }
            return Optional.of("the search_path finds no alembic_version, so this database reads as <base>, but schema "
                    + others + " holds one: if the database's tables are there, put that schema on the search_path "
                    + "(options=-c%20search_path%3D<schema> in the URL); a run here would build them anew in "
                    + (currentSchema == null ? "no schema (none on the search_path exists)"
                    : "schema " + currentSchema));
        }
    }

    /** The schema of the alembic_version that the search_path finds, as an SQL expression: NULL if it finds none. */
    static final String SCHEMA_FOUND = "(SELECT n.nspname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('alembic_version'))";

    static Placement placement(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(
                "SELECT " + SCHEMA_FOUND + ", current_schema(), " + """
                       (SELECT string_agg(n.nspname, ', ' ORDER BY n.nspname)
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE c.relname = 'alembic_version' AND c.relkind IN ('r', 'p')
                          AND has_schema_privilege(n.oid, 'USAGE') AND to_regclass('alembic_version') IS NULL)""")) {
            row.next();
            return new Placement(row.getString(1), row.getString(2), row.getString(3));
        }
    }

    /** Every row, as stored: none at base, one normally, several where Alembic kept branches. */
    static List<String> readAll(Connection connection) throws SQLException {
        List<String> versions = new ArrayList<>();
        if (!exists(connection)) {
            return versions;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version_num FROM alembic_version ORDER BY version_num")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    /** The revision id stored, {@code null} at base; several rows (Alembic's branches) are refused. */
    static String read(Connection connection) throws SQLException {
        List<String> versions = readAll(connection);
        if (versions.size() > 1) {
            throw new VersionStateException("alembic_version holds " + versions.size() + " rows " + versions
                    + ", as Alembic does for branches; Retort follows one straight chain. Keep the one row that is "
                    + "true and delete the others, or stamp the revision the schema is really at.");
        }
        return versions.isEmpty() ? null : versions.get(0);
    }

    /** Moves the version row from one revision to the next inside the caller's transaction. */
    static void move(Connection connection, String from, String to) throws SQLException {
        int touched;
        if (from == null) {
            touched = update(connection, "INSERT INTO alembic_version (version_num) VALUES (?)", to);
        } else if (to == null) {
            touched = update(connection, "DELETE FROM alembic_version WHERE version_num = ?", from);
        } else {
            touched = update(connection, "UPDATE alembic_version SET version_num = ? WHERE version_num = ?", to, from);
        }
        if (touched != 1) {
            // Someone changed the version behind our back; refusing here rolls the step back.
            throw new VersionStateException("alembic_version changed during the run: moving " + from + " -> " + to
                    + " touched " + touched + " rows instead of 1.");
        }
    }

    /** The statement {@link #move} runs, as literal SQL, for offline scripts. */
    static String moveSql(String from, String to) {
        if (from == null) {
            return "INSERT INTO alembic_version (version_num) VALUES (" + SqlText.literal(to) + ");";
        }
        if (to == null) {
            return "DELETE FROM alembic_version WHERE version_num = " + SqlText.literal(from) + ";";
        }
        return "UPDATE alembic_version SET version_num = " + SqlText.literal(to) + " WHERE version_num = "
                + SqlText.literal(from) + ";";
    }

    /** Sets the version outright, whatever it was: what {@code stamp} does. */
    static void replace(Connection connection, String to) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM alembic_version");
        }
        if (to != null) {
            update(connection, "INSERT INTO alembic_version (version_num) VALUES (?)", to);
        }
    }

    private static int update(Connection connection, String sql, String... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }
}
