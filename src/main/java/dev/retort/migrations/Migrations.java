package dev.retort.migrations;

import dev.retort.engine.Revision;

import java.util.List;

/**
 * The seed's schema, in order. {@code retort revision -m "…"} adds a new revision at the end of this list by
 * inserting one line above the marker comment; an array initializer takes a trailing comma, so every entry ends
 * with one and adding a revision never edits the line before it.
 */
public final class Migrations {

    private Migrations() {
    }

    public static List<Revision> all() {
        Revision[] revisions = {
                new R001CreateCustomersTable(),
                new R002CreateUsersTable(),
                new R003CreateAuditLogsTable(),
                new R004AddCustomerForeignKeys(),
                new R005AddSoftDeleteColumns(),
                new R006AddCheckConstraints(),
                // retort revision -m adds new revisions above this line
        };
        return List.of(revisions);
    }
}
