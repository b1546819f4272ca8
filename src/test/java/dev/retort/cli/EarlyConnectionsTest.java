package dev.retort.cli;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Connections opened while picocli reads the command line: taken by the command when they are its own, else closed. */
class EarlyConnectionsTest {

    private static final String URL = "postgresql://app:secret@db.example.com:5433/app";
    private static final String[][] NOT_SURE = {
            {"current"}, {"heads", "--url", URL}, {"history", "--url", URL}, {"revision", "-m", "x", "--url", URL},
            {"--url", URL, "current", "--help"}, {"--url", URL, "current", "-vh"}, {"--url", URL, "-V"},
            {"--url", URL, "upgrade", "head", "--sql"}, {"--url", URL, "help", "current"}, {"@args.txt"},
            {"--url", URL, "--url", URL, "current"}, {"--url", "mysql://db/app", "current"}, {"--url", "", "current"}};

    @TempDir
    Path home;

    @Test
    void aVerbThatConnectsToAServerItNamesGetsItsConnectionsPlanned() {
        assertThat(EarlyConnections.planFor(new String[] {"--url", URL, "current"}, Map.of()))
                .contains(new EarlyConnections.Plan(ConnectionUrl.parse(URL), 1));
        assertThat(EarlyConnections.planFor(new String[] {"upgrade", "head", "--url=" + URL}, Map.of()))
                .contains(new EarlyConnections.Plan(ConnectionUrl.parse(URL), 2));
        assertThat(EarlyConnections.planFor(new String[] {"downgrade", "-1"},
                Map.of("DATABASE_URL", "postgresql://app@db/app", "PGPASSWORD", "pw")))
                .contains(new EarlyConnections.Plan(
                        ConnectionUrl.parse("postgresql://app@db/app").withPasswordIfAbsent("pw"), 2));
    }

    @Test
    void nothingIsPlannedWhenTheScanIsNotSureTheCommandConnectsOrWhere() {
        for (String[] args : NOT_SURE) {
            assertThat(EarlyConnections.planFor(args, Map.of())).as(String.join(" ", args)).isEmpty();
        }
        assertThat(EarlyConnections.planFor(new String[] {"current"}, Map.of("DATABASE_URL", " "))).isEmpty();
    }

    @Test
    void aMigrationTakesTheConnectionsOpenedForIt() {
        TestDatabase database = TestPostgres.newDatabase("early");
        String[] upgrade = {"--url", database.postgresUrl(), "upgrade", "head"};

        try (EarlyConnections early = EarlyConnections.forCommandLine(upgrade, Map.of())) {
            assertThat(run(upgrade, early).exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(early.handedOut()).isEqualTo(2);
        }
        String[] current = {"current", "--url", database.postgresUrl()};
        try (EarlyConnections early = EarlyConnections.forCommandLine(current, Map.of())) {
            assertThat(run(current, early).out()).isEqualTo("006 (head)\n");
            assertThat(early.handedOut()).isEqualTo(1);
        }
    }

    @Test
    void connectionsToAnotherServerThanTheCommandsAreNotTakenAndAreClosedAtTheEnd() throws SQLException {
        TestDatabase planned = TestPostgres.newDatabase("early_planned");
        TestDatabase used = TestPostgres.newDatabase("early_used");
        EarlyConnections early = EarlyConnections.open(
                new EarlyConnections.Plan(ConnectionUrl.parse(planned.postgresUrl()), 1));
        List<Connection> opened = early.awaitOpened();

        assertThat(run(new String[] {"--url", used.postgresUrl(), "current"}, early).out()).isEqualTo("<base>\n");
        assertThat(early.handedOut()).isZero();
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).isClosed()).isFalse();
        early.close();
        assertThat(opened.get(0).isClosed()).isTrue();
    }

    @Test
    void aUsageErrorTakesNoneAndClosesThem() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("early_usage");
        String[] typo = {"--url", database.postgresUrl(), "upgrade", "hed"};
        EarlyConnections early = EarlyConnections.forCommandLine(typo, Map.of());
        List<Connection> opened = early.awaitOpened();

        assertThat(run(typo, early).exitCode()).isEqualTo(ExitCodes.USAGE);
        early.close();
        assertThat(early.handedOut()).isZero();
        assertThat(opened).hasSize(2);
        for (Connection connection : opened) {
            assertThat(connection.isClosed()).isTrue();
        }
    }

    @Test
    void aServerThatCannotBeReachedGivesTheErrorAndExitCodeItGivesWithout() {
        String[] args = {"--url", "postgresql://app:secret@127.0.0.1:1/app", "current"};

        Cli.Result without = run(args, EarlyConnections.NONE);
        Cli.Result with;
        try (EarlyConnections early = EarlyConnections.forCommandLine(args, Map.of())) {
            with = run(args, early);
            assertThat(early.handedOut()).isEqualTo(1);
        }
        assertThat(without.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(with).isEqualTo(without);
        assertThat(with.err()).doesNotContain("secret");
    }

    private Cli.Result run(String[] args, EarlyConnections early) {
        return Cli.shipped(home).runWith(early, args);
    }
}
