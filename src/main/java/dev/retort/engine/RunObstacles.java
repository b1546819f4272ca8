package dev.retort.engine;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * What would make a run fail at once, read before it, for a dry run: a read-only session, no schema to create in, no
 * right to create there, tables the role does not own (ALTER TABLE, CREATE INDEX and DROP need the owner), a current
 * schema apart from the migrated one ({@link VersionTable.Placement#apart}, which a real run refuses too). Reads,
 * changes nothing.
 */
final class RunObstacles {

    private RunObstacles() {
    }

    /**
     * @param tables  the tables whose owner the run's statements need, each in its one spelling ({@link SqlName})
     * @param creates whether the run's statements create a table, a type or the like in the current schema (an
     *                index is created by its table's owner, wherever the schema)
     */
    static List<String> find(Connection connection, Collection<String> tables, boolean creates) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery(), current_user,
                       current_schema(), has_schema_privilege(current_schema(), 'CREATE')
                           OR NOT (? OR to_regclass('alembic_version') IS NULL OR to_regclass('retort_history') IS NULL),
                       ARRAY(SELECT c.oid::regclass || ' (owner ' || pg_get_userbyid(c.relowner) || ')' FROM pg_class c
                             WHERE c.oid IN (SELECT to_regclass(t) FROM unnest(?::text[]) t)
                               AND NOT pg_has_role(c.relowner, 'USAGE')
                             ORDER BY 1)""")) {
            query.setBoolean(1, creates);
            query.setArray(2, connection.createArrayOf("text", tables.stream().map(SqlName::quotedParts).toArray()));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                List<String> obstacles = obstacles(row.getBoolean(1), row.getBoolean(2), row.getString(3),
                        row.getString(4), row.getBoolean(5), row.getArray(6));
                VersionTable.placement(connection).apart().ifPresent(obstacles::add);
                return obstacles;
            }
        }
    }

    /** @param mayCreate whether the role may create what the run creates in the schema (true when it creates none) */
    private static List<String> obstacles(boolean readOnly, boolean standby, String role, String schema,
                                          boolean mayCreate, Array notOwned) throws SQLException {
        List<String> obstacles = new ArrayList<>();
        if (standby) {
            obstacles.add("this server is a standby, read-only: migrate the primary");
        } else if (readOnly) {
            obstacles.add("the session is read-only (default_transaction_read_only is on, for the role, the "
                    + "database, the connection's options or the server): migrate as a role, and with settings, that "
                    + "may write");
        }
        if (schema == null) {
            obstacles.add("no schema on the search_path exists to create the tables in: create it, or name one "
                    + "that exists");
        } else if (!mayCreate) {
            obstacles.add("role " + role + " may not create objects in schema " + schema + ": GRANT CREATE ON "
                    + "SCHEMA " + schema + " TO " + role + ", or run as its owner");
        }
        List<String> tables = Arrays.asList((String[]) notOwned.getArray());
        if (!tables.isEmpty()) {
            obstacles.add("role " + role + " does not own " + String.join(", ", tables) + ": altering, indexing or "
                    + "dropping a table takes its owner (or a member of the owning role)");
        }
        return obstacles;
    }
}
