package dev.retort.migrations;

import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * At head, every kind of bad row is refused with the right SQLSTATE by the right constraint, and the awkward but
 * valid rows next to them are accepted. Each row runs in its own transaction, rolled back afterwards, on top of a
 * small fixture: an administrator and a customer they created.
 */
class CheckConstraintCorpusTest {

    private static final String ADMIN_ID = "00000000-0000-4000-8000-000000000001";
    private static final String EDITOR_ID = "00000000-0000-4000-8000-000000000002";
    private static final String CUSTOMER_ID = "00000000-0000-4000-8000-0000000000c1";
    private static final String UNKNOWN_USER_ID = "00000000-0000-4000-8000-00000000dead";
    /** A real bcrypt hash: 60 characters, the shortest a password hash may be. */
    private static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    private static final String ARGON2 =
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

    private static final Set<String> CHECKS = Set.of(
            "ck_users_email_format", "ck_users_password_hash_length", "ck_users_full_name_not_empty",
            "ck_customers_email_format", "ck_customers_phone_format", "ck_customers_name_not_empty",
            "ck_customers_postal_code_length",
            "ck_audit_logs_action_not_empty", "ck_audit_logs_resource_type_not_empty",
            "ck_audit_logs_description_not_empty", "ck_audit_logs_ip_address_format");

    private static Connection connection;

