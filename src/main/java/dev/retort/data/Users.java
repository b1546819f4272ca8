package dev.retort.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * User accounts, with the seed's patterns: every change audited in the same transaction, soft delete and restore,
 * the sign-in lookup of a live, active user by email.
 *
 * <p>As for {@link Customers}: each change and its audit row commit together or not at all, and a refusal is a
 * {@link DataException} thrown after the rollback. As thread-safe as its {@link Transactions}.
 */
public final class Users {

    static final String COLUMNS = """
            id, email, full_name, role, is_active, is_2fa_enabled, created_at, updated_at, created_by, updated_by, \
            last_login_at, deleted_at, deleted_by""";

    static final String INSERT = """
            INSERT INTO users (email, password_hash, full_name, role, created_by)
            VALUES (?, ?, ?, ?::user_role, ?)
            RETURNING %s""".formatted(COLUMNS);

    static final String UPDATE = """
            UPDATE users
            SET full_name = ?, role = ?::user_role, is_active = ?, updated_at = changed.at, updated_by = ?
            FROM %s
            WHERE id = ?
            RETURNING %s""".formatted(AuditedTable.CHANGED_AT, COLUMNS);

    /**
     * The seed's sign-in check. Expects ix_users_email_active (email, is_active), both columns matched; the
     * unique index behind uq_users_email would serve as well, since it too leads with email.
     */
    static final String ACTIVE_BY_EMAIL = """
            SELECT %s FROM users
            WHERE email = ? AND deleted_at IS NULL AND is_active""".formatted(COLUMNS);

    private final Transactions transactions;
    /** Package-visible so that tests can read its SQL. */
    final AuditedTable<User> table;

    public Users(Transactions transactions, AuditTrail auditTrail) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.table = new AuditedTable<>("users", COLUMNS, "user", Users::read, User::email,
                Objects.requireNonNull(auditTrail, "auditTrail"));
    }

    /**
     * Creates the account, created by {@code actor} ({@link Actor#system()} for the first administrator or a
     * self sign-up), with a {@code create} audit row of its fields, the password hash left out.
     */
    public User create(Actor actor, NewUser user) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(user, "user");
        return transactions.inTransaction(connection -> {
            User created = insert(connection, actor, user);
            table.audit(connection, actor, "create", created,
                    "Created user " + created.email() + " (" + created.role() + ")", createdFields(created));
            return created;
        });
    }

    /**
     * Applies {@code changes} to a live user, with an {@code update} audit row of the fields that changed. The
     * audit row and the user returned hold the values as PostgreSQL stored them, which may differ from those given
     * (a varchar(n) drops the spaces past its n-th character). Changes that change nothing write nothing, audit
     * row included, and return the user as it is.
     */
    public User update(Actor actor, UUID id, UserChanges changes) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(changes, "changes");
        return transactions.inTransaction(connection -> {
            User current = table.lockLive(connection, id);
            if (changedFields(current, changes.fullNameFor(current), changes.roleFor(current),
                    changes.activeFor(current)).isEmpty()) {
                return current;
            }
            User updated = write(connection, actor, id, changes, current);
            // What the UPDATE returned, not what was sent: PostgreSQL may store other than it was given.
            ChangedFields stored = changedFields(current, updated.fullName(), updated.role(), updated.active());
            table.audit(connection, actor, "update", updated,
                    "Updated user " + updated.email() + ": " + stored.names(), stored);
            return updated;
        });
    }

    /** Soft-deletes a live user ({@code deleted_at} the time it is applied, {@code deleted_by} the actor), audited. */
    public User softDelete(Actor actor, UUID id) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        return transactions.inTransaction(connection -> table.softDelete(connection, actor, id));
    }

    /** Brings a soft-deleted user back (both deletion columns cleared), audited; a live one is refused. */
    public User restore(Actor actor, UUID id) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        return transactions.inTransaction(connection -> table.restore(connection, actor, id));
    }

    /** The user if it exists and is live (active or not); a soft-deleted one is not found. */
    public Optional<User> find(UUID id) {
        Objects.requireNonNull(id, "id");
        return transactions.withConnection(connection -> table.findLive(connection, id));
    }

    /** The user who may sign in with {@code email}: live and active. Emails are compared as stored. */
    public Optional<User> activeByEmail(String email) {
        Objects.requireNonNull(email, "email");
        return transactions.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(ACTIVE_BY_EMAIL)) {
                query.setString(1, email);
                return Rows.one(query, Users::read);
            }
        });
    }

    /** Soft-deleted users only, the most recently deleted first. */
    public List<User> deleted(int limit) {
        return transactions.withConnection(connection -> table.deleted(connection, limit));
    }

    private User insert(Connection connection, Actor actor, NewUser user) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            TableWrite write = new TableWrite("users", insert)
                    .text(1, "email", user.email())
                    .text(2, "password_hash", user.passwordHash())
                    .text(3, "full_name", user.fullName());
            insert.setString(4, user.role());
            Rows.setUuid(insert, 5, actor.userId());
            return write.returning(Users::read);
        }
    }

    private User write(Connection connection, Actor actor, UUID id, UserChanges changes, User current)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            TableWrite write = new TableWrite("users", update).text(1, "full_name", changes.fullNameFor(current));
            update.setString(2, changes.roleFor(current));
            update.setBoolean(3, changes.activeFor(current));
            Rows.setUuid(update, 4, actor.userId());
            update.setObject(5, id);
            return write.returning(Users::read);
        }
    }

    /** The fields an update may change that differ from {@code current}'s. */
    private static ChangedFields changedFields(User current, String fullName, String role, boolean active) {
        return new ChangedFields()
                .compare("full_name", current.fullName(), fullName)
                .compare("role", current.role(), role)
                .compare("is_active", current.active(), active);
    }

    /** Never the password hash or the TOTP secret: the audit trail is read by more people than the table. */
    private static ChangedFields createdFields(User user) {
        return new ChangedFields()
                .created("email", user.email())
                .created("full_name", user.fullName())
                .created("role", user.role())
                .created("is_active", user.active());
    }

    private static User read(ResultSet row) throws SQLException {
        return new User(Rows.uuid(row, "id"), row.getString("email"), row.getString("full_name"),
                row.getString("role"), row.getBoolean("is_active"), row.getBoolean("is_2fa_enabled"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"), Rows.uuid(row, "created_by"),
                Rows.uuid(row, "updated_by"), Rows.instant(row, "last_login_at"), Rows.instant(row, "deleted_at"),
                Rows.uuid(row, "deleted_by"));
    }
}
