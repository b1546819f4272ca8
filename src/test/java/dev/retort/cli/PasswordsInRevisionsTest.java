package dev.retort.cli;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
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

    /**
     * retort_history's checksum is of the SQL with its passwords masked, so that the table holds nothing to try
     * passwords against offline; a row stored before that (a checksum of the SQL as written) still matches, so no
     * revision is called edited for it.
     */
    @Test
    void theStoredChecksumIsOfTheMaskedSqlAndOneOfTheSqlAsWrittenStillMatches() throws Exception {
        Cli cli = Cli.shipped(home).withRevisions(List.of(createRole()));
        assertThat(cli.runOn(database.postgresUrl(), "upgrade", "head").exitCode()).isEqualTo(ExitCodes.OK);
        String recorded = "SELECT checksum FROM retort_history WHERE outcome = 'success'";

        assertThat(database.column(recorded)).singleElement().isEqualTo(RecordingContext.checksumOf(List.of(
                "CREATE ROLE " + role + " LOGIN PASSWORD '***'", "ALTER ROLE " + role + " ENCRYPTED PASSWORD '***'")));

        database.execute("UPDATE retort_history SET checksum = '" + sha256("CREATE ROLE " + role
                + " LOGIN PASSWORD 'TopSecret1'", "ALTER ROLE " + role + " ENCRYPTED PASSWORD E'Top\\'Secret2'")
                + "' WHERE outcome = 'success'");
        Cli.Result current = cli.runOn(database.postgresUrl(), "current");

        assertThat(current.err()).as("no revision called edited").isEmpty();
        assertThat(current.out()).isEqualTo("001 (head)\n");
    }

    /** SHA-256 of the statements as Retort hashed them before it masked passwords: each, then a zero byte. */
    private static String sha256(String... statements) throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String statement : statements) {
            digest.update(statement.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
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
