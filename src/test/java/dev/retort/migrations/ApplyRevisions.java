package dev.retort.migrations;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Runs revisions straight onto a JDBC connection in autocommit, one statement at a time: enough to test the
 * revisions' SQL without the engine (no version table, no transactions, no lock).
 */
final class ApplyRevisions {

    private ApplyRevisions() {
    }

    /** Upgrades an empty database to head. */
    static void upgradeAll(Connection connection) throws SQLException {
        upgrade(connection, Migrations.all());
    }

    /** Upgrades an empty database to revision {@code id}, whatever revisions come after it. */
    static void upgradeThrough(Connection connection, String id) throws SQLException {
        List<Revision> revisions = Migrations.all();
        List<String> ids = revisions.stream().map(Revision::id).toList();
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("no revision " + id + " in " + ids);
        }
        upgrade(connection, revisions.subList(0, ids.indexOf(id) + 1));
    }

    static void upgrade(Connection connection, List<Revision> revisions) throws SQLException {
        for (Revision revision : revisions) {
            upgrade(connection, revision);
        }
    }

    static void upgrade(Connection connection, Revision revision) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            revision.upgrade(executingOn(statement, revision));
        }
    }

    static void downgrade(Connection connection, Revision revision) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            revision.downgrade(executingOn(statement, revision));
        }
    }

    private static MigrationContext executingOn(Statement statement, Revision revision) throws SQLException {
        statement.getConnection().setAutoCommit(true);
        return sql -> {
            try {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("revision " + revision.id() + " failed on: " + sql.strip(), e);
            }
        };
    }
}
