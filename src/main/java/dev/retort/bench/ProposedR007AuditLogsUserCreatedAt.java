package dev.retort.bench;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;

import java.util.ArrayList;
import java.util.List;

/**
 * The revision 007 the bench proposes, and applies only to its own database: the seed's indexes do not serve "one
 * user's audit trail, newest first". {@code ix_audit_logs_user_id} and {@code ix_audit_logs_user_action} find the
 * user's entries, but in no useful order, so all of them are read and sorted before the newest 100 are kept (slow
 * for a busy user); or the planner walks {@code ix_audit_logs_created_at} backwards hoping to meet 100 of the user's
 * entries soon (very slow for a user with few or none). An index on {@code (user_id, created_at DESC)} yields the
 * user's newest entries first, and the scan stops after 100.
 *
 * <p>Not in {@link Migrations#all()}: it is a proposal, measured by {@code retort bench} (the third column of its
 * query table). Online, like 004–006: built {@code CONCURRENTLY}, so writers go on while it builds, and dropped the
 * same way.
 */
public final class ProposedR007AuditLogsUserCreatedAt implements Revision {

    public static final String INDEX = "ix_audit_logs_user_created_at";

    /** The shipped revisions, then this one. */
    public static List<Revision> chain() {
        List<Revision> revisions = new ArrayList<>(Migrations.all());
        revisions.add(new ProposedR007AuditLogsUserCreatedAt());
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
        return "add audit_logs (user_id, created_at) index";
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
    }

    @Override
    public void downgrade(MigrationContext context) {
        context.execute("""
                DROP INDEX CONCURRENTLY IF EXISTS ix_audit_logs_user_created_at
                """);
    }
}
