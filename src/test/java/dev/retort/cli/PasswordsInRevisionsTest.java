package dev.retort.cli;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revision that sets a role's password (or a user mapping's) runs it as written, but nothing Retort prints or
 * stores of its SQL holds the password: not the dry run (text or JSON), not the error when it fails (with --json or
 * --debug), not retort_history's progress rows or error. Only the offline script, which is what runs, keeps it.
 * (Security review.)
 */
class PasswordsInRevisionsTest {

    @TempDir
    Path home;

    private TestDatabase database;
    private String role;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("passwords_in_revisions");
        role = "app_" + database.name();
    }

    @AfterEach
    void dropRole() throws SQLException {
        database.execute("DROP ROLE IF EXISTS " + role);
    }

    @Test
    void aRolesPasswordRunsButIsNeverShownNorStored() throws SQLException {
        Cli cli = Cli.shipped(home).withRevisions(List.of(createRole(),
                new Sql("002", "001", false, "ALTER ROLE " + role + " PASSWORD 'TopSecret3' VALID UNTIL 'nonsense'")));

        Cli.Result dryRun = cli.runOn(database.postgresUrl(), "upgrade", "head", "--dry-run");
        Cli.Result dryRunJson = cli.runOn(database.postgresUrl(), "--json", "upgrade", "head", "--dry-run");
        Cli.Result script = cli.run("upgrade", "head", "--sql");
        Cli.Result run = cli.runOn(database.postgresUrl(), "--debug", "upgrade", "head");
        Cli.Result runJson = cli.runOn(database.postgresUrl(), "--json", "upgrade", "head");

        assertThat(dryRun.out()).contains("PASSWORD '***'").doesNotContain("TopSecret");
        assertThat(dryRunJson.out()).contains("PASSWORD '***'").doesNotContain("TopSecret");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("in: ALTER ROLE " + role + " PASSWORD '***' VALID UNTIL 'nonsense'",
                "\tat ");
        assertThat(run.out() + run.err()).doesNotContain("TopSecret");
        assertThat(runJson.out() + runJson.err()).contains("PASSWORD '***'").doesNotContain("TopSecret");
        assertThat(database.column("SELECT concat_ws(' ', part, error) FROM retort_history"))
                .anySatisfy(row -> assertThat(row).contains("ENCRYPTED PASSWORD '***'"))
                .allSatisfy(row -> assertThat(row).doesNotContain("TopSecret"));
        assertThat(database.column("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'"))
                .as("the password was set as written").singleElement().asString().startsWith("SCRAM-SHA-256$");
        assertThat(script.out()).as("the offline script is what runs").contains("PASSWORD 'TopSecret1'");
    }

    @Test
    void anErrorThatPointsAtTheLineOfAPasswordDoesNotQuoteIt() throws SQLException {
        Cli cli = Cli.shipped(home).withRevisions(List.of(createRole(), new Sql("002", "001", false,
                "CREATE USER MAPPING FOR " + role + "\n    SERVER nowhere OPTIONS (user 'a', password 'TopSecret4') x")));

        Cli.Result run = cli.runOn(database.postgresUrl(), "upgrade", "head");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("at line 2 column", "OPTIONS (user 'a', password '***') x")
                .doesNotContain("TopSecret");
        assertThat(database.column("SELECT error FROM retort_history WHERE outcome = 'failed'"))
                .singleElement().asString().contains("password '***'").doesNotContain("TopSecret");
    }

    private Revision createRole() {
        return new Sql("001", null, true, "CREATE ROLE " + role + " LOGIN PASSWORD 'TopSecret1'",
                "ALTER ROLE " + role + " ENCRYPTED PASSWORD E'Top\\'Secret2'");
    }

    /** A revision of the SQL given, with nothing to undo. */
    private record Sql(String id, String revises, boolean online, List<String> up) implements Revision {

        Sql(String id, String revises, boolean online, String... up) {
            this(id, revises, online, List.of(up));
        }

        @Override
        public String message() {
            return "passwords " + id;
        }

        @Override
        public void upgrade(MigrationContext context) {
            up.forEach(context::execute);
        }

        @Override
        public void downgrade(MigrationContext context) {
        }
    }
}
