package dev.retort.engine;

import dev.retort.engine.DdlStatement.CatalogObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Looks in the catalog for what an online statement would make or remove, so that a rerun after a crash (or an
 * undo of a step that failed early) neither fails on "already exists" nor takes a lock on a busy table to do
 * nothing. {@code IF [NOT] EXISTS} alone would not do: PostgreSQL takes the table's lock before it looks.
 */
final class AlreadyDone {

    private AlreadyDone() {
    }

    /** Why {@code statement} need not run, or empty when it must. */
    static Optional<String> check(Connection connection, DdlStatement statement) throws SQLException {
        if (!statement.creates().isEmpty() && allMatch(connection, statement.creates(), true)) {
            return Optional.of(describe(statement.creates()) + (statement.creates().size() == 1 ? " is" : " are")
                    + " already there");
        }
        if (!statement.drops().isEmpty() && allMatch(connection, statement.drops(), false)) {
            return Optional.of(describe(statement.drops()) + (statement.drops().size() == 1 ? " is" : " are")
                    + " already gone");
        }
        return Optional.empty();
    }

    /** True when the index exists but cannot be used: what an interrupted {@code CREATE INDEX CONCURRENTLY} leaves. */
    static boolean indexInvalid(Connection connection, String index) throws SQLException {
        return indexValid(connection, index).map(valid -> !valid).orElse(false);
    }

    private static boolean allMatch(Connection connection, List<CatalogObject> objects, boolean present)
            throws SQLException {
        for (CatalogObject object : objects) {
            if (exists(connection, object, present) != present) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the object is there. When it is to be created, an index only counts once it is valid, so that a
     * half-built one is built again; when it is to be dropped, any trace of it counts.
     */
    private static boolean exists(Connection connection, CatalogObject object, boolean mustBeValid)
            throws SQLException {
        return switch (object.kind()) {
            case INDEX -> indexValid(connection, object.name()).map(valid -> valid || !mustBeValid).orElse(false);
            case CONSTRAINT -> found(connection,
                    "SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?", object);
            case VALID_CONSTRAINT -> found(connection,
                    "SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(?) AND conname = ? AND convalidated",
                    object);
            case COLUMN -> found(connection, "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?)"
                    + " AND attname = ? AND NOT attisdropped", object);
        };
    }

    private static boolean found(Connection connection, String sql, CatalogObject object) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, SqlName.quotedParts(object.table()));
            query.setString(2, SqlName.inCatalog(object.name()));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Whether the index is valid and ready, or empty when there is no such index. */
    private static Optional<Boolean> indexValid(Connection connection, String index) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass(?)")) {
            query.setString(1, SqlName.quotedParts(index));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private static String describe(List<CatalogObject> objects) {
        return String.join(", ", objects.stream().map(CatalogObject::toString).toList());
    }
}