    @BeforeAll
    static void migrateToHeadWithFixture() throws SQLException {
        connection = TestPostgres.newDatabase("check_corpus").connect();
        ApplyRevisions.upgradeAll(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO users (id, email, password_hash, full_name, role) VALUES ("
                    + q(ADMIN_ID) + ", 'admin@example.com', " + q(BCRYPT) + ", 'Ada Admin', 'admin')");
            statement.execute("INSERT INTO customers (id, name, email, created_by) VALUES ("
                    + q(CUSTOMER_ID) + ", 'Fixture Ltd', 'accounts@fixture.example', " + q(ADMIN_ID) + ")");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Refused

    /** A row that must be refused, and how: SQLSTATE plus the constraint, the NOT NULL column or the enum type. */
    record Refusal(String what, List<String> sql, String sqlState, String constraint, String column, String enumType) {

        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Refusal> badRows() {
        List<Refusal> rows = new ArrayList<>();

        // users: ck_users_email_format
        for (String email : List.of("grace.example.com", "grace@localhost", "grace@@example.com",
                "grace hopper@example.com", "grace@example.c", "grace@example.com.", "grace@-", "@example.com",
                "grace@example..com", "")) {
            rows.add(check("users.email '" + email + "'", user("email", q(email)), "ck_users_email_format"));
        }
        // users: ck_users_password_hash_length
        rows.add(check("users.password_hash in plain text", user("password_hash", "'hunter2'"),
                "ck_users_password_hash_length"));
        rows.add(check("users.password_hash of 59 characters", user("password_hash", q(BCRYPT.substring(0, 59))),
                "ck_users_password_hash_length"));
        rows.add(check("users.password_hash empty", user("password_hash", "''"), "ck_users_password_hash_length"));
        // users: ck_users_full_name_not_empty
        rows.add(check("users.full_name empty", user("full_name", "''"), "ck_users_full_name_not_empty"));
        rows.add(check("users.full_name spaces only", user("full_name", "'   '"), "ck_users_full_name_not_empty"));
        rows.add(check("users.full_name tab and newline", user("full_name", "E'\\t\\n'"),
                "ck_users_full_name_not_empty"));
        // users: NOT NULL, enum, unique, foreign key
        rows.add(notNull("users.email NULL", user("email", "NULL"), "email"));
        rows.add(notNull("users.password_hash NULL", user("password_hash", "NULL"), "password_hash"));
        rows.add(notNull("users.full_name NULL", user("full_name", "NULL"), "full_name"));
        rows.add(badEnum("users.role 'superuser'", user("role", "'superuser'"), "user_role"));
        rows.add(new Refusal("users.email already taken", List.of(user("email", "'admin@example.com'")),
                "23505", "uq_users_email", null, null));
        rows.add(fk("users.created_by an unknown user", user("created_by", q(UNKNOWN_USER_ID)),
                "fk_users_created_by"));

        // customers: ck_customers_email_format
        for (String email : List.of("billing.acme.example", "billing@acme", "billing@acme..example",
                "billing@acme.example ", "")) {
            rows.add(check("customers.email '" + email + "'", customer("email", q(email)),
                    "ck_customers_email_format"));
        }
        // customers: ck_customers_phone_format
        for (String phone : List.of("12345", "123456", "+1234567890123456", "555-CALL-NOW", "++44 20 7946 0958",
                "", "   ", "+", "(((((((", "+44 20 7946 0958 ext 12", "+44 20 7946 0958 ", "44+20 7946 0958",
                "---1234567", "020/7946/0958")) {
            rows.add(check("customers.phone '" + phone + "'", customer("phone", q(phone)),
                    "ck_customers_phone_format"));
        }
        // customers: ck_customers_name_not_empty
        rows.add(check("customers.name empty", customer("name", "''"), "ck_customers_name_not_empty"));
        rows.add(check("customers.name spaces only", customer("name", "'   '"), "ck_customers_name_not_empty"));
        rows.add(check("customers.name tab and newline", customer("name", "E'\\t\\n'"),
                "ck_customers_name_not_empty"));
        rows.add(new Refusal("customers.name updated to blank",
                List.of("UPDATE customers SET name = '  ' WHERE id = " + q(CUSTOMER_ID)),
                "23514", "ck_customers_name_not_empty", null, null));
        // customers: ck_customers_postal_code_length
        for (String postalCode : List.of("12", "12345678901", "  12  ", "", "   ")) {
            rows.add(check("customers.postal_code '" + postalCode + "'", customer("postal_code", q(postalCode)),
                    "ck_customers_postal_code_length"));
        }
        rows.add(check("customers.postal_code two characters inside tabs", customer("postal_code", "E'\\t12\\t'"),
                "ck_customers_postal_code_length"));
        // customers: NOT NULL, enums, foreign keys
        rows.add(notNull("customers.name NULL", customer("name", "NULL"), "name"));
        rows.add(notNull("customers.email NULL", customer("email", "NULL"), "email"));
        rows.add(notNull("customers.status NULL", customer("status", "NULL"), "status"));
        rows.add(badEnum("customers.status 'deleted'", customer("status", "'deleted'"), "customer_status_enum"));
        rows.add(badEnum("customers.customer_type 'government'", customer("customer_type", "'government'"),
                "customer_type_enum"));
        rows.add(fk("customers.created_by an unknown user", customer("created_by", q(UNKNOWN_USER_ID)),
                "fk_customers_created_by"));
        rows.add(fk("customers.updated_by an unknown user", customer("updated_by", q(UNKNOWN_USER_ID)),
                "fk_customers_updated_by"));
        rows.add(fk("customers.deleted_by an unknown user", customer("deleted_by", q(UNKNOWN_USER_ID)),
                "fk_customers_deleted_by"));
        rows.add(new Refusal("deleting a user who created a customer (ON DELETE RESTRICT)",
                List.of("DELETE FROM users WHERE id = " + q(ADMIN_ID)),
                "23503", "fk_customers_created_by", null, null));

        // audit_logs: the three not-empty checks
        rows.add(check("audit_logs.action empty", auditLog("action", "''"), "ck_audit_logs_action_not_empty"));
        rows.add(check("audit_logs.action one space", auditLog("action", "' '"), "ck_audit_logs_action_not_empty"));
        rows.add(check("audit_logs.resource_type empty", auditLog("resource_type", "''"),
                "ck_audit_logs_resource_type_not_empty"));
        rows.add(check("audit_logs.resource_type a tab", auditLog("resource_type", "E'\\t'"),
                "ck_audit_logs_resource_type_not_empty"));
        rows.add(check("audit_logs.description empty", auditLog("description", "''"),
                "ck_audit_logs_description_not_empty"));
        rows.add(check("audit_logs.description newlines", auditLog("description", "E'\\n\\n'"),
                "ck_audit_logs_description_not_empty"));
        // audit_logs: ck_audit_logs_ip_address_format, never 22P02
        for (String ip : List.of("999.1.1.1", "1.2.3", "abc", "2001:db8:::1", "1.2.3.4.5", "12345::",
                "256.0.0.1", "01.2.3.4", "1.2.3.4.", " 192.0.2.1", "192.0.2.1/24", "",
                "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "gggg::1", ":1", "1:", "1:2:3:4:5:6:7::8",
                "::ffff:999.0.2.128", "::ffff:192.0.2", "1:2:3:4:5:6:7:192.0.2.1", "fe80::1%eth0")) {
            rows.add(check("audit_logs.ip_address '" + ip + "'", auditLog("ip_address", q(ip)),
                    "ck_audit_logs_ip_address_format"));
        }
        // audit_logs: NOT NULL and foreign keys
        rows.add(notNull("audit_logs.action NULL", auditLog("action", "NULL"), "action"));
        rows.add(notNull("audit_logs.description NULL", auditLog("description", "NULL"), "description"));
        rows.add(notNull("audit_logs.success NULL", auditLog("success", "NULL"), "success"));
        rows.add(fk("audit_logs.user_id an unknown user", auditLog("user_id", q(UNKNOWN_USER_ID)),
                "fk_audit_logs_user_id"));
        rows.add(fk("audit_logs.deleted_by an unknown user", auditLog("deleted_by", q(UNKNOWN_USER_ID)),
                "fk_audit_logs_deleted_by"));

        return rows.stream();
    }

    @ParameterizedTest(name = "[{index}] refused: {0}")
    @MethodSource("badRows")
    void badRowIsRefusedWithItsSqlStateAndConstraint(Refusal bad) {
        assertThatThrownBy(() -> runAndRollBack(bad.sql()))
                .as(bad.what())
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    ServerErrorMessage error = e.getServerErrorMessage();
                    assertThat(e.getSQLState()).as("SQLSTATE of %s (%s)", bad.what(), e.getMessage())
                            .isEqualTo(bad.sqlState());
                    if (bad.constraint() != null) {
                        assertThat(error.getConstraint()).as("constraint of %s", bad.what())
                                .isEqualTo(bad.constraint());
                    }
                    if (bad.column() != null) {
                        assertThat(error.getColumn()).as("column of %s", bad.what()).isEqualTo(bad.column());
                    }
                    if (bad.enumType() != null) {
                        assertThat(error.getMessage()).as("message of %s", bad.what())
                                .startsWith("invalid input value for enum " + bad.enumType() + ":");
                    }
                });
    }

    @Test
    void corpusRefusesRowsThroughEveryCheckConstraintOfTheSchema() throws SQLException {
        Set<String> checksInSchema = new TreeSet<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT conname FROM pg_constraint
                      WHERE connamespace = 'public'::regnamespace AND contype = 'c'
                     """)) {
            while (rows.next()) {
                checksInSchema.add(rows.getString(1));
            }
        }
        assertThat(checksInSchema).containsExactlyInAnyOrderElementsOf(CHECKS);

        Map<String, Long> badRowsPerCheck = badRows().filter(bad -> "23514".equals(bad.sqlState()))
                .collect(Collectors.groupingBy(Refusal::constraint, Collectors.counting()));
        assertThat(badRowsPerCheck.keySet()).containsExactlyInAnyOrderElementsOf(CHECKS);
        assertThat(badRows().count()).isGreaterThanOrEqualTo(30);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accepted

    record Acceptance(String what, List<String> sql) {

        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Acceptance> validRows() {
        List<Acceptance> rows = new ArrayList<>();

        // users
        for (String email : List.of("first.last+newsletter@example.com", "grace@mail.eu.example.co.uk",
                "UPPER.Case@Example.COM", "o_k%x-y@sub-domain.example.org", "a@b.io")) {
            rows.add(ok("users.email '" + email + "'", user("email", q(email))));
        }
        rows.add(ok("users.password_hash exactly 60 characters (bcrypt)", user("password_hash", q(BCRYPT))));
        rows.add(ok("users.password_hash longer (argon2id)", user("password_hash", q(ARGON2))));
        rows.add(ok("users.full_name one character", user("full_name", "'X'")));
        rows.add(ok("users.full_name with surrounding spaces", user("full_name", "'  Grace Hopper  '")));
        rows.add(ok("users.full_name outside ASCII", user("full_name", "'Zoë Ångström-Łukasiewicz'")));
        rows.add(ok("users.totp_secret NULL, every other optional column left NULL",
                user("totp_secret", "NULL")));
        rows.add(ok("users with every optional column set", user(Map.of(
                "role", "'corporate'", "is_2fa_enabled", "true", "totp_secret", "'JBSWY3DPEHPK3PXP'",
                "last_login_at", "now()", "created_by", q(ADMIN_ID), "updated_by", q(ADMIN_ID),
                "deleted_at", "now()", "deleted_by", q(ADMIN_ID)))));

        // customers
        for (String email : List.of("billing+invoices@acme.example", "ap@eu.accounts.acme.co.uk")) {
            rows.add(ok("customers.email '" + email + "'", customer("email", q(email))));
        }
        for (String phone : List.of("+44 20 7946 0958", "+1 (202) 555-0173", "+49 30 1234567", "020 7946 0958",
                "+81-3-1234-5678", "(202) 555-0173", "030.1234.5678", "5550173", "+123456789012345")) {
            rows.add(ok("customers.phone '" + phone + "'", customer("phone", q(phone))));
        }
        rows.add(ok("customers.phone NULL", customer("phone", "NULL")));
        for (String postalCode : List.of("SW1A 1AA", "12345-6789", "1000", "75008", "123", "1234567890",
                " SW1A 1AA ")) {
            rows.add(ok("customers.postal_code '" + postalCode + "'", customer("postal_code", q(postalCode))));
        }
        rows.add(ok("customers.postal_code NULL", customer("postal_code", "NULL")));
        rows.add(ok("customers.name one character", customer("name", "'X'")));
        rows.add(ok("customers business with every optional column set", customer(Map.of(
                "customer_type", "'business'", "status", "'suspended'", "company_name", "'Acme Holdings plc'",
                "tax_id", "'GB123456789'", "address", "'1 Main Street'", "city", "'London'",
                "country", "'GB'", "created_by", q(ADMIN_ID), "updated_by", q(ADMIN_ID),
                "deleted_by", q(ADMIN_ID)))));

        // audit_logs
        for (String ip : List.of("192.0.2.1", "0.0.0.0", "255.255.255.255", "10.0.0.1",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3:0:0:8a2e:370:7334", "::1", "::",
                "2001:db8::8a2e:370:7334", "fe80::1", "2001:DB8::1", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                "::ffff:192.0.2.128", "::FFFF:192.0.2.128", "0:0:0:0:0:ffff:192.0.2.128", "64:ff9b::192.0.2.33",
                "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")) {
            rows.add(ok("audit_logs.ip_address '" + ip + "'", auditLog("ip_address", q(ip))));
        }
        rows.add(ok("audit_logs.ip_address NULL", auditLog("ip_address", "NULL")));
        rows.add(ok("audit_logs with every optional column set", auditLog(Map.of(
                "resource_id", q(CUSTOMER_ID), "user_id", q(ADMIN_ID), "user_email", "'admin@example.com'",
                "user_role", "'admin'", "ip_address", "'203.0.113.9'", "user_agent", "'Mozilla/5.0'",
                "request_method", "'PATCH'", "request_path", "'/customers/c1?fields=name'",
                "old_values", "'{\"name\": \"Old\"}'", "new_values", "'{\"name\": \"New\"}'"))));
        rows.add(ok("audit_logs of a failed action", auditLog(Map.of(
                "success", "false", "error_message", "'permission denied'", "extra_data", "'{\"attempt\": 3}'",
                "deleted_at", "now()", "deleted_by", q(ADMIN_ID)))));

        // deleting a user referenced only through ON DELETE SET NULL
        rows.add(new Acceptance("deleting a user who only edited, soft-deleted and acted (ON DELETE SET NULL)",
                List.of("INSERT INTO users (id, email, password_hash, full_name, created_by) VALUES ("
                                + q(EDITOR_ID) + ", 'editor@example.com', " + q(BCRYPT) + ", 'Eddie Editor', "
                                + q(ADMIN_ID) + ")",
                        "UPDATE users SET updated_by = " + q(EDITOR_ID) + " WHERE id = " + q(ADMIN_ID),
                        "UPDATE customers SET updated_by = " + q(EDITOR_ID) + ", deleted_by = " + q(EDITOR_ID)
                                + " WHERE id = " + q(CUSTOMER_ID),
                        auditLog(Map.of("user_id", q(EDITOR_ID), "created_by", q(EDITOR_ID))),
                        "DELETE FROM users WHERE id = " + q(EDITOR_ID))));

        return rows.stream();
    }

    @ParameterizedTest(name = "[{index}] accepted: {0}")
    @MethodSource("validRows")
    void validEdgeCaseIsAccepted(Acceptance valid) {
        assertThatCode(() -> runAndRollBack(valid.sql())).as(valid.what()).doesNotThrowAnyException();
    }

    @Test
    void deletingAUserKeepsTheirAuditTrailAndForgetsOnlyTheReference() throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO users (id, email, password_hash, full_name) VALUES ("
                    + q(EDITOR_ID) + ", 'editor@example.com', " + q(BCRYPT) + ", 'Eddie Editor')");
            statement.execute(auditLog(Map.of("user_id", q(EDITOR_ID), "user_email", "'editor@example.com'")));
            assertThat(statement.executeUpdate("DELETE FROM users WHERE id = " + q(EDITOR_ID))).isEqualTo(1);
            try (ResultSet row = statement.executeQuery("SELECT user_id, user_email FROM audit_logs")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("user_id")).isNull();
                assertThat(row.getString("user_email")).isEqualTo("editor@example.com");
                assertThat(row.next()).isFalse();
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows: a valid row of each table, with some columns replaced

    private static String user(String column, String value) {
        return user(Map.of(column, value));
    }

    private static String user(Map<String, String> replaced) {
        return insert("users", Map.of(
                "email", "'grace@example.com'",
                "password_hash", q(BCRYPT),
                "full_name", "'Grace Hopper'"), replaced);
    }

    private static String customer(String column, String value) {
        return customer(Map.of(column, value));
    }

    private static String customer(Map<String, String> replaced) {
        return insert("customers", Map.of(
                "name", "'Acme Ltd'",
                "email", "'billing@acme.example'"), replaced);
    }

    private static String auditLog(String column, String value) {
        return auditLog(Map.of(column, value));
    }

    private static String auditLog(Map<String, String> replaced) {
        return insert("audit_logs", Map.of(
                "action", "'update'",
                "resource_type", "'customer'",
                "description", "'Changed the billing address'"), replaced);
    }

    private static String insert(String table, Map<String, String> valid, Map<String, String> replaced) {
        Map<String, String> values = new TreeMap<>(valid);
        values.putAll(replaced);
        return "INSERT INTO " + table + " (" + String.join(", ", values.keySet()) + ") VALUES ("
                + String.join(", ", values.values()) + ")";
    }

    /** A SQL string literal. */
    private static String q(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static Refusal check(String what, String sql, String constraint) {
        return new Refusal(what, List.of(sql), "23514", constraint, null, null);
    }

    private static Refusal notNull(String what, String sql, String column) {
        return new Refusal(what, List.of(sql), "23502", null, column, null);
    }

    private static Refusal badEnum(String what, String sql, String enumType) {
        return new Refusal(what, List.of(sql), "22P02", null, null, enumType);
    }

    private static Refusal fk(String what, String sql, String constraint) {
        return new Refusal(what, List.of(sql), "23503", constraint, null, null);
    }

    private static Acceptance ok(String what, String sql) {
        return new Acceptance(what, List.of(sql));
    }

    private static void runAndRollBack(List<String> statements) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }
}
