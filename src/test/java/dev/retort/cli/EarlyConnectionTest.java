package dev.retort.cli;

import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection opened while picocli reads the command line: taken by the command when it is its own, else closed. */
class EarlyConnectionTest {

    private static final String URL = "postgresql://app:secret@db.example.com:5433/app";
    private static final String[][] NOT_SURE = {
            {"current"}, {"heads", "--url", URL}, {"history", "--url", URL}, {"revision", "-m", "x", "--url", URL},
            {"--url", URL, "current", "--help"}, {"--url", URL, "current", "-vh"}, {"--url", URL, "-V"},
            {"--url", URL, "upgrade", "head", "--sql"}, {"--url", URL, "help", "current"}, {"@args.txt"},
            {"--url", URL, "--url", URL, "current"}, {"--url", "mysql://db/app", "current"}, {"--url", "", "current"}};

    @TempDir
    Path home;

    @Test
    void aVerbThatConnectsToAServerItNamesHasThatServersUrl() {
        assertThat(EarlyConnection.urlFor(new String[] {"--url", URL, "current"}, Map.of()))
                .contains(ConnectionUrl.parse(URL));
        assertThat(EarlyConnection.urlFor(new String[] {"upgrade", "head", "--url=" + URL}, Map.of()))
                .contains(ConnectionUrl.parse(URL));
        assertThat(EarlyConnection.urlFor(new String[] {"downgrade", "-1"},
                Map.of("DATABASE_URL", "postgresql://app@db/app", "PGPASSWORD", "pw")))
                .contains(ConnectionUrl.parse("postgresql://app@db/app").withPasswordIfAbsent("pw"));
    }

    @Test
    void noneWhenTheScanIsNotSureTheCommandConnectsOrWhere() {
        for (String[] args : NOT_SURE) {
            assertThat(EarlyConnection.urlFor(args, Map.of())).as(String.join(" ", args)).isEmpty();
        }
        assertThat(EarlyConnection.urlFor(new String[] {"current"}, Map.of("DATABASE_URL", " "))).isEmpty();
    }

    /** The command warns of such a file and has pgjdbc ignore it: an early connection would have used it. */
    @Test
    void noneWhenTheUrlHasNoPasswordAndThePasswordFileIsOpenToOthers() throws IOException {
        Path file = Files.writeString(home.resolve("pgpass"), "*:*:*:*:s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> environment = Map.of("PGPASSFILE", file.toString());

        assertThat(EarlyConnection.urlFor(new String[] {"--url", "postgresql://app@db/app", "current"}, environment))
                .isEmpty();
        assertThat(EarlyConnection.urlFor(new String[] {"--url", URL, "current"}, environment)).isPresent();
    }

    @Test
    void theCommandTakesTheConnectionOpenedForIt() {
        TestDatabase database = TestPostgres.newDatabase("early");
        String[] upgrade = {"--url", database.postgresUrl(), "upgrade", "head"};
        try (EarlyConnection early = EarlyConnection.forCommandLine(upgrade, Map.of())) {
            assertThat(Cli.shipped(home).runWith(early, upgrade).exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(early.handedOut()).isTrue();
        }

        // As the command reads them: --url=… and a password from PGPASSWORD (which this server does not ask for).
        Map<String, String> environment = Map.of("PGPASSWORD", "unasked");
        String[] current = {"current", "--url=" + database.postgresUrl()};
        try (EarlyConnection early = EarlyConnection.forCommandLine(current, environment)) {
            assertThat(Cli.shipped(home).withEnvironment(environment).runWith(early, current).out())
                    .isEqualTo(ProjectHead.label() + "\n");
            assertThat(early.handedOut()).isTrue();
        }
    }

    @Test
    void aConnectionToAnotherServerThanTheCommandsIsNotTakenAndIsClosedAtTheEnd() throws SQLException {
        TestDatabase planned = TestPostgres.newDatabase("early_planned");
        TestDatabase used = TestPostgres.newDatabase("early_used");
        Connection opened;
        try (EarlyConnection early = EarlyConnection.open(ConnectionUrl.parse(planned.postgresUrl()))) {
            opened = early.awaitOpened().orElseThrow();

            assertThat(Cli.shipped(home).runWith(early, "--url", used.postgresUrl(), "current").out())
                    .isEqualTo("<base>\n");
            assertThat(early.handedOut()).isFalse();
            assertThat(opened.isClosed()).isFalse();
        }
        assertThat(opened.isClosed()).isTrue();
    }

    @Test
    void aUsageErrorTakesNoneAndTheConnectionIsClosed() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("early_usage");
        String[] typo = {"--url", database.postgresUrl(), "upgrade", "hed"};
        Connection opened;
        try (EarlyConnection early = EarlyConnection.forCommandLine(typo, Map.of())) {
            opened = early.awaitOpened().orElseThrow();

            assertThat(Cli.shipped(home).runWith(early, typo).exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(early.handedOut()).isFalse();
        }
        assertThat(opened.isClosed()).isTrue();
    }

    @Test
    void aConnectionThatOpensOnlyAfterTheCommandEndedIsClosedOnceOpen() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("early_late");
        CountDownLatch commandEnded = new CountDownLatch(1);
        EarlyConnection early = new EarlyConnection(ConnectionUrl.parse(database.postgresUrl()), () -> {
            commandEnded.await();
            return database.connect();
        }).start();

        early.close();
        commandEnded.countDown();

        assertThat(early.awaitOpened().orElseThrow().isClosed()).isTrue();
    }

    @Test
    void theConnectionTheCommandTookIsLeftToIt() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("early_taken");
        ConnectionUrl url = ConnectionUrl.parse(database.postgresUrl());
        EarlyConnection early = EarlyConnection.open(url);
        DataSource served = early.serving(url, () -> {
            throw new AssertionError("the command's own data source is made only when it needs one");
        });

        try (Connection taken = served.getConnection()) {
            early.close();
            assertThat(taken.isClosed()).isFalse();
        }
    }

    @Test
    void aFailureToOpenIsTheCommandsFailureAndNoSecondLoginIsTried() {
        SQLException refused = new SQLException("the server refused", "08001");
        ConnectionUrl url = ConnectionUrl.parse(URL);
        try (EarlyConnection early = new EarlyConnection(url, () -> {
            throw refused;
        }).start()) {
            DataSource served = early.serving(url, () -> {
                throw new AssertionError("a second login");
            });

            assertThatThrownBy(served::getConnection).isSameAs(refused);
        }
    }

    @Test
    void aServerThatCannotBeReachedGivesTheErrorAndExitCodeItGivesWithout() {
        String[] args = {"--url", "postgresql://app:secret@127.0.0.1:1/app", "current"};

        Cli.Result without = Cli.shipped(home).run(args);
        Cli.Result with;
        try (EarlyConnection early = EarlyConnection.forCommandLine(args, Map.of())) {
            with = Cli.shipped(home).runWith(early, args);
            assertThat(early.handedOut()).isTrue();
        }
        assertThat(without.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(with).isEqualTo(without);
        assertThat(with.err()).doesNotContain("secret");
    }
}
