package dev.retort.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The audit trail: writes one {@code audit_logs} row per event and reads the trail back.
 *
 * <p>An entry that records a change is written with {@link #record(Connection, Actor, AuditEntry)} on the
 * connection, and so in the transaction, that makes the change: the change and its entry commit together or
 * not at all. {@link #record(Actor, AuditEntry)} is for events with no change of their own (a login, a refused
 * attempt) and takes a transaction of its own.
 *
 * <p>Reads skip entries hidden from the trail ({@code deleted_at} set, e.g. by a retention rule).
 * As thread-safe as its {@link Transactions}: the object mapper is configured once and only used after.
 */
public final class AuditTrail {

    static final String INSERT = """
            WITH written AS (SELECT coalesce(?::timestamptz, clock_timestamp()) AS at)
            INSERT INTO audit_logs (created_at, updated_at, action, resource_type, resource_id, description, user_id,
                                    user_email, user_role, ip_address, user_agent, old_values, new_values, success,
                                    error_message)
            VALUES ((SELECT at FROM written), (SELECT at FROM written), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb,
                    ?, ?)
            RETURNING id
            """;

    private static final String COLUMNS = """
            id, created_at, action, resource_type, resource_id, description, user_id, user_email, user_role,
            ip_address, user_agent, old_values, new_values, success, error_message""";

    /**
     * Expects ix_audit_logs_user_id (or ix_audit_logs_user_action, which leads with user_id) to find the user's
     * entries, then a top-N sort on created_at: no index has (user_id, created_at), so every entry of the user is
     * read before the newest are picked.
     */
    static final String BY_USER = """
            SELECT %s
            FROM audit_logs
            WHERE user_id = ? AND deleted_at IS NULL
            ORDER BY created_at DESC""".formatted(COLUMNS);

    /** Expects ix_audit_logs_created_at, scanned backwards from now and stopped after the limit. */
    static final String RECENT = """
            SELECT %s
            FROM audit_logs
            WHERE created_at >= now() - make_interval(secs => ?) AND deleted_at IS NULL
            ORDER BY created_at DESC""".formatted(COLUMNS);

    /** Expects ix_audit_logs_resource (resource_type, resource_id), then a top-N sort on created_at. */
    static final String FOR_RESOURCE = """
            SELECT %s
            FROM audit_logs
            WHERE resource_type = ? AND resource_id = ? AND deleted_at IS NULL
            ORDER BY created_at DESC""".formatted(COLUMNS);

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final Transactions transactions;
    private final ObjectMapper json = new ObjectMapper();

    public AuditTrail(Transactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /**
     * Writes {@code entry} and returns the new row's id: in a transaction of its own, unless called inside an
     * {@link Transactions#inTransaction} of this thread over the same data source, which it then joins (see
     * {@link Transactions}), and so commits or rolls back with. An entry that must outlive that transaction (a
     * refused attempt, say) is recorded after it ends.
     */
    public UUID record(Actor actor, AuditEntry entry) {
        return transactions.inTransaction(connection -> record(connection, actor, entry));
    }

    /**
     * Writes {@code entry} on {@code connection}, inside whatever transaction it is in, and returns the row's id. Its
     * time is when it is written ({@code clock_timestamp()}, not the transaction's start), so that entries about one
     * row are in the order its changes were applied. A text too long for its column fails with an SQLException
     * whose cause is the driver's, and which carries what {@link Transactions} needs to name the field.
     */
    public UUID record(Connection connection, Actor actor, AuditEntry entry) throws SQLException {
        return record(connection, actor, entry, null);
    }

    /** As above, at {@code at}, the time of the change it records; null for now. */
    UUID record(Connection connection, Actor actor, AuditEntry entry, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            TableWrite write = new TableWrite("audit_logs", insert)
                    .text(2, "action", entry.action())
                    .text(3, "resource_type", entry.resourceType())
                    .text(4, "resource_id", entry.resourceId())
                    .text(5, "description", entry.description())
                    .text(7, "user_email", actor.email())
                    .text(8, "user_role", actor.role())
                    .text(9, "ip_address", actor.ipAddress())
                    .text(10, "user_agent", actor.userAgent())
                    .text(14, "error_message", entry.errorMessage());
            insert.setObject(1, at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            Rows.setUuid(insert, 6, actor.userId());
            setJson(insert, 11, entry.oldValues());
            setJson(insert, 12, entry.newValues());
            insert.setBoolean(13, entry.success());
            return write.returning(row -> Rows.uuid(row, "id"));
        }
    }

    /**
     * The user's entries, newest first, at most {@code limit}: what they did, not what was done to them. The limit
     * is written into the SQL (a statement per limit): pass a fixed one.
     */
    public List<AuditRecord> byUser(UUID userId, int limit) {
        Objects.requireNonNull(userId, "userId");
        return transactions.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(Rows.limitedTo(BY_USER, limit))) {
                query.setObject(1, userId);
                return Rows.all(query, this::read);
            }
        });
    }

    /**
     * Entries written within {@code window} of the database's clock, newest first, at most {@code limit} (written
     * into the SQL: pass a fixed one).
     */
    public List<AuditRecord> recent(Duration window, int limit) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative: " + window);
        }
        return transactions.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(Rows.limitedTo(RECENT, limit))) {
                query.setDouble(1, window.getSeconds() + window.getNano() / 1e9); // toNanos overflows past 292 years
                return Rows.all(query, this::read);
            }
        });
    }

    /** What happened to one resource, newest first, at most {@code limit}. */
    public List<AuditRecord> forResource(String resourceType, String resourceId, int limit) {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        return transactions.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(Rows.limitedTo(FOR_RESOURCE, limit))) {
                query.setString(1, resourceType);
                query.setString(2, resourceId);
                return Rows.all(query, this::read);
            }
        });
    }

    private AuditRecord read(ResultSet row) throws SQLException {
        UUID id = Rows.uuid(row, "id");
        return new AuditRecord(id, Rows.instant(row, "created_at"), row.getString("action"),
                row.getString("resource_type"), row.getString("resource_id"), row.getString("description"),
                Rows.uuid(row, "user_id"), row.getString("user_email"), row.getString("user_role"),
                row.getString("ip_address"), row.getString("user_agent"), parse(row.getString("old_values"), id),
                parse(row.getString("new_values"), id), row.getBoolean("success"), row.getString("error_message"));
    }

    private void setJson(PreparedStatement statement, int index, Map<String, Object> values) throws SQLException {
        if (values == null) {
            statement.setNull(index, Types.VARCHAR);
            return;
        }
        try {
            statement.setString(index, json.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit values must be strings, numbers, booleans or null: " + values, e);
        }
    }

    private Map<String, Object> parse(String text, UUID entry) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new DataException("audit entry " + entry + " holds values that are not a JSON object (" + text
                    + "); this layer writes only objects, so another writer wrote it", null, e);
        }
    }
}
