package dev.retort.migrations;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

/**
 * Adds soft delete to users, customers and audit_logs: {@code deleted_at} says when a row was retired and
 * {@code deleted_by} who retired it, so "deleting" becomes an update that can be undone and the history stays.
 * Both are indexed: live-row queries filter on {@code deleted_at}, and deleting a user must find its
 * {@code deleted_by} references without a scan.
 *
 * <p>Online, one table at a time so that no transaction ever holds locks on two of them (which is how plain DDL
 * deadlocks with writers that touch two tables): the columns come first (nullable, no default: a brief lock, no
 * rewrite), then each foreign key {@code NOT VALID} and its validation, then the indexes {@code CONCURRENTLY}.
 * Every statement can run again after a crash.
 */
public final class R005AddSoftDeleteColumns implements Revision {

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
    public boolean online() {
        return true;
    }

    @Override
    public void upgrade(MigrationContext context) {
        // users
        context.execute("""
                ALTER TABLE users
                    ADD COLUMN IF NOT EXISTS deleted_at timestamptz NULL,
                    ADD COLUMN IF NOT EXISTS deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE users
                    ADD CONSTRAINT fk_users_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                    NOT VALID
                """);
        context.execute("""
                ALTER TABLE users VALIDATE CONSTRAINT fk_users_deleted_by
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_deleted_at ON users (deleted_at)
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_deleted_by ON users (deleted_by)
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
                    ADD COLUMN IF NOT EXISTS deleted_at timestamptz NULL,
                    ADD COLUMN IF NOT EXISTS deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                    NOT VALID
                """);
        context.execute("""
                ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_deleted_by
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_deleted_at ON customers (deleted_at)
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_deleted_by ON customers (deleted_by)
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
                    ADD COLUMN IF NOT EXISTS deleted_at timestamptz NULL,
                    ADD COLUMN IF NOT EXISTS deleted_by uuid NULL
                """);
        context.execute("""
                ALTER TABLE audit_logs
                    ADD CONSTRAINT fk_audit_logs_deleted_by FOREIGN KEY (deleted_by) REFERENCES users (id) ON DELETE SET NULL
                    NOT VALID
                """);
        context.execute("""
                ALTER TABLE audit_logs VALIDATE CONSTRAINT fk_audit_logs_deleted_by
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_audit_logs_deleted_at ON audit_logs (deleted_at)
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_audit_logs_deleted_by ON audit_logs (deleted_by)
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
                DROP INDEX CONCURRENTLY IF EXISTS ix_audit_logs_deleted_by
                """);
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_audit_logs_deleted_at
                """);
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT IF EXISTS fk_audit_logs_deleted_by
                """);
        context.execute("""
                ALTER TABLE audit_logs
                    DROP COLUMN IF EXISTS deleted_by,
                    DROP COLUMN IF EXISTS deleted_at
                """);

        // customers
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_customers_deleted_by
                """);
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_customers_deleted_at
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT IF EXISTS fk_customers_deleted_by
                """);
        context.execute("""
                ALTER TABLE customers
                    DROP COLUMN IF EXISTS deleted_by,
                    DROP COLUMN IF EXISTS deleted_at
                """);

        // users
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_users_deleted_by
                """);
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_users_deleted_at
                """);
        context.execute("""
                ALTER TABLE users DROP CONSTRAINT IF EXISTS fk_users_deleted_by
                """);
        context.execute("""
                ALTER TABLE users
                    DROP COLUMN IF EXISTS deleted_by,
                    DROP COLUMN IF EXISTS deleted_at
                """);
    }
}
