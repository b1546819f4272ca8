package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Looks in the catalog for what an online statement would make, so that a rerun after a crash neither fails on
 * "already exists" nor builds an index twice. Statements PostgreSQL can make rerunnable itself
 * ({@code IF NOT EXISTS}) need nothing from here.
 */
final class AlreadyDone {

    private AlreadyDone() {
    }

    /** Why {@code statement} need not run, or empty when it must. */
    static Optional<String> check(Connection connection, DdlStatement statement) throws SQLException {
        if (statement.createdIndex() != null && indexValid(connection, statement.createdIndex()).orElse(false)) {
            return Optional.of("index " + statement.createdIndex() + " is already built");
        }
        if (statement.addedConstraint() != null
                && constraintExists(connection, statement.table(), statement.addedConstraint())) {
            return Optional.of("constraint " + statement.addedConstraint() + " already exists on " + statement.table());
        }
        return Optional.empty();
    }

    /** True when the index exists but cannot be used: what an interrupted {@code CREATE INDEX CONCURRENTLY} leaves. */
    static boolean indexInvalid(Connection connection, String index) throws SQLException {
        return indexValid(connection, index).map(valid -> !valid).orElse(false);
    }

    /** Whether the index is valid and ready, or empty when there is no such index. */
    private static Optional<Boolean> indexValid(Connection connection, String index) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass(?)")) {
            query.setString(1, index);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private static boolean constraintExists(Connection connection, String table, String constraint)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?")) {
            query.setString(1, table);
            query.setString(2, constraint);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
