package dev.retort.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded server asks every login for a password that only the developer may read (security review: it
 * trusted every local login, so any local user could log in as its superuser while a command ran, and run programs
 * as the developer through COPY … TO PROGRAM).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedPasswordTest {

    @TempDir
    Path home;

    @Test
    void aNewClusterRefusesALoginWithoutThePasswordThatOnlyItsOwnerMayRead() throws Exception {
        Cli.Result upgrade = Cli.shipped(home).run("upgrade", "003");
        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();

        Path passwordFile = home.resolve(".retort/password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".retort"))))
                .as("the folder of the binaries it runs too, which zonky leaves writable by all").isEqualTo("rwx------");
        String password = Files.readString(passwordFile).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(43);

        try (EmbeddedDatabase database = start()) {
            assertRefusedWithout(password, database.port());
            assertThat(hbaMethods(database.port(), password)).as("the socket too").containsOnly("password");
        }
        Cli.Result current = Cli.shipped(home).run("current");
        assertThat(current.out()).as(current.err()).isEqualTo("003\n");
    }

    @Test
    void aClusterThatTrustedEveryLoginIsConvertedOnItsFirstStartAndKeepsItsData() throws Exception {
        Path hba = makeTrustingCluster();
        String before = Files.readString(hba);
        Files.setPosixFilePermissions(home.resolve(".retort"), PosixFilePermissions.fromString("rwxr-xr-x"));

        Cli.Result current = Cli.shipped(home).run("current");

        assertThat(current.exitCode()).as(current.err()).isZero();
        assertThat(current.out()).isEqualTo("<base>\n");
        Path passwordFile = home.resolve(".retort/password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".retort"))))
                .as("an earlier Retort's folder, narrowed").isEqualTo("rwx------");
        assertThat(Files.readString(hba)).as("only the trust methods change")
                .isEqualTo(before.replaceAll("(?m)trust(\\s*(#.*)?)$", "password$1"));
        String password = Files.readString(passwordFile).strip();
        try (EmbeddedDatabase database = start()) {
            assertRefusedWithout(password, database.port());
            assertThat(kept(database.port(), password)).isEqualTo("made before the conversion");
        }
    }

    /**
     * Killed after the password file was written and the password perhaps set, but before pg_hba.conf was
     * rewritten: the next start finds trust still there, and finishes with the same file.
     */
    @Test
    void aConversionCutShortIsFinishedByTheNextStartWithTheSamePassword() throws Exception {
        makeTrustingCluster();
        Path passwordFile = home.resolve(".retort/password");
        Files.writeString(passwordFile, "written-before-the-kill\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));

        Cli.Result current = Cli.shipped(home).run("current");

        assertThat(current.exitCode()).as(current.err()).isZero();
        assertThat(Files.readString(passwordFile)).isEqualTo("written-before-the-kill\n");
        try (EmbeddedDatabase database = start()) {
            assertRefusedWithout("written-before-the-kill", database.port());
            assertThat(kept(database.port(), "written-before-the-kill")).isEqualTo("made before the conversion");
        }
    }

    @Test
    void aMissingPasswordFileIsToldNotReplacedWithOneTheServerWouldRefuse() throws Exception {
        assertThat(Cli.shipped(home).run("current").exitCode()).isZero();
        Files.delete(home.resolve(".retort/password"));

        Cli.Result current = Cli.shipped(home).run("current");

        assertThat(current.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(current.err()).contains("asks for the password kept in " + home.resolve(".retort/password")
                + ", which is missing. Put it back, or delete ");
        assertThat(home.resolve(".retort/password")).doesNotExist();
    }

    @Test
    void thePasswordIsNeverPrinted() throws Exception {
        makeTrustingCluster();
        List<Cli.Result> results = new ArrayList<>();
        Cli cli = Cli.shipped(home);
        results.add(cli.run("--debug", "upgrade", "head"));
        results.add(cli.run("--debug", "--json", "current"));
        results.add(cli.run("--json", "upgrade", "head"));
        results.add(cli.run("--debug", "history", "--verbose"));
        results.add(cli.run("--debug", "--json", "downgrade", "no_such_revision"));
        results.add(cli.run("--debug", "stamp", "no_such_revision"));
        String password = Files.readString(home.resolve(".retort/password")).strip();

        assertThat(results.get(0).exitCode()).as(results.get(0).err()).isZero();
        for (Cli.Result result : results) {
            assertThat(result.out() + result.err()).doesNotContain(password);
        }
    }

    /** bench --cli gives its commands a URL of the embedded server that logs in (its password in PGPASSWORD). */
    @Test
    void theUrlForBenchCommandsLogsIn() throws Exception {
        try (DatabaseSession session = new DatabaseSession(null, home, Duration.ofSeconds(30),
                new PrintWriter(new StringWriter()), EarlyConnection.NONE)) {
            ConnectionUrl url = ConnectionUrl.parse(session.postgresUrlFor("postgres"));
            try (Connection connection = url.dataSource("test").getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT current_user")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("postgres");
            }
        }
    }

    /** A cluster as every Retort before this one made it: zonky's initdb (-A trust), no password. */
    private Path makeTrustingCluster() throws Exception {
        Path folder = home.resolve(".retort");
        Path dataDirectory = folder.resolve("pg" + EmbeddedDatabase.MAJOR_VERSION);
        try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(folder.resolve("bin").toFile())
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .start();
             Connection connection = old.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (note text)");
            statement.execute("INSERT INTO kept VALUES ('made before the conversion')");
        }
        Path hba = dataDirectory.resolve("pg_hba.conf");
        assertThat(Files.readString(hba)).contains("127.0.0.1/32            trust");
        // A line of the developer's own, and a comment: kept as they are but for the method.
        Files.writeString(hba, Files.readString(hba) + "# the team's VPN\nhost all all 10.0.0.0 255.0.0.0 trust  # VPN\n");
        return hba;
    }

    private EmbeddedDatabase start() {
        return EmbeddedDatabase.start(home, Duration.ofSeconds(30), new PrintWriter(new StringWriter()));
    }

    private static void assertRefusedWithout(String password, int port) {
        assertThatThrownBy(() -> connect(port, null).close()).isInstanceOf(SQLException.class)
                .hasMessageContaining("no password was provided");
        assertThatThrownBy(() -> connect(port, password + "x").close()).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    private static List<String> hbaMethods(int port, String password) throws SQLException {
        List<String> methods = new ArrayList<>();
        try (Connection connection = connect(port, password); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT auth_method FROM pg_hba_file_rules")) {
            while (rows.next()) {
                methods.add(rows.getString(1));
            }
        }
        return methods;
    }

    private static String kept(int port, String password) throws SQLException {
        try (Connection connection = connect(port, password); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT note FROM kept")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static Connection connect(int port, String password) throws SQLException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"localhost"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName("postgres");
        dataSource.setUser("postgres");
        dataSource.setPassword(password);
        return dataSource.getConnection();
    }
}
