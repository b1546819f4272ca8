package dev.retort.bench;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;

import java.util.ArrayList;
import java.util.List;

/**
 * The revision 007 the bench proposes, and applies only to its own database: two of the seed's reads want their
 * rows newest first, and no index of the seed's gives them in that order for the rows they want.
 * <ul>
 *   <li><b>One user's audit trail.</b> {@code ix_audit_logs_user_id} and {@code ix_audit_logs_user_action} find the
 *       user's entries, but in no useful order, so all of them are read and sorted before the newest 100 are kept
 *       (slow for a busy user); or the planner walks {@code ix_audit_logs_created_at} backwards hoping to meet 100
 *       of the user's entries soon (very slow for a user with few or none). {@code (user_id, created_at DESC)}
 *       yields the user's newest entries first, and the scan stops after 100.</li>
 *   <li><b>Active customers of a type.</b> {@code ix_customers_created_at} read backwards yields the newest
 *       customers, but a quarter of them are business ones, and a fifth are not active: for the newest 50 active
 *       business customers the scan reads and throws away about 150 rows, each a heap fetch. A partial index on
 *       {@code (customer_type, created_at DESC)} of the active, live rows holds exactly the rows the query wants, in
 *       its order: 50 fetched, none thrown away; and it is smaller than a full one.</li>
 * </ul>
 *
 * <p>Not in {@link Migrations#all()}: it is a proposal, measured by {@code retort bench} (the third column of its
 * query table). Online, like 004–006: built {@code CONCURRENTLY}, so writers go on while it builds, and dropped the
 * same way.
 */
public final class ProposedR007NewestFirstIndexes implements Revision {

    public static final String AUDIT_TRAIL_INDEX = "ix_audit_logs_user_created_at";
    public static final String ACTIVE_CUSTOMERS_INDEX = "ix_customers_active_type_created_at";

    /** The seed's revisions, 001 to 006, then this one (a project's own 007 is not in this chain). */
    public static List<Revision> chain() {
        List<Revision> revisions = new ArrayList<>(SeedRevisions.all());
        revisions.add(new ProposedR007NewestFirstIndexes());
        return List.copyOf(revisions);
    }

    @Override
    public String id() {
        return "007";
    }

    @Override
    public String revises() {
        return "006";
    }

    @Override
    public String message() {
        return "add newest-first indexes: a user's audit trail, active customers of a type";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public void upgrade(MigrationContext context) {
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_audit_logs_user_created_at
                    ON audit_logs (user_id, created_at DESC)
                """);
        context.execute("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_active_type_created_at
                    ON customers (customer_type, created_at DESC)
                    WHERE status = 'active' AND deleted_at IS NULL
                """);
    }

    @Override
    public void downgrade(MigrationContext context) {
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_customers_active_type_created_at
                """);
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_audit_logs_user_created_at
                """);
    }
}
