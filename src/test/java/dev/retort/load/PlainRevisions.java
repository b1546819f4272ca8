package dev.retort.load;

import java.util.List;

/**
 * The foundation's plain DDL for revisions 004, 005 and 006, kept here as text for comparison: what {@code R004…},
 * {@code R005…} and {@code R006…} in src/main executed before they were rewritten for online DDL (foreign keys and
 * checks added and validated under one lock, indexes built without {@code CONCURRENTLY}, no {@code lock_timeout}).
 * Copied statement for statement from {@code RecordingContext.statementsOf(Step.up(revision))} at commit 6bea41c,
 * so that the harness's {@code plain} mode measures the same thing whatever the engine and the revisions become.
 * Do not edit these to follow the revisions: they are the baseline.
 */
final class PlainRevisions {

    /** One revision as the foundation ran it: its statements, in order, in one transaction. */
    record PlainRevision(String id, String revises, String message, List<String> statements) {
    }

    private static final PlainRevision R004 = new PlainRevision("004", "003", "add customer foreign keys", List.of(
            """
            ALTER TABLE customers
                ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE RESTRICT
            """,
            """
            ALTER TABLE customers
                ADD CONSTRAINT fk_customers_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
            """,
            """
            CREATE INDEX ix_customers_created_by ON customers (created_by)
            """,
            """
            CREATE INDEX ix_customers_updated_by ON customers (updated_by)
            """));

    private static final PlainRevision R005 = new PlainRevision("005", "004", "add soft delete columns", List.of(
            """
            ALTER TABLE users
                ADD COLUMN deleted_at timestamptz NULL,
                ADD COLUMN deleted_by uuid NULL
            """,
            """
            ALTER TABLE users
                ADD CONSTRAINT fk_users_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
            """,
            """
            CREATE INDEX ix_users_deleted_at ON users (deleted_at)
            """,
            """
            CREATE INDEX ix_users_deleted_by ON users (deleted_by)
            """,
            """
            COMMENT ON COLUMN users.deleted_at IS 'When the account was soft-deleted; NULL while it is live. Clearing it restores the account.'
            """,
            """
            COMMENT ON COLUMN users.deleted_by IS 'The user who soft-deleted this account; NULL while live or once that user is deleted.'
            """,
            """
            ALTER TABLE customers
                ADD COLUMN deleted_at timestamptz NULL,
                ADD COLUMN deleted_by uuid NULL
            """,
            """
            ALTER TABLE customers
                ADD CONSTRAINT fk_customers_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
            """,
            """
            CREATE INDEX ix_customers_deleted_at ON customers (deleted_at)
            """,
            """
            CREATE INDEX ix_customers_deleted_by ON customers (deleted_by)
            """,
            """
            COMMENT ON COLUMN customers.deleted_at IS 'When the customer was soft-deleted; NULL while live. Live-customer queries filter on deleted_at IS NULL.'
            """,
            """
            COMMENT ON COLUMN customers.deleted_by IS 'The user who soft-deleted the customer; NULL while live or once that user is deleted.'
            """,
            """
            ALTER TABLE audit_logs
                ADD COLUMN deleted_at timestamptz NULL,
                ADD COLUMN deleted_by uuid NULL
            """,
            """
            ALTER TABLE audit_logs
                ADD CONSTRAINT fk_audit_logs_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
            """,
            """
            CREATE INDEX ix_audit_logs_deleted_at ON audit_logs (deleted_at)
            """,
            """
            CREATE INDEX ix_audit_logs_deleted_by ON audit_logs (deleted_by)
            """,
            """
            COMMENT ON COLUMN audit_logs.deleted_at IS 'When the entry was hidden from the trail (e.g. under a retention rule); NULL while visible. The row itself is kept.'
            """,
            """
            COMMENT ON COLUMN audit_logs.deleted_by IS 'The user who hid the entry; NULL while visible or once that user is deleted.'
            """));

    private static final PlainRevision R006 = new PlainRevision("006", "005", "add check constraints", List.of(
            """
            ALTER TABLE users ADD CONSTRAINT ck_users_email_format
                CHECK (email ~* '^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$')
            """,
            """
            ALTER TABLE users ADD CONSTRAINT ck_users_password_hash_length
                CHECK (char_length(password_hash) >= 60)
            """,
            """
            ALTER TABLE users ADD CONSTRAINT ck_users_full_name_not_empty
                CHECK (full_name ~ '\\S')
            """,
            """
            ALTER TABLE customers ADD CONSTRAINT ck_customers_email_format
                CHECK (email ~* '^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$')
            """,
            """
            ALTER TABLE customers ADD CONSTRAINT ck_customers_phone_format
                CHECK (phone IS NULL
                       OR (phone ~ '^[+]?[0-9(][0-9 .()-]*[0-9]$'
                           AND char_length(regexp_replace(phone, '[^0-9]', '', 'g')) BETWEEN 7 AND 15))
            """,
            """
            ALTER TABLE customers ADD CONSTRAINT ck_customers_name_not_empty
                CHECK (name ~ '\\S')
            """,
            """
            ALTER TABLE customers ADD CONSTRAINT ck_customers_postal_code_length
                CHECK (postal_code IS NULL
                       OR char_length(regexp_replace(postal_code, '^\\s+|\\s+$', '', 'g')) BETWEEN 3 AND 10)
            """,
            """
            ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_action_not_empty
                CHECK (action ~ '\\S')
            """,
            """
            ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_resource_type_not_empty
                CHECK (resource_type ~ '\\S')
            """,
            """
            ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_description_not_empty
                CHECK (description ~ '\\S')
            """,
            """
            ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_ip_address_format
                CHECK (ip_address IS NULL
                       OR ip_address ~ '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}'
                                       '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$'
                       OR ip_address ~* '^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$'
                       OR ip_address ~* '^(([0-9a-f]{1,4}:){1,7}:'
                                        '|([0-9a-f]{1,4}:){1,6}(:[0-9a-f]{1,4}){1}'
                                        '|([0-9a-f]{1,4}:){1,5}(:[0-9a-f]{1,4}){1,2}'
                                        '|([0-9a-f]{1,4}:){1,4}(:[0-9a-f]{1,4}){1,3}'
                                        '|([0-9a-f]{1,4}:){1,3}(:[0-9a-f]{1,4}){1,4}'
                                        '|([0-9a-f]{1,4}:){1,2}(:[0-9a-f]{1,4}){1,5}'
                                        '|([0-9a-f]{1,4}:){1}(:[0-9a-f]{1,4}){1,6}'
                                        '|:(:[0-9a-f]{1,4}){1,7}'
                                        '|::)$'
                       OR ip_address ~* '^(([0-9a-f]{1,4}:){6}'
                                        '|::([0-9a-f]{1,4}:){0,5}'
                                        '|([0-9a-f]{1,4}:){1}:([0-9a-f]{1,4}:){0,4}'
                                        '|([0-9a-f]{1,4}:){2}:([0-9a-f]{1,4}:){0,3}'
                                        '|([0-9a-f]{1,4}:){3}:([0-9a-f]{1,4}:){0,2}'
                                        '|([0-9a-f]{1,4}:){4}:([0-9a-f]{1,4}:){0,1}'
                                        '|([0-9a-f]{1,4}:){5}:)'
                                        '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}'
                                        '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$')
            """));

    private PlainRevisions() {
    }

    /** 004, 005, 006, in order. */
    static List<PlainRevision> all() {
        return List.of(R004, R005, R006);
    }
}
