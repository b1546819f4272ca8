package dev.retort.engine;

import dev.retort.engine.DriftedObject.Change;
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

    /** In the diff's order: a hunk's - lines, then its + lines. */
    @Test
    void theObjectsThatDifferAreCountedOnceATableWithItsColumns() {
        String expected = USERS + """
                table notes
                  column body text
                constraint ck_users_email on users: CHECK ((email ~ '@'::text))
                index ix_users_email on users: CREATE INDEX ix_users_email ON users USING btree (email)
                """;
        String live = USERS.replace("  column deleted_at", "  column nickname text\n  column deleted_at") + """
                table orders
                  column id uuid not null
                  column total numeric(12,2)
                constraint ck_users_email on users: CHECK ((email ~ '@'::text)) NOT VALID
                """;

        SchemaDrift drift = SchemaDrift.between("006 (head)", expected, live);

        assertThat(drift.objects()).containsExactly(
                new DriftedObject("column", "users.nickname", Change.EXTRA),
                new DriftedObject("table", "notes", Change.MISSING),
                new DriftedObject("constraint", "ck_users_email on users", Change.CHANGED),
                new DriftedObject("index", "ix_users_email on users", Change.MISSING),
                new DriftedObject("table", "orders", Change.EXTRA));
    }

    @Test
    void aChangedColumnIsOneChangedObjectAndACopiedTableOneExtra() {
        String changed = USERS.replace("created_at timestamp with time zone not null default now()",
                "created_at timestamp with time zone not null");

        SchemaDrift drift = SchemaDrift.between("006 (head)", USERS, changed + USERS.replace("users", "users_archive"));

        assertThat(drift.objects()).containsExactly(
                new DriftedObject("column", "users.created_at", Change.CHANGED),
                new DriftedObject("table", "users_archive", Change.EXTRA));
    }
}
