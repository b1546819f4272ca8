package dev.retort.bench;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

/**
 * The foundation's plain form of this revision (one transaction, no lock timeout), kept unchanged for
 * comparison: see {@link PlainRevisions}.
 *
 * <p>Turns {@code customers.created_by} and {@code updated_by} into foreign keys to {@code users}, now that users
 * exist, and indexes them so that deleting a user does not scan customers. A user who created customers
 * cannot be deleted (RESTRICT: reassign or soft-delete instead); the last editor is merely forgotten (SET NULL).
 */
public final class PlainR004AddCustomerForeignKeys implements Revision {

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
    public void upgrade(MigrationContext context) {
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE RESTRICT
                """);
        context.execute("""
                ALTER TABLE customers
                    ADD CONSTRAINT fk_customers_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
                """);
        context.execute("""
                CREATE INDEX ix_customers_created_by ON customers (created_by)
                """);
        context.execute("""
                CREATE INDEX ix_customers_updated_by ON customers (updated_by)
                """);
    }

    @Override
    public void downgrade(MigrationContext context) {
        context.execute("""
                DROP INDEX ix_customers_updated_by
                """);
        context.execute("""
                DROP INDEX ix_customers_created_by
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT fk_customers_updated_by
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT fk_customers_created_by
                """);
    }
}
