package dev.retort.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The diff verify prints, from snapshot text alone: no database needed. */
class SchemaDriftTest {

    private static final String USERS = """
            table users -- Accounts
              column id uuid not null
              column email text not null
              column created_at timestamp with time zone not null default now()
              column updated_at timestamp with time zone not null default now()
              column deleted_at timestamp with time zone
            """;

    /**
     * A copy of a table (CREATE TABLE … (LIKE users)) holds the same column lines. Matched as plain lines, the copy's
     * columns stood in for the original's: the changed default showed as three columns added to users and removed from
     * the copy, and no line said created_at had changed.
     */
    @Test
    void aColumnMatchesOnlyTheSameTablesColumnsSoACopiedTableDoesNotHideAChange() {
        String changed = USERS.replace("created_at timestamp with time zone not null default now()",
                "created_at timestamp with time zone not null");
        String copy = USERS.replace("table users -- Accounts", "table users_archive");

        SchemaDrift drift = SchemaDrift.between("006 (head)", USERS, changed + copy);

        assertThat(drift.diff()).containsExactly(
                "--- expected at 006 (head)",
                "+++ live database",
                "@@ -4,1 +4,1 @@ table users",
                "-  column created_at timestamp with time zone not null default now()",
                "+  column created_at timestamp with time zone not null",
                "@@ -7,0 +7,6 @@",
                "+table users_archive",
                "+  column id uuid not null",
                "+  column email text not null",
                "+  column created_at timestamp with time zone not null default now()",
                "+  column updated_at timestamp with time zone not null default now()",
                "+  column deleted_at timestamp with time zone");
    }

    @Test
    void theSameSnapshotIsNoDrift() {
        SchemaDrift drift = SchemaDrift.between("006 (head)", USERS, USERS);

        assertThat(drift.none()).isTrue();
        assertThat(drift.diff()).isEmpty();
    }
}
