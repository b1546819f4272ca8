package dev.retort.migrations;

import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At 006, the seed's four verification queries (section "Verification Queries", copied as they are) return
 * exactly the schema the seed describes. Each row is read as its columns joined by {@code " | "}. Not at head: a
 * project's own revisions after 006 change that schema, and the seed says nothing of them.
 */
class SeedVerificationQueriesTest {

    private static Connection connection;

    @BeforeAll
    static void migrateTo006() throws SQLException {
        connection = TestPostgres.newDatabase("seed_verification").connect();
        ApplyRevisions.upgradeThrough(connection, "006");
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @Test
    void checkAllTablesExist() throws SQLException {
        List<String> rows = rows("""
                SELECT tablename FROM pg_tables
                WHERE schemaname = 'public'
                ORDER BY tablename;
                """);

        assertThat(rows).containsExactly("audit_logs", "customers", "users");
    }

    @Test
    void checkForeignKeys() throws SQLException {
        List<String> rows = rows("""
                SELECT
                    tc.table_name,
                    kcu.column_name,
                    ccu.table_name AS foreign_table_name,
                    ccu.column_name AS foreign_column_name
                FROM information_schema.table_constraints AS tc
                JOIN information_schema.key_column_usage AS kcu
                  ON tc.constraint_name = kcu.constraint_name
                JOIN information_schema.constraint_column_usage AS ccu
                  ON ccu.constraint_name = tc.constraint_name
                WHERE tc.constraint_type = 'FOREIGN KEY';
                """);

        // The seed's query has no ORDER BY, so the order of its rows is not part of the answer.
        assertThat(rows).containsExactlyInAnyOrder(
                "audit_logs | created_by | users | id",
                "audit_logs | deleted_by | users | id",
                "audit_logs | updated_by | users | id",
                "audit_logs | user_id | users | id",
                "customers | created_by | users | id",
                "customers | deleted_by | users | id",
                "customers | updated_by | users | id",
                "users | created_by | users | id",
                "users | deleted_by | users | id",
                "users | updated_by | users | id");
    }

    @Test
    void eachForeignKeyHasItsOnDeleteAction() throws SQLException {
        List<String> rows = rows("""
                SELECT conname,
                       CASE confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                                        WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END
                FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace AND contype = 'f'
                ORDER BY conname COLLATE "C"
                """);

        assertThat(rows).containsExactly(
                "fk_audit_logs_created_by | SET NULL",
                "fk_audit_logs_deleted_by | SET NULL",
                "fk_audit_logs_updated_by | SET NULL",
                "fk_audit_logs_user_id | SET NULL",
                "fk_customers_created_by | RESTRICT",
                "fk_customers_deleted_by | SET NULL",
                "fk_customers_updated_by | SET NULL",
                "fk_users_created_by | SET NULL",
                "fk_users_deleted_by | SET NULL",
                "fk_users_updated_by | SET NULL");
    }

    @Test
    void checkIndexes() throws SQLException {
        List<String> rows = rows("""
                SELECT indexname, tablename
                FROM pg_indexes
                WHERE schemaname = 'public'
                ORDER BY tablename, indexname;
                """);

        assertThat(rows).containsExactly(
                "ix_audit_logs_created_at | audit_logs",
                "ix_audit_logs_created_by | audit_logs",
                "ix_audit_logs_deleted_at | audit_logs",
                "ix_audit_logs_deleted_by | audit_logs",
                "ix_audit_logs_resource | audit_logs",
                "ix_audit_logs_updated_by | audit_logs",
                "ix_audit_logs_user_action | audit_logs",
                "ix_audit_logs_user_id | audit_logs",
                "pk_audit_logs | audit_logs",
                "ix_customers_created_at | customers",
                "ix_customers_created_at_status | customers",
                "ix_customers_created_by | customers",
                "ix_customers_customer_type | customers",
                "ix_customers_deleted_at | customers",
                "ix_customers_deleted_by | customers",
                "ix_customers_email_status | customers",
                "ix_customers_status | customers",
                "ix_customers_status_type | customers",
                "ix_customers_updated_by | customers",
                "pk_customers | customers",
                "ix_users_created_at | users",
                "ix_users_created_at_role | users",
                "ix_users_created_by | users",
                "ix_users_deleted_at | users",
                "ix_users_deleted_by | users",
                "ix_users_email_active | users",
                "ix_users_is_active | users",
                "ix_users_role | users",
                "ix_users_role_active | users",
                "ix_users_updated_by | users",
                "pk_users | users",
                "uq_users_email | users");
    }

    @Test
    void checkConstraints() throws SQLException {
        List<String> rows = rows("""
                SELECT conname, contype, conrelid::regclass AS table_name
                FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace
                ORDER BY conrelid::regclass::text;
                """);

        // The seed orders by table only; within a table the order is not part of the answer. (PostgreSQL 17
        // keeps NOT NULL out of pg_constraint; from PostgreSQL 18 on, contype 'n' rows would appear here too.)
        assertThat(rows).extracting(row -> row.substring(row.lastIndexOf(" | ") + 3))
                .isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(rows).containsExactlyInAnyOrder(
                "pk_audit_logs | p | audit_logs",
                "fk_audit_logs_user_id | f | audit_logs",
                "fk_audit_logs_created_by | f | audit_logs",
                "fk_audit_logs_updated_by | f | audit_logs",
                "fk_audit_logs_deleted_by | f | audit_logs",
                "ck_audit_logs_action_not_empty | c | audit_logs",
                "ck_audit_logs_resource_type_not_empty | c | audit_logs",
                "ck_audit_logs_description_not_empty | c | audit_logs",
                "ck_audit_logs_ip_address_format | c | audit_logs",
                "pk_customers | p | customers",
                "fk_customers_created_by | f | customers",
                "fk_customers_updated_by | f | customers",
                "fk_customers_deleted_by | f | customers",
                "ck_customers_email_format | c | customers",
                "ck_customers_phone_format | c | customers",
                "ck_customers_name_not_empty | c | customers",
                "ck_customers_postal_code_length | c | customers",
                "pk_users | p | users",
                "uq_users_email | u | users",
                "fk_users_created_by | f | users",
                "fk_users_updated_by | f | users",
                "fk_users_deleted_by | f | users",
                "ck_users_email_format | c | users",
                "ck_users_password_hash_length | c | users",
                "ck_users_full_name_not_empty | c | users");
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData columns = result.getMetaData();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    values.add(result.getString(i));
                }
                rows.add(String.join(" | ", values));
            }
        }
        return rows;
    }
}
