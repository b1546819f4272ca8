package dev.retort.migrations;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

/**
 * Turns {@code customers.created_by} and {@code updated_by} into foreign keys to {@code users}, now that users
 * exist, and indexes them so that deleting a user does not scan customers. A user who created customers
 * cannot be deleted (RESTRICT: reassign or soft-delete instead); the last editor is merely forgotten (SET NULL).
 *
 * <p>Online, because customers may already hold millions of rows under live traffic: each key is added
 * {@code NOT VALID} (a brief lock, no scan) and validated in a transaction of its own, which scans customers
 * without blocking writes; the indexes are built {@code CONCURRENTLY}. Every statement can run again after a crash.
 */
public final class R004AddCustomerForeignKeys implements Revision {

    @Override
    public String id() {
        return "004";
    }

    @Override
    public String revises() {
        return "003";
    }

    @Override
    public String message() {
        return "add customer foreign keys";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public void upgrade(MigrationContext context) {
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE RESTRICT
                    NOT VALID
                """);
        context.execute("""
                ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by
                """);
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
                    NOT VALID
                """);
        context.execute("""
                ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_updated_by
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by ON customers (created_by)
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_updated_by ON customers (updated_by)
                """);
    }

    @Override
    public void downgrade(MigrationContext context) {
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_customers_updated_by
                """);
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_customers_created_by
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT IF EXISTS fk_customers_updated_by
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT IF EXISTS fk_customers_created_by
                """);
    }
}
