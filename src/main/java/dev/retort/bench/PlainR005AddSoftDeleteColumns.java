package dev.retort.bench;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

/**
 * The foundation's plain form of this revision (one transaction, no lock timeout), kept unchanged for
 * comparison: see {@link PlainRevisions}.
 *
 * <p>Adds soft delete to users, customers and audit_logs: {@code deleted_at} says when a row was retired and
 * {@code deleted_by} who retired it, so "deleting" becomes an update that can be undone and the history stays.
 * Both are indexed: live-row queries filter on {@code deleted_at}, and deleting a user must find its
 * {@code deleted_by} references without a scan.
 */
public final class PlainR005AddSoftDeleteColumns implements Revision {

    @Override
    public String id() {
        return "005";
    }

    @Override
    public String revises() {
        return "004";
    }

    @Override
    public String message() {
        return "add soft delete columns";
    }

    @Override
    public void upgrade(MigrationContext context) {
        // users
        context.execute("""
                ALTER TABLE users
                    ADD COLUMN deleted_at timestamptz NULL,
                    ADD COLUMN deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE users
                    ADD CONSTRAINT fk_users_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                """);
        context.execute("""
                CREATE INDEX ix_users_deleted_at ON users (deleted_at)
                """);
        context.execute("""
                CREATE INDEX ix_users_deleted_by ON users (deleted_by)
                """);
        context.execute("""
                COMMENT ON COLUMN users.deleted_at IS 'When the account was soft-deleted; NULL while it is live. Clearing it restores the account.'
                """);
        context.execute("""
                COMMENT ON COLUMN users.deleted_by IS 'The user who soft-deleted this account; NULL while live or once that user is deleted.'
                """);

        // customers
        context.execute("""
                ALTER TABLE customers
                    ADD COLUMN deleted_at timestamptz NULL,
                    ADD COLUMN deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                """);
        context.execute("""
                CREATE INDEX ix_customers_deleted_at ON customers (deleted_at)
                """);
        context.execute("""
                CREATE INDEX ix_customers_deleted_by ON customers (deleted_by)
                """);
        context.execute("""
                COMMENT ON COLUMN customers.deleted_at IS 'When the customer was soft-deleted; NULL while live. Live-customer queries filter on deleted_at IS NULL.'
                """);
        context.execute("""
                COMMENT ON COLUMN customers.deleted_by IS 'The user who soft-deleted the customer; NULL while live or once that user is deleted.'
                """);

        // audit_logs
        context.execute("""
                ALTER TABLE audit_logs
                    ADD COLUMN deleted_at timestamptz NULL,
                    ADD COLUMN deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE audit_logs
                    ADD CONSTRAINT fk_audit_logs_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                """);
        context.execute("""
                CREATE INDEX ix_audit_logs_deleted_at ON audit_logs (deleted_at)
                """);
        context.execute("""
                CREATE INDEX ix_audit_logs_deleted_by ON audit_logs (deleted_by)
                """);
        context.execute("""
                COMMENT ON COLUMN audit_logs.deleted_at IS 'When the entry was hidden from the trail (e.g. under a retention rule); NULL while visible. The row itself is kept.'
                """);
        context.execute("""
                COMMENT ON COLUMN audit_logs.deleted_by IS 'The user who hid the entry; NULL while visible or once that user is deleted.'
                """);
    }

    /** Undoes the upgrade table by table in reverse order; dropping a column also drops its comment. */
    @Override
    public void downgrade(MigrationContext context) {
        // audit_logs
        context.execute("""
                DROP INDEX ix_audit_logs_deleted_by
                """);
        context.execute("""
                DROP INDEX ix_audit_logs_deleted_at
                """);
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT fk_audit_logs_deleted_by
                """);
        context.execute("""
                ALTER TABLE audit_logs
                    DROP COLUMN deleted_by,
                    DROP COLUMN deleted_at
                """);

        // customers
        context.execute("""
                DROP INDEX ix_customers_deleted_by
                """);
        context.execute("""
                DROP INDEX ix_customers_deleted_at
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT fk_customers_deleted_by
                """);
        context.execute("""
                ALTER TABLE customers
                    DROP COLUMN deleted_by,
                    DROP COLUMN deleted_at
                """);

        // users
        context.execute("""
                DROP INDEX ix_users_deleted_by
                """);
        context.execute("""
                DROP INDEX ix_users_deleted_at
                """);
        context.execute("""
                ALTER TABLE users DROP CONSTRAINT fk_users_deleted_by
                """);
        context.execute("""
                ALTER TABLE users
                    DROP COLUMN deleted_by,
                    DROP COLUMN deleted_at
                """);
    }
}
