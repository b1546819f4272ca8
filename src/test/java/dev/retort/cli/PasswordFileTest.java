package dev.retort.cli;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.jdbcurlresolver.PgPassParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A password file that its group or others may read is refused as psql refuses it: a warning in psql's words, and
 * pgjdbc reads no password file from then on. The test server trusts every login, so what pgjdbc would send is asked
 * of pgjdbc's own reader of the file.
 */
class PasswordFileTest {

    private static final String PGJDBC_PROPERTY = "org.postgresql.pgpassfile";

    @TempDir
    Path home;

    private final TestDatabase database = TestPostgres.newDatabase("pgpass");

    @AfterEach
    void forgetThePasswordFile() {
        System.clearProperty(PGJDBC_PROPERTY);
    }

    @Test
    void aFileOthersMayReadIsRefusedWithPsqlsWarningAndPgjdbcReadsItNoMore() throws IOException {
        Path file = passwordFile("rw-r--r--");
        System.setProperty(PGJDBC_PROPERTY, file.toString());
        assertThat(passwordPgjdbcWouldSend()).isEqualTo("s3cret");

        Cli.Result result = Cli.shipped(home).runOn(database.postgresUrl(), "current");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEqualTo("retort: warning: password file \"" + file + "\" has group or world "
                + "access; permissions should be u=rw (0600) or less\n");
        assertThat(passwordPgjdbcWouldSend()).isNull();
    }

    @Test
    void aFileNamedByPgpassfileIsCheckedToo() throws IOException {
        Path file = passwordFile("rw-rw----");

        Cli.Result result = Cli.shipped(home).withEnvironment(Map.of("PGPASSFILE", file.toString()))
                .runOn(database.postgresUrl(), "current");

        assertThat(result.err()).startsWith("retort: warning: password file \"" + file + "\" has group or world");
    }

    @Test
    void aFileOnlyItsOwnerMayReadIsLeftToPgjdbc() throws IOException {
        Path file = passwordFile("rw-------");
        System.setProperty(PGJDBC_PROPERTY, file.toString());

        Cli.Result result = Cli.shipped(home).runOn(database.postgresUrl(), "current");

        assertThat(result.err()).isEmpty();
        assertThat(passwordPgjdbcWouldSend()).isEqualTo("s3cret");
    }

    @Test
    void aUrlWithItsPasswordReadsNoFileAndWarnsOfNone() throws IOException {
        System.setProperty(PGJDBC_PROPERTY, passwordFile("rw-r--r--").toString());

        Cli.Result result = Cli.shipped(home).runOn("postgresql://postgres:any@localhost:" + database.port() + "/"
                + database.name(), "current");

        assertThat(result.err()).isEmpty();
    }

    /** psql looks for ~/.pgpass under $HOME, not under the account's home (which is Java's user.home). */
    @Test
    void thePasswordFileIsLookedForUnderHomeAsPsqlLooksForIt() throws IOException {
        Path dotPgpass = Files.move(passwordFile("rw-r--r--"), home.resolve(".pgpass"));
        assertThat(home).isNotEqualTo(Path.of(System.getProperty("user.home")));

        Cli.Result exposed = Cli.shipped(home).withEnvironment(Map.of("HOME", home.toString()))
                .runOn(database.postgresUrl(), "current");

        assertThat(exposed.err()).startsWith("retort: warning: password file \"" + dotPgpass + "\" has group");
        System.clearProperty(PGJDBC_PROPERTY);
        Files.setPosixFilePermissions(dotPgpass, PosixFilePermissions.fromString("rw-------"));

        Cli.Result used = Cli.shipped(home).withEnvironment(Map.of("HOME", home.toString()))
                .runOn(database.postgresUrl(), "current");

        assertThat(used.err()).isEmpty();
        assertThat(passwordPgjdbcWouldSend()).isEqualTo("s3cret");
    }

    private Path passwordFile(String permissions) throws IOException {
        Path file = Files.writeString(home.resolve("pgpass-" + permissions), "*:*:*:*:s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private String passwordPgjdbcWouldSend() {
        return PgPassParser.getPassword("localhost", String.valueOf(database.port()), database.name(), "postgres");
    }
}
