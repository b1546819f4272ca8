package dev.retort.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Customers, with the seed's patterns: every change audited in the same transaction, soft delete and restore,
 * reads of live rows only or of deleted rows only.
 *
 * <p>Each change is one transaction holding the change and its audit row: both are written or neither. A
 * refusal (an unknown id, a deleted or a live row, a value a check or an enum refuses, a text too long for its
 * column, an actor who is no user) is a {@link DataException} thrown after that transaction has been rolled back.
 * In a transaction the caller already has open, the change joins it instead, and a refusal rolls back only the
 * change: see {@link Transactions}.
 *
 * <p>Holds only SQL text and its collaborators, so it is as thread-safe as its {@link Transactions}: shared by
 * any number of threads over a data source, one thread at a time over {@link Transactions#on one connection}.
 * Statements are prepared per call with fixed SQL, so the driver reuses them: pgjdbc keeps a cache of prepared
 * statements per connection and prepares one on the server from its fifth use.
 */
public final class Customers {

    static final String COLUMNS = """
            id, name, email, phone, customer_type, status, company_name, tax_id, address, city, country, \
            postal_code, created_at, updated_at, created_by, updated_by, deleted_at, deleted_by""";

    static final String INSERT = """
            INSERT INTO customers (name, email, phone, customer_type, company_name, tax_id, address, city, country,
                                   postal_code, created_by)
            VALUES (?, ?, ?, ?::customer_type_enum, ?, ?, ?, ?, ?, ?, ?)
            RETURNING %s""".formatted(COLUMNS);

    static final String UPDATE = """
            UPDATE customers
            SET name = ?, phone = ?, status = ?::customer_status_enum, updated_at = changed.at, updated_by = ?
            FROM %s
            WHERE id = ?
            RETURNING %s""".formatted(AuditedTable.CHANGED_AT, COLUMNS);

    /**
     * The seed's indexes serve it whichever way the planner weighs them, by how common the type is. When few
     * customers match, ix_customers_status_type (status, customer_type) finds them with both columns matched by
     * equality (or ix_customers_customer_type, smaller, when status filters out little), and a top-N sort on
     * created_at keeps the newest. When many match, ix_customers_created_at read backwards yields the newest first
     * and stops as soon as {@code limit} of them pass the filter. No index of the seed's has (customer_type,
     * created_at) over the active rows, which would serve both cases without a sort or a filter: the bench's
     * proposed revision 007 adds it.
     *
     * <p>A template: the columns, then the type, which is written into the SQL like the limit (see
     * {@link #activeOfType}).
     */
    private static final String ACTIVE_OF_TYPE = """
            SELECT %s FROM customers
            WHERE status = 'active' AND customer_type = '%s'::customer_type_enum AND deleted_at IS NULL
            ORDER BY created_at DESC""";

    /** What an enum label of this schema looks like; anything else is refused before it could reach the SQL. */
    private static final Pattern ENUM_LABEL = Pattern.compile("[a-z][a-z0-9_]*");

    private final Transactions transactions;
    /** Package-visible so that tests can read its SQL. */
    final AuditedTable<Customer> table;

    public Customers(Transactions transactions, AuditTrail auditTrail) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.table = new AuditedTable<>("customers", COLUMNS, "customer", Customers::read, Customer::name,
                Objects.requireNonNull(auditTrail, "auditTrail"));
    }

    /** Creates the customer, created by {@code actor}, with a {@code create} audit row of its fields. */
    public Customer create(Actor actor, NewCustomer customer) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(customer, "customer");
        return transactions.inTransaction(connection -> {
            Customer created = insert(connection, actor, customer);
            table.audit(connection, actor, "create", created, "Created customer '" + created.name() + "'",
                    createdFields(created));
            return created;
        });
    }

    /**
     * Applies {@code changes} to a live customer, with an {@code update} audit row of the fields that changed. The
     * audit row and the customer returned hold the values as PostgreSQL stored them, which may differ from those given
     * (a varchar(n) drops the spaces past its n-th character). Changes that change nothing write nothing, audit
     * row included, and return the customer as it is.
     */
    public Customer update(Actor actor, UUID id, CustomerChanges changes) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(changes, "changes");
        return transactions.inTransaction(connection -> {
            Customer current = table.lockLive(connection, id);
            if (changedFields(current, changes.nameFor(current), changes.phoneFor(current),
                    changes.statusFor(current)).isEmpty()) {
                return current;
            }
            Customer updated = write(connection, actor, id, changes, current);
            // What the UPDATE returned, not what was sent: PostgreSQL may store other than it was given.
            ChangedFields stored = changedFields(current, updated.name(), updated.phone(), updated.status());
            table.audit(connection, actor, "update", updated,
                    "Updated customer '" + updated.name() + "': " + stored.names(), stored);
            return updated;
        });
    }

    /** Soft-deletes a live customer ({@code deleted_at} the time it is applied, {@code deleted_by} the actor), audited. */
    public Customer softDelete(Actor actor, UUID id) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        return transactions.inTransaction(connection -> table.softDelete(connection, actor, id));
    }

    /** Brings a soft-deleted customer back (both deletion columns cleared), audited; a live one is refused. */
    public Customer restore(Actor actor, UUID id) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(id, "id");
        return transactions.inTransaction(connection -> table.restore(connection, actor, id));
    }

    /** The customer if it exists and is live; a soft-deleted one is not found. */
    public Optional<Customer> find(UUID id) {
        Objects.requireNonNull(id, "id");
        return transactions.withConnection(connection -> table.findLive(connection, id));
    }

    /**
     * Live customers with status {@code active} of one {@code customer_type_enum} value, newest first.
     *
     * <p>The type is written into the SQL as a literal, one statement per type, so that each gets a plan of its own
     * that PostgreSQL makes once: with the type as a bind parameter, either every execution is planned afresh, or
     * one generic plan serves every type, and the plan that is right for a common type (walk created_at) is wrong
     * for a rare one. A value that is not a lowercase word is refused here, without the list of valid values that
     * only the database has; any other that the enum does not hold is refused by PostgreSQL, which names them. Each
     * type and limit is a statement of its own, cached by pgjdbc: pass a fixed limit, not one a user chose.
     */
    public List<Customer> activeOfType(String customerType, int limit) {
        String sql = activeOfTypeSql(customerType, limit);
        return transactions.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                return Rows.all(query, Customers::read);
            }
        });
    }

    /** The SQL that {@link #activeOfType} runs. */
    static String activeOfTypeSql(String customerType, int limit) {
        Objects.requireNonNull(customerType, "customerType");
        if (!ENUM_LABEL.matcher(customerType).matches()) {
            throw new InvalidEnumValueException("customer_type_enum", customerType, List.of(), null);
        }
        return Rows.limitedTo(ACTIVE_OF_TYPE.formatted(COLUMNS, customerType), limit);
    }

    /** Soft-deleted customers only, the most recently deleted first. */
    public List<Customer> deleted(int limit) {
        return transactions.withConnection(connection -> table.deleted(connection, limit));
    }

    private Customer insert(Connection connection, Actor actor, NewCustomer customer) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            TableWrite write = new TableWrite("customers", insert)
                    .text(1, "name", customer.name())
                    .text(2, "email", customer.email())
                    .text(3, "phone", customer.phone())
                    .text(5, "company_name", customer.companyName())
                    .text(6, "tax_id", customer.taxId())
                    .text(7, "address", customer.address())
                    .text(8, "city", customer.city())
                    .text(9, "country", customer.country())
                    .text(10, "postal_code", customer.postalCode());
            insert.setString(4, customer.customerType());
            Rows.setUuid(insert, 11, actor.userId());
            return write.returning(Customers::read);
        }
    }

    private Customer write(Connection connection, Actor actor, UUID id, CustomerChanges changes, Customer current)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            TableWrite write = new TableWrite("customers", update)
                    .text(1, "name", changes.nameFor(current))
                    .text(2, "phone", changes.phoneFor(current));
            update.setString(3, changes.statusFor(current));
            Rows.setUuid(update, 4, actor.userId());
            update.setObject(5, id);
            return write.returning(Customers::read);
        }
    }

    /** The fields an update may change that differ from {@code current}'s. */
    private static ChangedFields changedFields(Customer current, String name, String phone, String status) {
        return new ChangedFields()
                .compare("name", current.name(), name)
                .compare("phone", current.phone(), phone)
                .compare("status", current.status(), status);
    }

    private static ChangedFields createdFields(Customer customer) {
        return new ChangedFields()
                .created("name", customer.name())
                .created("email", customer.email())
                .created("phone", customer.phone())
                .created("customer_type", customer.customerType())
                .created("status", customer.status())
                .created("company_name", customer.companyName())
                .created("tax_id", customer.taxId())
                .created("address", customer.address())
                .created("city", customer.city())
                .created("country", customer.country())
                .created("postal_code", customer.postalCode());
    }

    private static Customer read(ResultSet row) throws SQLException {
        return new Customer(Rows.uuid(row, "id"), row.getString("name"), row.getString("email"),
                row.getString("phone"), row.getString("customer_type"), row.getString("status"),
                row.getString("company_name"), row.getString("tax_id"), row.getString("address"),
                row.getString("city"), row.getString("country"), row.getString("postal_code"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"), Rows.uuid(row, "created_by"),
                Rows.uuid(row, "updated_by"), Rows.instant(row, "deleted_at"), Rows.uuid(row, "deleted_by"));
    }
}
