package dev.retort.migrations;

import dev.retort.engine.Revision;

import java.util.List;

/** The seed's schema, in order. A new revision is added at the end of this list. */
public final class Migrations {

    private Migrations() {
    }

    public static List<Revision> all() {
        return List.of(
                new R001CreateCustomersTable(),
                new R002CreateUsersTable(),
                new R003CreateAuditLogsTable(),
                new R004AddCustomerForeignKeys(),
                new R005AddSoftDeleteColumns(),
                new R006AddCheckConstraints()
        );
    }
}
