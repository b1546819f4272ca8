package dev.retort.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test class's own database at head, with the data layer wired to it, and the plain SQL the tests use to
 * check what the layer wrote (never through the layer itself).
 */
final class DataLayerDatabase {

    /** A real bcrypt hash: 60 characters, the shortest a password hash may be. */
    static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

    private static final ObjectMapper JSON = new ObjectMapper();

    final TestPostgres.TestDatabase database;
    final Transactions transactions;
    final AuditTrail auditTrail;
    final Customers customers;
    final Users users;

    private DataLayerDatabase(TestPostgres.TestDatabase database) {
        this.database = database;
        this.transactions = new Transactions(database.dataSource());
        this.auditTrail = new AuditTrail(transactions);
        this.customers = new Customers(transactions, auditTrail);
        this.users = new Users(transactions, auditTrail);
    }

    static DataLayerDatabase atHead(String hint) {
        TestPostgres.TestDatabase database = TestPostgres.newDatabase(hint);
        new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("head");
        return new DataLayerDatabase(database);
    }

    /** A new user with a unique email, created by the system. */
    User newUser(String role) {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        return users.create(Actor.system(), new NewUser(email, BCRYPT, "Test " + role, role));
    }

    /** A new administrator acting from a fixed IPv4 address and browser. */
    Actor newAdmin() {
        return Actor.of(newUser("admin"), "203.0.113.7", "Mozilla/5.0 (test)");
    }

    /** Every audit row of a resource, hidden ones included, oldest first, as column name to text. */
    List<Map<String, String>> auditRows(UUID resourceId) throws SQLException {
        return rows("SELECT * FROM audit_logs WHERE resource_id = ? ORDER BY created_at", resourceId.toString());
    }

    /** The row with that id, every column as text. */
    Map<String, String> row(String table, UUID id) throws SQLException {
        return rows("SELECT * FROM " + table + " WHERE id = ?", id).get(0);
    }

    List<Map<String, String>> rows(String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            List<Map<String, String>> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        row.put(result.getMetaData().getColumnName(c), result.getString(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    String value(String sql, Object... parameters) throws SQLException {
        List<Map<String, String>> rows = rows(sql, parameters);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    /** A jsonb column's text as a map, so that tests compare contents rather than jsonb's key order. */
    static Map<String, Object> json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readValue(text, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
