package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogSnapshotTest {

    /** A small schema with one object of every kind the snapshot reads, each with a comment where one is allowed. */
    private static final List<String> SCHEMA = List.of(
            "CREATE TYPE user_role AS ENUM ('admin', 'corporate', 'client')",
            "COMMENT ON TYPE user_role IS 'What a user may do'",
            "CREATE DOMAIN email_address AS text CONSTRAINT email_address_has_at CHECK (VALUE LIKE '%@%')",
            "CREATE TYPE money_amount AS (amount numeric(12,2), currency char(3))",
            """
            CREATE TABLE users (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                email varchar(255) NOT NULL,
                role user_role NOT NULL DEFAULT 'client',
                deleted_at timestamptz,
                CONSTRAINT ck_users_email_format CHECK (email LIKE '%@%'))""",
            "COMMENT ON TABLE users IS 'People who log in'",
            "COMMENT ON COLUMN users.email IS 'Login; unique among active users'",
            "CREATE UNIQUE INDEX ix_users_email_active ON users (email) WHERE deleted_at IS NULL",
            "COMMENT ON INDEX ix_users_email_active IS 'Deleted users free their address'",
            """
            CREATE TABLE audit_logs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id uuid CONSTRAINT fk_audit_logs_user_id REFERENCES users (id),
                action text NOT NULL,
                at timestamptz NOT NULL DEFAULT now())""",
            "COMMENT ON CONSTRAINT fk_audit_logs_user_id ON audit_logs IS 'Who did it'",
            "CREATE SEQUENCE invoice_no_seq START 1000",
            "CREATE VIEW active_users AS SELECT id, email FROM users WHERE deleted_at IS NULL",
            "CREATE MATERIALIZED VIEW actions_per_user AS "
                    + "SELECT user_id, count(*) AS actions FROM audit_logs GROUP BY user_id",
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "COMMENT ON FUNCTION touch() IS 'Keeps rows fresh'",
            "CREATE TRIGGER trg_users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()",
            "CREATE POLICY users_live ON users FOR SELECT USING (deleted_at IS NULL)",
            "COMMENT ON POLICY users_live ON users IS 'Deleted users are hidden'");

    @Test
    void sameSchemaBuiltInAnotherOrderGivesIdenticalText() throws SQLException {
        String inOrder;
        try (Connection connection = TestPostgres.newDatabase("catalog_in_order").connect()) {
            execute(connection, SCHEMA);
            inOrder = CatalogSnapshot.read(connection).text();
        }
        String shuffled;
        try (Connection connection = TestPostgres.newDatabase("catalog_shuffled").connect()) {
            execute(connection, List.of("CREATE TABLE oid_shifter (a int)", "DROP TABLE oid_shifter"));
            executeBackwards(connection, SCHEMA);
            shuffled = CatalogSnapshot.read(connection).text();
        }

        assertThat(shuffled).isEqualTo(inOrder);
        assertThat(inOrder).contains("enum user_role (admin, corporate, client) -- What a user may do\n");
    }

    @Test
    void sameSchemaUnderAnotherSchemaNameGivesIdenticalText() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("catalog_schemas");
        try (Connection connection = database.connect()) {
            execute(connection, SCHEMA);
            String inPublic = CatalogSnapshot.read(connection).text();
            execute(connection, List.of("CREATE SCHEMA app", "SET search_path = app"));
            execute(connection, SCHEMA);

            assertThat(CatalogSnapshot.read(connection).text()).isEqualTo(inPublic);
        }
    }

    @Test
    void sameNamedObjectsInASchemaAheadOnTheSearchPathChangeNothing() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_shadowed").connect()) {
            execute(connection, SCHEMA);
            execute(connection, List.of("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"));
            String alone = CatalogSnapshot.read(connection).text();

            // A schema named after the role, created later, comes first under the default "$user", public.
            execute(connection, List.of("CREATE SCHEMA app", "CREATE TABLE app.users (id int)",
                    "CREATE TYPE app.user_role AS ENUM ('x')", "CREATE SEQUENCE app.invoice_no_seq",
                    "SET search_path = app, public"));

            assertThat(CatalogSnapshot.read(connection).text()).isEqualTo(alone)
                    .contains("REFERENCES users(id)").doesNotContain("public.");
        }
    }

    @Test
    void aTypeFromASchemaBehindOnTheSearchPathKeepsItsUnqualifiedName() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_extension_schema").connect()) {
            // As an extension installed in a schema of its own, which the search_path names after the migrated one.
            execute(connection, List.of("CREATE SCHEMA extensions", "CREATE DOMAIN extensions.ci_text AS text",
                    "SET search_path = public, extensions",
                    "CREATE TABLE accounts (id int PRIMARY KEY, email ci_text)"));

            assertThat(CatalogSnapshot.read(connection).text()).contains("column email ci_text\n")
                    .doesNotContain("extensions.");
        }
    }

    @Test
    void readingLeavesTheConnectionAsItWas() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_untouched").connect()) {
            execute(connection, SCHEMA);
            execute(connection, List.of("CREATE SCHEMA app", "SET search_path = app, public"));

            CatalogSnapshot.read(connection);
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(searchPath(connection)).isEqualTo("app, public");

            connection.setAutoCommit(false);
            execute(connection, List.of("SET LOCAL search_path = public, app",
                    "INSERT INTO users (email) VALUES ('pending@example.com')"));
            CatalogSnapshot.read(connection);
            assertThat(searchPath(connection)).isEqualTo("public, app");
            connection.commit();
            connection.setAutoCommit(true);
            assertThat(searchPath(connection)).isEqualTo("app, public");
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM public.users")) {
                rows.next();
                assertThat(rows.getInt(1)).as("the caller's pending insert, committed after the read").isEqualTo(1);
            }
        }
    }

    private static String searchPath(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW search_path")) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Test
    void rendersEachKindOfObjectOnItsOwnLine() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_format").connect()) {
            execute(connection, SCHEMA);

            assertThat(CatalogSnapshot.read(connection).text()).isEqualTo("""
                    enum user_role (admin, corporate, client) -- What a user may do
                    domain email_address text constraint email_address_has_at CHECK ((VALUE ~~ '%@%'::text))
                    type money_amount (amount numeric(12,2), currency character(3))
                    sequence audit_logs_id_seq bigint start 1 increment 1 owned by audit_logs.id
                    sequence invoice_no_seq bigint start 1000 increment 1
                    table audit_logs
                      column id bigint not null generated always as identity
                      column user_id uuid
                      column action text not null
                      column at timestamp with time zone not null default now()
                    table users -- People who log in
                      column id uuid not null default gen_random_uuid()
                      column email character varying(255) not null -- Login; unique among active users
                      column role user_role not null default 'client'::user_role
                      column deleted_at timestamp with time zone
                    constraint audit_logs_pkey on audit_logs: PRIMARY KEY (id)
                    constraint fk_audit_logs_user_id on audit_logs: FOREIGN KEY (user_id) REFERENCES users(id) -- Who did it
                    constraint ck_users_email_format on users: CHECK (((email)::text ~~ '%@%'::text))
                    constraint users_pkey on users: PRIMARY KEY (id)
                    index audit_logs_pkey on audit_logs: CREATE UNIQUE INDEX audit_logs_pkey ON audit_logs USING btree (id)
                    index ix_users_email_active on users: CREATE UNIQUE INDEX ix_users_email_active ON users USING btree \
                    (email) WHERE (deleted_at IS NULL) -- Deleted users free their address
                    index users_pkey on users: CREATE UNIQUE INDEX users_pkey ON users USING btree (id)
                    materialized view actions_per_user: SELECT user_id, count(*) AS actions FROM audit_logs GROUP BY \
                    user_id;
                    view active_users: SELECT id, email FROM users WHERE (deleted_at IS NULL);
                    function touch() returns trigger language plpgsql body b3771fd26ec5e368 -- Keeps rows fresh
                    trigger trg_users_touch on users: CREATE TRIGGER trg_users_touch BEFORE UPDATE ON users FOR EACH ROW \
                    EXECUTE FUNCTION touch()
                    policy users_live on users: AS PERMISSIVE FOR SELECT TO public USING ((deleted_at IS NULL)) \
                    -- Deleted users are hidden
                    """);
        }
    }

    @Test
    void extensionsAndRangeTypesStandForTheFunctionsTheyBring() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_extension").connect()) {
            execute(connection, List.of(
                    "CREATE EXTENSION pgcrypto",
                    "CREATE TYPE float_range AS RANGE (subtype = float8)"));

            assertThat(CatalogSnapshot.read(connection).text())
                    .isEqualTo("extension pgcrypto\nrange float_range of double precision\n");
        }
    }

    @Test
    void emptySchemaGivesEmptyText() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_empty").connect()) {
            CatalogSnapshot snapshot = CatalogSnapshot.read(connection);

            assertThat(snapshot.text()).isEmpty();
            assertThat(snapshot.isEmpty()).isTrue();
        }
    }

    @Test
    void withoutTablesLeavesOutTheTablesAndWhatHangsOnThem() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_without").connect()) {
            execute(connection, List.of(
                    "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, "
                            + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
                    "CREATE TABLE retort_history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"));
            CatalogSnapshot snapshot = CatalogSnapshot.read(connection);

            assertThat(snapshot.isEmpty()).isFalse();
            assertThat(snapshot.withoutTables(Set.of("alembic_version")).text()).doesNotContain("alembic_version")
                    .contains("retort_history");
            assertThat(snapshot.withoutTables(Set.of("alembic_version", "retort_history")).isEmpty()).isTrue();
        }
    }

    /** A sequence that no column owns has no table to be left out with; it stays, and so do other tables' policies. */
    @Test
    void withoutTablesKeepsAFreeSequenceAndLeavesOutTheTablesPolicies() throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_without_free").connect()) {
            execute(connection, List.of(
                    "CREATE TABLE retort_history (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
                    "CREATE POLICY history_hidden ON retort_history USING (false)",
                    "CREATE SEQUENCE s1"));

            assertThat(CatalogSnapshot.read(connection).withoutTables(Set.of("retort_history")).text())
                    .isEqualTo("sequence s1 bigint start 1 increment 1\n");
        }
    }

    @Test
    void droppedIndexShows() throws SQLException {
        assertThat(differenceAfter("DROP INDEX ix_users_email_active")).singleElement().asString()
                .startsWith("- index ix_users_email_active on users: CREATE UNIQUE INDEX");
    }

    @Test
    void extraColumnShows() throws SQLException {
        assertThat(differenceAfter("ALTER TABLE users ADD COLUMN nickname text"))
                .containsExactly("+   column nickname text");
    }

    @Test
    void changedDefaultShows() throws SQLException {
        assertThat(differenceAfter("ALTER TABLE users ALTER COLUMN role SET DEFAULT 'admin'")).containsExactly(
                "-   column role user_role not null default 'client'::user_role",
                "+   column role user_role not null default 'admin'::user_role");
    }

    @Test
    void constraintLeftNotValidShows() throws SQLException {
        List<String> difference = differenceAfter(
                "ALTER TABLE users DROP CONSTRAINT ck_users_email_format",
                "ALTER TABLE users ADD CONSTRAINT ck_users_email_format CHECK (email LIKE '%@%') NOT VALID");

        assertThat(difference).containsExactly(
                "- constraint ck_users_email_format on users: CHECK (((email)::text ~~ '%@%'::text))",
                "+ constraint ck_users_email_format on users: CHECK (((email)::text ~~ '%@%'::text)) NOT VALID");
    }

    @Test
    void indexLeftInvalidByFailedConcurrentBuildShows() throws SQLException {
        List<String> difference = differenceAfter(connection -> {
            execute(connection, List.of("INSERT INTO users (email, deleted_at) "
                    + "VALUES ('twin@example.com', now()), ('twin@example.com', now())"));
            // CONCURRENTLY cannot run in a transaction block; the connection is in autocommit, as PostgreSQL needs.
            assertThatThrownBy(() -> execute(connection,
                    List.of("CREATE UNIQUE INDEX CONCURRENTLY ix_users_email_unique ON users (email)")))
                    .hasMessageContaining("could not create unique index");
        });

        assertThat(difference).containsExactly("+ index ix_users_email_unique on users: "
                + "CREATE UNIQUE INDEX ix_users_email_unique ON users USING btree (email) [INVALID]");
    }

    @Test
    void enumValueAddedByHandShows() throws SQLException {
        assertThat(differenceAfter("ALTER TYPE user_role ADD VALUE 'auditor'")).containsExactly(
                "- enum user_role (admin, corporate, client) -- What a user may do",
                "+ enum user_role (admin, corporate, client, auditor) -- What a user may do");
    }

    @Test
    void changedCommentShows() throws SQLException {
        assertThat(differenceAfter("COMMENT ON TABLE users IS 'Everyone with a login'")).containsExactly(
                "- table users -- People who log in",
                "+ table users -- Everyone with a login");
    }

    @Test
    void unloggedTableShows() throws SQLException {
        assertThat(differenceAfter("ALTER TABLE audit_logs SET UNLOGGED")).containsExactly(
                "- table audit_logs",
                "+ unlogged table audit_logs");
    }

    @Test
    void rowLevelSecurityEnabledAndForcedShows() throws SQLException {
        assertThat(differenceAfter("ALTER TABLE users ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE users FORCE ROW LEVEL SECURITY")).containsExactly(
                "- table users -- People who log in",
                "+ table users [ENABLE ROW LEVEL SECURITY] [FORCE ROW LEVEL SECURITY] -- People who log in");
    }

    @Test
    void policyShowsWithItsCommandRolesAndExpressions() throws SQLException {
        assertThat(differenceAfter("CREATE POLICY own_audit ON audit_logs AS RESTRICTIVE FOR UPDATE TO public "
                + "USING (user_id IS NOT NULL) WITH CHECK (action <> 'erase')")).containsExactly(
                "+ policy own_audit on audit_logs: AS RESTRICTIVE FOR UPDATE TO public USING ((user_id IS NOT NULL)) "
                        + "WITH CHECK ((action <> 'erase'::text))");
    }

    @Test
    void changedPolicyExpressionShows() throws SQLException {
        assertThat(differenceAfter("ALTER POLICY users_live ON users USING (true)")).containsExactly(
                "- policy users_live on users: AS PERMISSIVE FOR SELECT TO public USING ((deleted_at IS NULL)) "
                        + "-- Deleted users are hidden",
                "+ policy users_live on users: AS PERMISSIVE FOR SELECT TO public USING (true) "
                        + "-- Deleted users are hidden");
    }

    /** users has no TOAST table (no column can outgrow a page), so its TOAST parameter is set on audit_logs. */
    @Test
    void storageParametersOfTablesTheirToastAndIndexesShow() throws SQLException {
        List<String> difference = differenceAfter(
                "ALTER TABLE users SET (fillfactor = 50, autovacuum_enabled = false)",
                "ALTER TABLE audit_logs SET (toast.autovacuum_enabled = false)",
                "ALTER INDEX ix_users_email_active SET (fillfactor = 70)");

        assertThat(difference).containsExactly(
                "- table audit_logs",
                "- table users -- People who log in",
                "- index ix_users_email_active on users: CREATE UNIQUE INDEX ix_users_email_active ON users "
                        + "USING btree (email) WHERE (deleted_at IS NULL) -- Deleted users free their address",
                "+ table audit_logs with (toast.autovacuum_enabled=false)",
                "+ table users with (autovacuum_enabled=false, fillfactor=50) -- People who log in",
                "+ index ix_users_email_active on users: CREATE UNIQUE INDEX ix_users_email_active ON users "
                        + "USING btree (email) WITH (fillfactor='70') WHERE (deleted_at IS NULL) "
                        + "-- Deleted users free their address");
    }

    @FunctionalInterface
    private interface Change {
        void apply(Connection connection) throws SQLException;
    }

    private static List<String> differenceAfter(String... statements) throws SQLException {
        return differenceAfter(connection -> execute(connection, List.of(statements)));
    }

    /** Builds {@link #SCHEMA} in a new database, applies the change, returns the lines that went (-) and came (+). */
    private static List<String> differenceAfter(Change change) throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("catalog_change").connect()) {
            execute(connection, SCHEMA);
            List<String> before = CatalogSnapshot.read(connection).text().lines().toList();
            change.apply(connection);
            List<String> after = CatalogSnapshot.read(connection).text().lines().toList();

            List<String> difference = new ArrayList<>();
            before.stream().filter(line -> !after.contains(line)).forEach(line -> difference.add("- " + line));
            after.stream().filter(line -> !before.contains(line)).forEach(line -> difference.add("+ " + line));
            return difference;
        }
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Runs the statements last to first; one that needs an object not made yet fails (autocommit undoes it) and is
     * tried again in the next round. The result is the same schema, built in an order nobody chose by hand.
     */
    private static void executeBackwards(Connection connection, List<String> statements) throws SQLException {
        List<String> pending = new ArrayList<>(statements);
        Collections.reverse(pending);
        while (!pending.isEmpty()) {
            List<String> failed = new ArrayList<>();
            for (String sql : pending) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                } catch (SQLException dependencyMissing) {
                    failed.add(sql);
                }
            }
            if (failed.size() == pending.size()) {
                throw new SQLException("statements that never succeed: " + failed);
            }
            pending = failed;
        }
    }
}
