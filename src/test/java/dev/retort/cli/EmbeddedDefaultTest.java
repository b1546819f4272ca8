package dev.retort.cli;

import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With no URL, Retort runs on an embedded PostgreSQL whose data persists under .retort/ between commands. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedDefaultTest {

    @TempDir
    Path home;

    @Test
    void stateOutlivesTheCommandThatMadeIt() {
        Cli cli = Cli.shipped(home);

        Cli.Result upgrade = cli.run("upgrade", "003");
        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        // The test's home is no folder under the working directory, so the notice gives it whole.
        assertThat(upgrade.err()).contains("Creating an embedded PostgreSQL 17 in "
                + home.toAbsolutePath().resolve(".retort/pg17") + " (first run only");
        assertThat(Files.exists(home.resolve(".retort/pg17/PG_VERSION"))).isTrue();

        Cli.Result current = cli.run("current");
        assertThat(current.out()).isEqualTo("003\n");
        assertThat(current.err()).as("no first-run notice the second time").isEmpty();
        assertThat(home.resolve(".retort/pg17/postmaster.pid")).as("the server stops with the command").doesNotExist();
    }

    /** In the project, the folder is given as it is from there, as the README shows it; elsewhere, whole. */
    @Test
    void aFolderIsShownFromTheWorkingDirectoryWhenUnderIt() {
        Path here = Path.of("").toAbsolutePath();

        assertThat(EmbeddedDatabase.shown(here.resolve(".retort/pg17"))).isEqualTo(Path.of(".retort/pg17"));
        assertThat(EmbeddedDatabase.shown(here)).as("not an empty path").isEqualTo(here);
        assertThat(EmbeddedDatabase.shown(home.resolve(".retort/pg17")))
                .isEqualTo(home.toAbsolutePath().resolve(".retort/pg17"));
    }

    /**
     * The server run is the one unpacked under .retort/bin, not in zonky's /tmp/embedded-pg, which any local user
     * may write to (security review).
     */
    @Test
    void theServerRunIsUnpackedUnderRetortsOwnFolder() throws Exception {
        // In a process of its own, as every command runs: zonky unpacks its binaries once per JVM, and keeps them
        // where the first server of the JVM asked, which in this test JVM may be another test's.
        Process current = JavaProcess.start(home, Main.class, "current");
        assertThat(current.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(current.exitValue()).as(new String(current.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        assertThat(Files.readString(home.resolve(".retort/pg17/postmaster.opts")))
                .startsWith(home.resolve(".retort/bin").toAbsolutePath() + "/PG-");
    }

    @Test
    void aSecondRetortOnTheSameFolderWaitsThenFailsClearlyWithoutTouchingIt() throws Exception {
        Process first = JavaProcess.start(home, HoldEmbeddedDatabase.class, home.toString());
        try {
            JavaProcess.awaitLine(first, "ready on port");

            Cli.Result second = Cli.shipped(home).run("--lock-wait", "300ms", "upgrade", "head");

            assertThat(second.exitCode()).isEqualTo(ExitCodes.LOCK_NOT_ACQUIRED);
            assertThat(second.err()).contains("Waiting for another retort (pid " + first.pid() + ")")
                    .contains("retort: error: Another retort (pid " + first.pid() + ") is using the embedded database in ")
                    .contains("--lock-wait");
        } finally {
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Cli.Result afterwards = Cli.shipped(home).run("current");
        assertThat(afterwards.out()).as(afterwards.err()).isEqualTo("<base>\n");
    }

    @Test
    void aStalePidFileNamingAnotherServerIsClearedWithoutTouchingThatServer() throws Exception {
        assertThat(Cli.shipped(home).run("current").exitCode()).isZero();
        TestDatabase bystander = TestPostgres.newDatabase("bystander");
        long bystanderPostmaster;
        try (Connection connection = bystander.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            bystanderPostmaster = ProcessHandle.of(rows.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow().pid();
        }
        Files.writeString(home.resolve(".retort/pg17/postmaster.pid"), bystanderPostmaster + "\n" + home + "\n");

        Cli.Result next = Cli.shipped(home).run("current");

        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(ProcessHandle.of(bystanderPostmaster)).as("the other server still runs").isPresent();
        assertThat(bystander.tables()).isEmpty();
    }

    @Test
    void aKilledRetortLeavesNothingThatStopsTheNextOne() throws Exception {
        Process killed = JavaProcess.start(home, HoldEmbeddedDatabase.class, home.toString());
        try {
            JavaProcess.awaitLine(killed, "ready on port");
        } finally {
            killed.destroyForcibly(); // SIGKILL: no shutdown hook runs, the postmaster is orphaned
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(home.resolve(".retort/pg17/postmaster.pid")).as("the orphaned server is still running").exists();

        Cli.Result next = Cli.shipped(home).run("upgrade", "head");

        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(Cli.shipped(home).run("current").out()).isEqualTo(ProjectHead.label() + "\n");
    }
}
