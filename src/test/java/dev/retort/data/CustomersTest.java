package dev.retort.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.retort.data.DataLayerDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class CustomersTest {

    private static DataLayerDatabase db;
    private static Actor admin;
    private static Customers customers;

    @BeforeAll
    static void migrateToHead() {
        db = DataLayerDatabase.atHead("data_customers");
        admin = db.newAdmin();
        customers = db.customers;
    }

    private static Customer newCustomer(String type) {
        return customers.create(admin, NewCustomer.of("Customer " + UUID.randomUUID(), "c@example.com", type));
    }

    @Test
    void createWritesTheRowAndACreateAuditRowOfItsFields() throws SQLException {
        Customer acme = customers.create(admin, NewCustomer.of("Acme Ltd", "billing@acme.example", "business")
                .withPhone("+44 20 7946 0018"));

        assertThat(acme.status()).isEqualTo("active");
        assertThat(acme.createdBy()).isEqualTo(admin.userId());
        assertThat(acme.updatedBy()).isNull();
        List<Map<String, String>> audit = db.auditRows(acme.id());
        assertThat(audit).hasSize(1);
        Map<String, String> created = audit.get(0);
        assertThat(created).contains(entry("action", "create"), entry("resource_type", "customer"),
                entry("description", "Created customer 'Acme Ltd'"), entry("user_id", admin.userId().toString()),
                entry("user_email", admin.email()), entry("user_role", "admin"), entry("ip_address", "203.0.113.7"),
                entry("user_agent", "Mozilla/5.0 (test)"), entry("success", "t"));
        assertThat(created.get("old_values")).isNull();
        assertThat(json(created.get("new_values"))).isEqualTo(Map.of("name", "Acme Ltd",
                "email", "billing@acme.example", "phone", "+44 20 7946 0018", "customer_type", "business",
                "status", "active"));
    }

    @Test
    void updateAuditsOnlyTheFieldsThatChanged() throws SQLException {
        Customer customer = customers.create(admin, NewCustomer.of("Bea Baker", "bea@example.com", "individual")
                .withPhone("+1 555 010 0199"));

        Customer updated = customers.update(admin, customer.id(),
                CustomerChanges.none().withName("Bea Baker").withPhone(null).withStatus("suspended"));

        assertThat(updated.phone()).isNull();
        assertThat(updated.status()).isEqualTo("suspended");
        assertThat(updated.updatedBy()).isEqualTo(admin.userId());
        Map<String, String> audit = db.auditRows(customer.id()).get(1);
        assertThat(audit).contains(entry("action", "update"),
                entry("description", "Updated customer 'Bea Baker': phone, status"));
        assertThat(json(audit.get("old_values")))
                .isEqualTo(Map.of("phone", "+1 555 010 0199", "status", "active"));
        Map<String, Object> expectedNew = new java.util.HashMap<>();
        expectedNew.put("phone", null);
        expectedNew.put("status", "suspended");
        assertThat(json(audit.get("new_values"))).isEqualTo(expectedNew);
    }

    /** A varchar(255) drops the spaces past its 255th character: the audit row records what the table holds. */
    @Test
    void updateAuditsAndReturnsTheValueStoredNotTheValueSent() throws SQLException {
        Customer customer = newCustomer("business");
        String sent = "Cole & Co" + " ".repeat(300);
        String stored = sent.substring(0, 255);

        Customer updated = customers.update(admin, customer.id(),
                CustomerChanges.none().withName(sent).withStatus("inactive"));

        assertThat(db.row("customers", customer.id())).containsEntry("name", stored);
        assertThat(updated.name()).isEqualTo(stored);
        assertThat(customers.find(customer.id())).contains(updated);
        Map<String, String> audit = db.auditRows(customer.id()).get(1);
        assertThat(audit).containsEntry("description", "Updated customer '" + stored + "': name, status");
        assertThat(json(audit.get("old_values"))).isEqualTo(Map.of("name", customer.name(), "status", "active"));
        assertThat(json(audit.get("new_values"))).isEqualTo(Map.of("name", stored, "status", "inactive"));
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");

        Customer same = customers.update(admin, customer.id(),
                CustomerChanges.none().withName(customer.name()).withStatus("active"));

        assertThat(same).isEqualTo(customer);
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create");
    }

    @Test
    void softDeleteThenRestoreRoundTripsWithAnAuditRowEach() throws SQLException {
        Customer customer = newCustomer("business");

        Customer deleted = customers.softDelete(admin, customer.id());

        assertThat(deleted.deletedAt()).isNotNull();
        assertThat(deleted.deletedBy()).isEqualTo(admin.userId());
        assertThat(customers.find(customer.id())).isEmpty();
        assertThat(db.row("customers", customer.id())).containsEntry("deleted_by", admin.userId().toString());

        Customer restored = customers.restore(admin, customer.id());

        assertThat(restored.deletedAt()).isNull();
        assertThat(restored.deletedBy()).isNull();
        assertThat(restored.updatedBy()).isEqualTo(admin.userId());
        assertThat(customers.find(customer.id())).contains(restored);
        assertThat(db.row("customers", customer.id())).containsEntry("deleted_at", null).containsEntry("deleted_by", null);

        List<Map<String, String>> audit = db.auditRows(customer.id());
        assertThat(audit).extracting(row -> row.get("action")).containsExactly("create", "delete", "restore");
        Map<String, Object> live = new java.util.HashMap<>();
        live.put("deleted_at", null);
        live.put("deleted_by", null);
        Map<String, Object> gone = Map.of("deleted_at", deleted.deletedAt().toString(),
                "deleted_by", admin.userId().toString());
        assertThat(json(audit.get(1).get("old_values"))).isEqualTo(live);
        assertThat(json(audit.get(1).get("new_values"))).isEqualTo(gone);
        assertThat(json(audit.get(2).get("old_values"))).isEqualTo(gone);
        assertThat(json(audit.get(2).get("new_values"))).isEqualTo(live);
        assertThat(audit.get(1).get("description")).isEqualTo("Soft-deleted customer '" + customer.name() + "'");
        // The audit row is written at the change's time.
        assertThat(db.value("""
                SELECT (a.new_values ->> 'deleted_at')::timestamptz = a.created_at
                FROM audit_logs a WHERE a.resource_id = ? AND a.action = 'delete'
                """, customer.id().toString())).isEqualTo("t");
    }

    @Test
    void theTrailIsInTheOrderTheChangesWereAppliedEvenWhenTheLastOnesTransactionBeganFirst() throws SQLException {
        Customer customer = newCustomer("individual");
        Customer restored;
        try (Connection connection = db.database.connect()) {
            connection.setAutoCommit(false);
            Transactions early = Transactions.on(connection);
            Customers slow = new Customers(early, new AuditTrail(early));
            slow.find(customer.id()); // its transaction begins, and now() with it
            Customer deleted = customers.softDelete(admin, customer.id()); // another request's, committed meanwhile

            restored = slow.restore(admin, customer.id());
            connection.commit();
            assertThat(restored.updatedAt()).isAfter(deleted.deletedAt());
        }

        assertThat(db.auditTrail.forResource("customer", customer.id().toString(), 10))
                .extracting(AuditRecord::action).containsExactly("restore", "delete", "create");
        assertThat(db.auditTrail.forResource("customer", customer.id().toString(), 1).get(0).createdAt())
                .isEqualTo(restored.updatedAt());
        assertThat(db.value("SELECT bool_and(updated_at = created_at) FROM audit_logs WHERE resource_id = ?",
                customer.id().toString())).as("an entry not corrected since has one time").isEqualTo("t");
    }

    @Test
    void findAndActiveOfTypeSeeLiveRowsOnlyAndDeletedSeesDeletedOnly() {
        Customer older = newCustomer("business");
        Customer newer = newCustomer("business");
        Customer suspended = newCustomer("business");
        customers.update(admin, suspended.id(), CustomerChanges.none().withStatus("suspended"));
        Customer gone = newCustomer("business");
        customers.softDelete(admin, gone.id());
        Customer individual = newCustomer("individual");

        assertThat(customers.find(gone.id())).isEmpty();
        assertThat(customers.find(suspended.id())).isPresent();
        List<UUID> active = customers.activeOfType("business", 1000).stream().map(Customer::id).toList();
        assertThat(active).contains(newer.id(), older.id())
                .doesNotContain(suspended.id(), gone.id(), individual.id());
        assertThat(active.indexOf(newer.id())).isLessThan(active.indexOf(older.id()));
        assertThat(customers.activeOfType("business", 1)).extracting(Customer::id).containsExactly(newer.id());

        List<Customer> deleted = customers.deleted(1000);
        assertThat(deleted).allSatisfy(customer -> assertThat(customer.isDeleted()).isTrue());
        assertThat(deleted).extracting(Customer::id).contains(gone.id());
        Customer goneLater = newCustomer("individual");
        customers.softDelete(admin, goneLater.id());
        assertThat(customers.deleted(1)).extracting(Customer::id).containsExactly(goneLater.id());
    }

    @Test
    void anUnknownIdIsNotFoundForEveryChange() {
        UUID nobody = UUID.randomUUID();

        assertThatThrownBy(() -> customers.update(admin, nobody, CustomerChanges.none().withName("X")))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no customer has id " + nobody + " (soft-deleted ones included): check the id");
        assertThatThrownBy(() -> customers.softDelete(admin, nobody)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> customers.restore(admin, nobody)).isInstanceOf(NotFoundException.class);
        assertThat(customers.find(nobody)).isEmpty();
    }

    @Test
    void softDeletingADeletedCustomerIsRefusedAndWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");
        Customer deleted = customers.softDelete(admin, customer.id());
        Map<String, String> before = db.row("customers", customer.id());

        assertThatThrownBy(() -> customers.softDelete(admin, customer.id()))
                .isInstanceOf(SoftDeletedException.class)
                .hasMessage("customer " + customer.id() + " (" + customer.name() + ") was soft-deleted at "
                        + deleted.deletedAt() + " by user " + admin.userId()
                        + ": restore it before changing or deleting it");
        assertThatThrownBy(() -> customers.update(admin, customer.id(), CustomerChanges.none().withName("New")))
                .isInstanceOf(SoftDeletedException.class);

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create", "delete");
    }

    @Test
    void restoringALiveCustomerIsRefusedAndWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());

        assertThatThrownBy(() -> customers.restore(admin, customer.id()))
                .isInstanceOf(NotDeletedException.class)
                .hasMessage("customer " + customer.id() + " (" + customer.name()
                        + ") is not deleted, so there is nothing to restore");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create");
    }

    @Test
    void aPhoneTheCheckRefusesNamesTheConstraintAndFieldAndWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());

        assertThatThrownBy(() -> customers.update(admin, customer.id(), CustomerChanges.none().withPhone("12")))
                .isInstanceOfSatisfying(CheckViolationException.class, refused -> {
                    assertThat(refused.constraint()).isEqualTo("ck_customers_phone_format");
                    assertThat(refused.table()).isEqualTo("customers");
                    assertThat(refused.column()).isEqualTo("phone");
                    assertThat(refused.sqlState()).isEqualTo("23514");
                })
                .hasMessage("customers.phone was refused by check constraint ck_customers_phone_format: a phone"
                        + " number has 7 to 15 digits, an optional leading +, and only spaces, dots, hyphens and"
                        + " parentheses between them");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void aNewCustomerTheChecksRefuseLeavesNoRowAndNoAuditRow() throws SQLException {
        String name = "Postal " + UUID.randomUUID();

        assertThatThrownBy(() -> customers.create(admin,
                NewCustomer.of(name, "p@example.com", "individual").withPostalCode("12")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessageStartingWith("customers.postal_code was refused by check constraint"
                        + " ck_customers_postal_code_length: ");

        assertThat(db.value("SELECT count(*) FROM customers WHERE name = ?", name)).isEqualTo("0");
        assertThat(db.value("SELECT count(*) FROM audit_logs WHERE description LIKE ?", "%" + name + "%"))
                .isEqualTo("0");
    }

    /**
     * Each column has its own limit: a city of 100 characters fits its varchar(128), a name long only by spaces is
     * stored without them, and only the tax id and the country are too long.
     */
    @Test
    void aNewCustomerWithValuesTooLongNamesOnlyTheFieldsTooLongForTheirOwnColumns() throws SQLException {
        String name = "Wide " + UUID.randomUUID();
        NewCustomer wide = new NewCustomer(name + " ".repeat(300), "w@example.com", null, "business", null,
                "T".repeat(70), null, "C".repeat(100), "N".repeat(65), null);

        assertThatThrownBy(() -> customers.create(admin, wide))
                .isInstanceOfSatisfying(ValueTooLongException.class, refused -> assertThat(refused.fields())
                        .extracting(ValueTooLongException.Field::column).containsExactly("tax_id", "country"))
                .hasMessage("tax_id is 70 characters, but customers.tax_id takes at most 64; country is 65"
                        + " characters, but customers.country takes at most 64: shorten them");

        assertThat(db.value("SELECT count(*) FROM customers WHERE name LIKE ?", name + "%")).isEqualTo("0");
        assertThat(db.value("SELECT count(*) FROM audit_logs WHERE description LIKE ?", "%" + name + "%"))
                .isEqualTo("0");
    }

    @Test
    void aPhoneTooLongForItsColumnNamesTheFieldAndWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());

        assertThatThrownBy(() -> customers.update(admin, customer.id(),
                CustomerChanges.none().withPhone("+44 " + "20 7946 0018 ".repeat(3))))
                .isInstanceOf(ValueTooLongException.class)
                .hasMessage("phone is 43 characters, but customers.phone takes at most 32: shorten it");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void anAuditRowWithAValueTooLongTakesTheUpdateWithItAndNamesTheAuditField() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());
        Actor longAddress = new Actor(admin.userId(), admin.email(), admin.role(),
                "2001:db8:0:0:0:0:0:1".repeat(3), null);

        assertThatThrownBy(() -> customers.update(longAddress, customer.id(), CustomerChanges.none().withName("R")))
                .isInstanceOf(ValueTooLongException.class)
                .hasMessage("ip_address is 60 characters, but audit_logs.ip_address takes at most 45: shorten it");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void aStatusThatIsNoEnumValueNamesTheTypeAndItsValuesAndWritesNothing() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());

        assertThatThrownBy(() -> customers.update(admin, customer.id(), CustomerChanges.none().withStatus("closed")))
                .isInstanceOfSatisfying(InvalidEnumValueException.class, refused -> {
                    assertThat(refused.enumType()).isEqualTo("customer_status_enum");
                    assertThat(refused.value()).isEqualTo("closed");
                    assertThat(refused.validValues()).containsExactly("active", "inactive", "suspended");
                })
                .hasMessage("'closed' is not a value of enum customer_status_enum;"
                        + " valid values: active, inactive, suspended");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void aReadWithATypeThatIsNoEnumValueNamesTheValidTypes() {
        assertThatThrownBy(() -> customers.activeOfType("company", 10))
                .isInstanceOf(InvalidEnumValueException.class)
                .hasMessage("'company' is not a value of enum customer_type_enum; valid values: individual, business");
    }

    /**
     * The type is written into the SQL, so whatever is not a plain lowercase word must never get that far: had this
     * one reached PostgreSQL, its refusal would list the valid values.
     */
    @Test
    void aTypeThatIsNotAWordIsRefusedBeforeAnySql() {
        newCustomer("business");

        assertThatThrownBy(() -> customers.activeOfType("business' OR 'x' = 'x", 10))
                .isInstanceOf(InvalidEnumValueException.class)
                .hasMessage("'business' OR 'x' = 'x' is not a value of enum customer_type_enum");
        assertThat(customers.activeOfType("business", 10)).hasSize(1);
    }

    @Test
    void anAuditRowThatFailsAfterTheUpdateTakesTheUpdateWithIt() throws SQLException {
        Customer customer = newCustomer("individual");
        Map<String, String> before = db.row("customers", customer.id());
        Actor fromNowhere = new Actor(admin.userId(), admin.email(), admin.role(), "999.1.1.1", null);

        // The UPDATE succeeds inside the transaction; the audit insert after it is refused, so both go.
        assertThatThrownBy(() -> customers.update(fromNowhere, customer.id(), CustomerChanges.none().withName("Renamed")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessageStartingWith("audit_logs.ip_address was refused by check constraint"
                        + " ck_audit_logs_ip_address_format: ");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void anActorWhoIsNoUserIsRefusedByName() throws SQLException {
        Customer customer = newCustomer("individual");
        UUID ghost = UUID.randomUUID();
        Actor impostor = new Actor(ghost, "ghost@example.com", "admin", null, null);

        assertThatThrownBy(() -> customers.softDelete(impostor, customer.id()))
                .isInstanceOfSatisfying(UnknownUserException.class,
                        refused -> assertThat(refused.constraint()).startsWith("fk_customers_"))
                .hasMessageContaining("was given " + ghost + ", which is no user's id (foreign key fk_customers_")
                .hasMessageEndingWith("the Actor, which must be an existing user");

        assertThat(customers.find(customer.id())).isPresent();
        assertThat(db.auditRows(customer.id())).hasSize(1);
    }

    @Test
    void twoConcurrentSoftDeletesOfOneCustomerMakeOneDeletionAndOneRefusal() throws Exception {
        Customer customer = newCustomer("individual");
        CountDownLatch start = new CountDownLatch(1);
        Callable<Object> softDelete = () -> {
            start.await();
            try {
                return customers.softDelete(admin, customer.id());
            } catch (DataException refused) {
                return refused;
            }
        };
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            Future<Object> first = writers.submit(softDelete);
            Future<Object> second = writers.submit(softDelete);
            start.countDown();

            // Whichever way they interleave, the row lock makes the second see the first's deletion.
            assertThat(List.of(first.get(), second.get()))
                    .satisfiesExactlyInAnyOrder(
                            result -> assertThat(result).isInstanceOf(Customer.class),
                            result -> assertThat(result).isInstanceOf(SoftDeletedException.class));
        } finally {
            writers.shutdownNow();
        }
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create", "delete");
    }
}
