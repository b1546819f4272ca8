package dev.retort.data;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test class's own database at head, with the data layer wired to it, and the plain SQL the tests use to
 * check what the layer wrote (never through the layer itself).
 */
final class DataLayerDatabase {

    final TestPostgres.TestDatabase database;
    final Transactions transactions;

    private DataLayerDatabase(TestPostgres.TestDatabase database) {
        this.database = database;
        this.transactions = new Transactions(database.dataSource());
    }

    static DataLayerDatabase atHead(String hint) {
        TestPostgres.TestDatabase database = TestPostgres.newDatabase(hint);
        new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("head");
        return new DataLayerDatabase(database);
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
}
