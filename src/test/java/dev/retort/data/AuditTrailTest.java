package dev.retort.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.retort.data.DataLayerDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class AuditTrailTest {

    private static DataLayerDatabase db;
    private static AuditTrail auditTrail;

    @BeforeAll
    static void migrateToHead() {
        db = DataLayerDatabase.atHead("data_audit_trail");
        auditTrail = db.auditTrail;
    }

    private static AuditEntry login(String resourceId) {
        return AuditEntry.event("login", "session", resourceId, "Signed in");
    }

    @Test
    void recordWritesEveryColumnOfTheEntryAndTheActor() throws SQLException {
        Actor actor = new Actor(db.newUser("corporate").id(), "x@example.com", "corporate",
                "2001:db8::ffff:192.0.2.128", "curl/8.5");
        String resource = UUID.randomUUID().toString();

        UUID id = auditTrail.record(actor, AuditEntry.event("export", "report", resource, "Exported the report")
                .withValues(null, Map.of("rows", 42, "format", "csv")).failed("disk full"));

        Map<String, String> row = db.rows("SELECT * FROM audit_logs WHERE id = ?", id).get(0);
        assertThat(row).contains(entry("action", "export"), entry("resource_type", "report"),
                entry("resource_id", resource), entry("description", "Exported the report"),
                entry("user_id", actor.userId().toString()), entry("user_email", "x@example.com"),
                entry("user_role", "corporate"), entry("ip_address", "2001:db8::ffff:192.0.2.128"),
                entry("user_agent", "curl/8.5"), entry("old_values", null), entry("success", "f"),
                entry("error_message", "disk full"));
        assertThat(json(row.get("new_values"))).isEqualTo(Map.of("rows", 42, "format", "csv"));
        assertThat(db.value("SELECT jsonb_typeof(new_values -> 'rows') FROM audit_logs WHERE id = ?", id))
                .isEqualTo("number");
    }

    @Test
    void anEntryWrittenByWorkThatThenFailsIsRolledBackWithIt() throws SQLException {
        Actor admin = db.newAdmin();
        Customer customer = db.customers.create(admin, NewCustomer.of("Dee", "dee@example.com", "individual"));
        Map<String, String> before = db.row("customers", customer.id());

        // The audit row goes in first, then the change it records is refused: neither stays.
        assertThatThrownBy(() -> db.transactions.inTransaction(connection -> {
            auditTrail.record(connection, admin, AuditEntry.event("update", "customer", customer.id().toString(),
                    "Updated customer 'Dee': phone"));
            try (Statement update = connection.createStatement()) {
                update.executeUpdate("UPDATE customers SET phone = 'not a phone' WHERE id = '" + customer.id() + "'");
            }
            return null;
        })).isInstanceOf(CheckViolationException.class).hasMessageContaining("ck_customers_phone_format");

        assertThat(db.row("customers", customer.id())).isEqualTo(before);
        assertThat(db.auditRows(customer.id())).extracting(row -> row.get("action")).containsExactly("create");
    }

    @Test
    void byUserIsNewestFirstWithinTheLimitAndSkipsHiddenEntries() throws SQLException {
        Actor actor = db.newAdmin();
        UUID first = auditTrail.record(actor, login("1"));
        UUID second = auditTrail.record(actor, login("2"));
        UUID hidden = auditTrail.record(actor, login("3"));
        UUID third = auditTrail.record(actor, login("4"));
        db.database.execute("UPDATE audit_logs SET deleted_at = now() WHERE id = '" + hidden + "'");
        auditTrail.record(db.newAdmin(), login("someone else"));

        assertThat(auditTrail.byUser(actor.userId(), 100)).extracting(AuditRecord::id)
                .containsExactly(third, second, first);
        assertThat(auditTrail.byUser(actor.userId(), 2)).extracting(AuditRecord::id).containsExactly(third, second);
    }

    @Test
    void recentIsTheWindowNewestFirstWithinTheLimit() throws SQLException {
        Actor actor = db.newAdmin();
        UUID old = auditTrail.record(actor, login("old"));
        db.database.execute("UPDATE audit_logs SET created_at = now() - interval '2 hours' WHERE id = '" + old + "'");
        UUID earlier = auditTrail.record(actor, login("earlier"));
        UUID latest = auditTrail.record(actor, login("latest"));

        List<AuditRecord> lastHour = auditTrail.recent(Duration.ofHours(1), 10_000);
        assertThat(lastHour).extracting(AuditRecord::id).contains(latest, earlier).doesNotContain(old);
        assertThat(lastHour).extracting(AuditRecord::createdAt).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(auditTrail.recent(Duration.ofHours(1), 1)).extracting(AuditRecord::id).containsExactly(latest);
        assertThat(auditTrail.recent(Duration.ofHours(3), 10_000)).extracting(AuditRecord::id).contains(old);
    }

    @Test
    void forResourceReadsBackTheValuesAsWritten() {
        Actor admin = db.newAdmin();
        Customer customer = db.customers.create(admin, NewCustomer.of("Eve", "eve@example.com", "individual"));
        Customer deleted = db.customers.softDelete(admin, customer.id());

        List<AuditRecord> trail = auditTrail.forResource("customer", customer.id().toString(), 10);

        assertThat(trail).extracting(AuditRecord::action).containsExactly("delete", "create");
        AuditRecord deletion = trail.get(0);
        assertThat(deletion.userId()).isEqualTo(admin.userId());
        assertThat(deletion.userEmail()).isEqualTo(admin.email());
        assertThat(deletion.newValues()).containsOnly(entry("deleted_at", deleted.deletedAt().toString()),
                entry("deleted_by", admin.userId().toString()));
        assertThat(deletion.oldValues()).containsOnlyKeys("deleted_at", "deleted_by").containsValues((Object) null);
    }

    @Test
    void entriesOutliveTheirUserWithTheEmailAndRoleOfTheTime() throws SQLException {
        User user = db.newUser("corporate");
        UUID id = auditTrail.record(Actor.of(user, null, null), login("outlived"));

        db.database.execute("DELETE FROM audit_logs WHERE resource_id = '" + user.id() + "'");
        db.database.execute("DELETE FROM users WHERE id = '" + user.id() + "'");

        assertThat(db.rows("SELECT * FROM audit_logs WHERE id = ?", id).get(0)).contains(entry("user_id", null),
                entry("user_email", user.email()), entry("user_role", "corporate"));
    }

    @Test
    void valuesTheChecksRefuseNameTheConstraintAndFieldAndWriteNothing() throws SQLException {
        Actor actor = db.newAdmin();
        String resource = UUID.randomUUID().toString();

        assertThatThrownBy(() -> auditTrail.record(actor, AuditEntry.event(" ", "customer", resource, "Blank action")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("audit_logs.action was refused by check constraint ck_audit_logs_action_not_empty:"
                        + " it needs at least one character that is not whitespace");
        Actor badAddress = new Actor(actor.userId(), actor.email(), actor.role(), "192.168.001.1", null);
        assertThatThrownBy(() -> auditTrail.record(badAddress, login(resource)))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("audit_logs.ip_address was refused by check constraint ck_audit_logs_ip_address_format:"
                        + " an IP address is IPv4 (a dotted quad without leading zeros) or IPv6 in text form;"
                        + " it comes from the Actor");

        assertThat(db.value("SELECT count(*) FROM audit_logs WHERE resource_id = ?", resource)).isEqualTo("0");
    }

    @Test
    void aValueTooLongForItsColumnNamesTheFieldAndWritesNothing() throws SQLException {
        Actor actor = db.newAdmin();
        String resource = UUID.randomUUID().toString();

        assertThatThrownBy(() -> auditTrail.record(actor, AuditEntry.event("a".repeat(150), "customer", resource,
                "Long action")))
                .isInstanceOf(ValueTooLongException.class)
                .hasMessage("action is 150 characters, but audit_logs.action takes at most 100: shorten it");

        assertThat(db.value("SELECT count(*) FROM audit_logs WHERE resource_id = ?", resource)).isEqualTo("0");
    }

    @Test
    void aNonPositiveLimitIsABug() {
        assertThatThrownBy(() -> auditTrail.recent(Duration.ofHours(1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be at least 1, was 0");
    }

    @Test
    void aNegativeWindowIsABugAndAThousandYearsIsAWindow() {
        assertThatThrownBy(() -> auditTrail.recent(Duration.ofHours(-1), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must not be negative: PT-1H");
        assertThat(auditTrail.recent(Duration.ofDays(365_000), 1)).hasSize(1);
    }
}
