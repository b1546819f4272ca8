package dev.retort.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * What customers and users share: the seed's soft delete pattern over one table, and the audit row that goes with
 * every change. Every method works on the caller's connection, inside the caller's transaction.
 *
 * <p>A change starts by locking its row ({@link #lockLive}, {@link #lockDeleted}). That one read gives the
 * old values for the audit row, tells an unknown id from a deleted or a live row (so each gets its own
 * exception), and keeps concurrent writers off the row until commit, so the old values stay true and two
 * soft deletes of one row cannot both succeed. The lock is {@code FOR NO KEY UPDATE}, the lock an
 * {@code UPDATE} of non-key columns takes anyway: it does not block inserts elsewhere that reference the row
 * (as audit rows and {@code *_by} columns reference users), which {@code FOR UPDATE} would.
 *
 * <p>Soft delete and restore also set {@code updated_at} and {@code updated_by}, as every change does: restoring
 * clears {@code deleted_by}, and without {@code updated_by} nothing on the row would say who brought it back.
 * Their audit rows record only {@code deleted_at} and {@code deleted_by}, as {@link ChangedFields} explains.
 *
 * <p>The SQL is built once, from the table's name and columns (constants of this package, never input).
 */
final class AuditedTable<T extends SoftDeletable> {

    /**
     * The time of a change, for an UPDATE's FROM: taken when the statement runs, with the row already locked, so the
     * changes to one row, and their audit rows, are in the order they were applied. {@code now()} is when the
     * transaction began, which may be before another transaction's change to the same row that committed first.
     * Taken once, so that every column set to it, and the audit row, hold one time.
     */
    static final String CHANGED_AT = "(SELECT clock_timestamp() AS at) AS changed";

    private final String resourceType;
    private final Rows.Reader<T> reader;
    private final Function<T, String> label;
    private final AuditTrail auditTrail;

    private final String lock;
    private final String softDelete;
    private final String restore;
    final String findLive;
    final String listDeleted;

    /**
     * @param table        the table, e.g. {@code customers}
     * @param columns      the columns {@code reader} reads, comma-separated
     * @param resourceType the audit rows' {@code resource_type} and the word errors use, e.g. {@code customer}
     * @param label        what names a row to a person, e.g. a customer's name
     */
    AuditedTable(String table, String columns, String resourceType, Rows.Reader<T> reader, Function<T, String> label,
                 AuditTrail auditTrail) {
        this.resourceType = resourceType;
        this.reader = reader;
        this.label = label;
        this.auditTrail = auditTrail;
        this.lock = "SELECT %s FROM %s WHERE id = ? FOR NO KEY UPDATE".formatted(columns, table);
        this.softDelete = """
                UPDATE %s SET deleted_at = changed.at, deleted_by = ?, updated_at = changed.at, updated_by = ?
                FROM %s
                WHERE id = ?
                RETURNING %s""".formatted(table, CHANGED_AT, columns);
        this.restore = """
                UPDATE %s SET deleted_at = NULL, deleted_by = NULL, updated_at = changed.at, updated_by = ?
                FROM %s
                WHERE id = ?
                RETURNING %s""".formatted(table, CHANGED_AT, columns);
        // The primary key finds the row; deleted_at is checked on it.
        this.findLive = "SELECT %s FROM %s WHERE id = ? AND deleted_at IS NULL".formatted(columns, table);
        // Expects ix_<table>_deleted_at, scanned backwards: it holds the deleted rows' times (and NULLs, which
        // the IS NOT NULL condition skips), so the newest deletions come first and the scan stops at the limit.
        this.listDeleted = """
                SELECT %s FROM %s
                WHERE deleted_at IS NOT NULL
                ORDER BY deleted_at DESC""".formatted(columns, table);
    }

    String label(T row) {
        return label.apply(row);
    }

    /** Locks the row for a change; it must exist and be live. */
    T lockLive(Connection connection, UUID id) throws SQLException {
        T row = lockAny(connection, id);
        if (row.isDeleted()) {
            throw new SoftDeletedException(resourceType, id, label(row), row.deletedAt(), row.deletedBy());
        }
        return row;
    }

    /** Locks the row for a restore; it must exist and be soft-deleted. */
    T lockDeleted(Connection connection, UUID id) throws SQLException {
        T row = lockAny(connection, id);
        if (!row.isDeleted()) {
            throw new NotDeletedException(resourceType, id, label(row));
        }
        return row;
    }

    private T lockAny(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(lock)) {
            query.setObject(1, id);
            return Rows.one(query, reader).orElseThrow(() -> new NotFoundException(resourceType, id));
        }
    }

    T softDelete(Connection connection, Actor actor, UUID id) throws SQLException {
        T before = lockLive(connection, id);
        T after;
        try (PreparedStatement update = connection.prepareStatement(softDelete)) {
            Rows.setUuid(update, 1, actor.userId());
            Rows.setUuid(update, 2, actor.userId());
            update.setObject(3, id);
            after = Rows.one(update, reader).orElseThrow();
        }
        audit(connection, actor, "delete", after, "Soft-deleted " + resourceType + " '" + label(after) + "'",
                deletion(before, after));
        return after;
    }

    T restore(Connection connection, Actor actor, UUID id) throws SQLException {
        T before = lockDeleted(connection, id);
        T after;
        try (PreparedStatement update = connection.prepareStatement(restore)) {
            Rows.setUuid(update, 1, actor.userId());
            update.setObject(2, id);
            after = Rows.one(update, reader).orElseThrow();
        }
        audit(connection, actor, "restore", after, "Restored " + resourceType + " '" + label(after) + "'",
                deletion(before, after));
        return after;
    }

    Optional<T> findLive(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(findLive)) {
            query.setObject(1, id);
            return Rows.one(query, reader);
        }
    }

    List<T> deleted(Connection connection, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(Rows.limitedTo(listDeleted, limit))) {
            return Rows.all(query, reader);
        }
    }

    /**
     * Writes the audit row of a change to {@code row}, on the connection (and in the transaction) of the change, at
     * the row's {@code updated_at}: the entry's time is the change's.
     */
    void audit(Connection connection, Actor actor, String action, T row, String description, ChangedFields changes)
            throws SQLException {
        AuditEntry entry = AuditEntry.event(action, resourceType, row.id().toString(), description)
                .withValues(changes.before(), changes.after());
        auditTrail.record(connection, actor, entry, row.updatedAt());
    }

    private ChangedFields deletion(T before, T after) {
        return new ChangedFields()
                .compare("deleted_at", before.deletedAt(), after.deletedAt())
                .compare("deleted_by", before.deletedBy(), after.deletedBy());
    }
}
