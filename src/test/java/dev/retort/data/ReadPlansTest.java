package dev.retort.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each read of the layer is served by the seed's index its comment names, on tables big enough (and analyzed)
 * for the planner to prefer an index when one fits: 20,000 users, 50,000 customers, 100,000 audit rows.
 */
class ReadPlansTest {

    private static DataLayerDatabase db;
    private static UUID someUser;

    @BeforeAll
    static void seedAndAnalyze() throws SQLException {
        db = DataLayerDatabase.atHead("data_read_plans");
        db.database.execute("""
                INSERT INTO users (email, password_hash, full_name, role, is_active, deleted_at)
                SELECT 'u' || g || '@example.com', repeat('x', 60), 'User ' || g,
                       (ARRAY['admin', 'corporate', 'client'])[1 + g % 3]::user_role, g % 10 <> 0,
                       CASE WHEN g % 50 = 0 THEN now() - g * interval '1 second' END
                FROM generate_series(1, 20000) g
                """);
        // One customer in a thousand is a business: a rare type, next to a common one.
        db.database.execute("""
                INSERT INTO customers (name, email, customer_type, status, created_at, deleted_at)
                SELECT 'C ' || g, 'c' || g || '@example.com',
                       CASE WHEN g % 1000 = 0 THEN 'business' ELSE 'individual' END::customer_type_enum,
                       (ARRAY['active', 'inactive', 'suspended'])[1 + g % 3]::customer_status_enum,
                       now() - g * interval '1 minute',
                       CASE WHEN g % 50 = 0 THEN now() - g * interval '1 second' END
                FROM generate_series(1, 50000) g
                """);
        db.database.execute("""
                WITH actors AS (SELECT array_agg(id) AS ids FROM (SELECT id FROM users LIMIT 1000) u)
                INSERT INTO audit_logs (action, resource_type, resource_id, description, user_id, created_at)
                SELECT (ARRAY['create', 'update', 'delete'])[1 + g % 3], 'customer', (g % 5000)::text, 'event',
                       actors.ids[1 + g % 1000], now() - g * interval '1 second'
                FROM generate_series(1, 100000) g, actors
                """);
        db.database.execute("ANALYZE");
        someUser = UUID.fromString(db.value("SELECT user_id::text FROM audit_logs LIMIT 1"));
    }

    /** The plan PostgreSQL chooses for {@code sql} with these parameters, one text block. */
    private static String plan(String sql, Object... parameters) throws SQLException {
        try (Connection connection = db.database.connect();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet lines = explain.executeQuery()) {
                while (lines.next()) {
                    plan.append(lines.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    @Test
    void activeUserByEmailUsesAnIndexLeadingWithEmail() throws SQLException {
        assertThat(plan(Users.ACTIVE_BY_EMAIL, "u5@example.com"))
                .containsAnyOf("ix_users_email_active", "uq_users_email").doesNotContain("Seq Scan");
    }

    @Test
    void activeCustomersOfARareTypeAreFoundThroughAnIndexOnTheType() throws SQLException {
        assertThat(plan(Customers.activeOfTypeSql("business", 20)))
                .containsAnyOf("ix_customers_status_type", "ix_customers_customer_type").doesNotContain("Seq Scan");
    }

    @Test
    void activeCustomersOfACommonTypeWalkTheCreatedAtIndexBackwards() throws SQLException {
        assertThat(plan(Customers.activeOfTypeSql("individual", 20)))
                .containsAnyOf("Index Scan Backward using ix_customers_created_at", "ix_customers_status_type")
                .doesNotContain("Seq Scan");
    }

    @Test
    void aUsersAuditTrailUsesAnIndexLeadingWithUserId() throws SQLException {
        assertThat(plan(Rows.limitedTo(AuditTrail.BY_USER, 20), someUser))
                .containsAnyOf("ix_audit_logs_user_action", "ix_audit_logs_user_id").doesNotContain("Seq Scan");
    }

    @Test
    void recentAuditEventsWalkTheCreatedAtIndexBackwards() throws SQLException {
        assertThat(plan(Rows.limitedTo(AuditTrail.RECENT, 50), 3600.0))
                .contains("Index Scan Backward using ix_audit_logs_created_at").doesNotContain("Sort");
    }

    @Test
    void aResourcesAuditTrailUsesTheResourceIndex() throws SQLException {
        assertThat(plan(Rows.limitedTo(AuditTrail.FOR_RESOURCE, 20), "customer", "17"))
                .contains("ix_audit_logs_resource").doesNotContain("Seq Scan");
    }

    @Test
    void deletedOnlyListingsWalkTheDeletedAtIndexBackwards() throws SQLException {
        assertThat(plan(Rows.limitedTo(db.customers.table.listDeleted, 20)))
                .contains("Index Scan Backward using ix_customers_deleted_at").doesNotContain("Sort");
        assertThat(plan(Rows.limitedTo(db.users.table.listDeleted, 20)))
                .contains("Index Scan Backward using ix_users_deleted_at").doesNotContain("Sort");
    }

    @Test
    void findByIdUsesThePrimaryKey() throws SQLException {
        assertThat(plan(db.customers.table.findLive, UUID.randomUUID())).contains("Index Scan using pk_customers");
        assertThat(plan(db.users.table.findLive, UUID.randomUUID())).contains("Index Scan using pk_users");
    }

    /**
     * A read run again and again on one connection gets a plan that PostgreSQL makes once (its generic plan) after
     * the five custom plans it tries first: with the limit (or the customer type) sent as a bind parameter, it
     * planned every execution afresh. pgjdbc prepares a statement on the server from its fifth use, so twenty runs
     * give each server statement sixteen executions: five custom plans, then the generic one. Each customer type
     * is a statement of its own.
     */
    @Test
    void repeatedReadsRunOnAPlanMadeOnce() throws SQLException {
        try (Connection connection = db.database.connect()) {
            Transactions transactions = Transactions.on(connection);
            AuditTrail auditTrail = new AuditTrail(transactions);
            Customers customers = new Customers(transactions, auditTrail);
            for (int i = 0; i < 20; i++) {
                customers.activeOfType("individual", 20);
                customers.activeOfType("business", 20);
                auditTrail.recent(Duration.ofHours(1), 20);
                auditTrail.byUser(someUser, 20);
                customers.deleted(20);
            }
            List<String> prepared = new ArrayList<>();
            List<String> replanned = new ArrayList<>();
            try (Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SELECT statement, generic_plans FROM pg_prepared_statements")) {
                while (rows.next()) {
                    prepared.add(rows.getString("statement"));
                    if (rows.getLong("generic_plans") == 0) {
                        replanned.add(rows.getString("statement"));
                    }
                }
            }
            assertThat(prepared).as("the five reads, prepared on the server").hasSize(5);
            assertThat(replanned).as("statements planned afresh on every execution").isEmpty();
        }
    }
}
