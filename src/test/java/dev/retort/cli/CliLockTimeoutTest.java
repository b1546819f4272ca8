package dev.retort.cli;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator sees of lock timeouts, retries, sessions in the way and --dry-run. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CliLockTimeoutTest {

    @TempDir
    Path home;

    private TestDatabase database;
    private Connection blocker;

    @BeforeEach
    void databaseAt003() {
        database = TestPostgres.newDatabase("cli_locks");
        assertThat(retort("upgrade", "003").exitCode()).isEqualTo(ExitCodes.OK);
    }

    @AfterEach
    void endBlocker() throws SQLException {
        if (blocker != null) {
            blocker.close();
        }
    }

    private Cli.Result retort(String... args) {
        return Cli.shipped(home).runOn(database.postgresUrl(), args);
    }

    /** A session idle in a transaction that holds ROW EXCLUSIVE on customers, as an application's would. */
    private int holdCustomers() throws SQLException {
        blocker = database.connect("billing-worker");
        blocker.setAutoCommit(false);
        try (Statement statement = blocker.createStatement()) {
            int pid;
            try (ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                pid = rows.getInt(1);
            }
            statement.execute("UPDATE customers SET name = name");
            return pid;
        }
    }

    @Test
    void whenRetriesRunOutItSaysWhoBlockedItExitsOneAndLeavesTheDatabaseWhereItWas() throws SQLException {
        int pid = holdCustomers();

        Cli.Result result = retort("upgrade", "head", "--lock-timeout", "100ms", "--lock-retries", "1");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains(
                "Warning: pid " + pid + " (billing-worker), idle in transaction, transaction open",
                "Running upgrade 003 -> 004, add customer foreign keys\n",
                "  no lock within 100 ms (try 1 of 2): ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by",
                "    blocked by pid " + pid + " (billing-worker), idle in transaction, transaction open ",
                " ago: \"UPDATE customers SET name = name\"\n",
                "    trying again in 50 ms\n",
                "  no lock within 150 ms (try 2 of 2): ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by",
                "    that was the last try\n");
        assertThat(result.out()).doesNotContain("undoing");
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("retort: error: Running upgrade 003 -> 004, add customer foreign keys failed: "
                        + "could not get its locks in 2 tries")
                .contains("None of it was applied: the database is still at 003.")
                .endsWith("Let the blocking session finish or end it (SELECT pg_terminate_backend(" + pid
                        + ") ends it), then run the command again; --lock-timeout and --lock-retries set how long "
                        + "Retort waits.");
        assertThat(retort("current").out()).isEqualTo("003\n");
    }

    @Test
    void whenTheRetryWindowEndsTheTriesTheHintNamesIt() throws SQLException {
        holdCustomers();

        Cli.Result result = retort("upgrade", "head", "--lock-timeout", "100ms", "--retry-window", "300ms");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        // Try 2 (150 ms, after a 50 ms pause) would end past the window: the window, not the retries, ran out.
        assertThat(result.err()).contains("could not get its locks in 1 try")
                .endsWith("then run the command again; --retry-window sets how long Retort keeps trying.\n");
    }

    /** A dry run says beforehand what would make the run fail: a read-only session, tables the role does not own. */
    @Test
    void aDryRunSaysWhatWouldMakeTheRunFail() throws SQLException {
        String role = database.name() + "_app";
        database.execute("CREATE ROLE " + role + " LOGIN");
        database.execute("GRANT SELECT ON alembic_version, retort_history TO " + role);
        database.execute("ALTER ROLE " + role + " SET default_transaction_read_only = on");
        String asApp = "postgresql://" + role + "@localhost:" + database.port() + "/" + database.name();
        try {
            Cli.Result result = Cli.shipped(home).runOn(asApp, "upgrade", "+1", "--dry-run");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.out()).endsWith("""

                    Would fail: the session is read-only (default_transaction_read_only is on, for the role, the \
                    database, the connection's options or the server): migrate as a role, and with settings, that \
                    may write.
                    Would fail: role %1$s does not own customers (owner postgres): altering, indexing or dropping a \
                    table takes its owner (or a member of the owning role).
                    """.formatted(role));
            Cli.Result json = Cli.shipped(home).runOn(asApp, "--json", "upgrade", "+1", "--dry-run");
            assertThat(json.out()).contains("\"would_fail\" : [ \"the session is read-only");
            assertThat(json.exitCode()).isEqualTo(ExitCodes.FAILED);
            Cli.Result clear = Cli.shipped(home).runOn(database.postgresUrl(), "upgrade", "+1", "--dry-run");
            assertThat(clear.out()).doesNotContain("Would fail");
            assertThat(clear.exitCode()).isEqualTo(ExitCodes.OK);
            TestDatabase empty = TestPostgres.newDatabase("cli_dry_run_base");
            String asAppOnEmpty = "postgresql://" + role + "@localhost:" + empty.port() + "/" + empty.name();
            assertThat(Cli.shipped(home).runOn(asAppOnEmpty, "upgrade", "head", "--dry-run").out())
                    .contains("Would fail: role " + role + " may not create objects in schema public: GRANT CREATE "
                            + "ON SCHEMA public TO " + role + ", or run as its owner.\n");
        } finally {
            database.execute("DROP OWNED BY " + role);
            database.execute("DROP ROLE " + role);
        }
    }

    /** A search_path that names no existing schema: the error says where the tables could not go, and what to do. */
    @Test
    void aSearchPathWithNoSchemaIsNamedAsTheCause() throws SQLException {
        TestDatabase empty = TestPostgres.newDatabase("cli_no_schema");
        empty.execute("ALTER DATABASE " + empty.name() + " SET search_path = nowhere");

        Cli.Result result = Cli.shipped(home).runOn(empty.postgresUrl(), "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("(SQLSTATE 3F000)").endsWith("No schema on the search_path exists to "
                + "create the tables in: create it (CREATE SCHEMA), or name one that exists, e.g. with "
                + "options=-c%20search_path%3Dapp in the URL (options='-c search_path=app' in a keyword string).\n");
        Cli.Result verify = Cli.shipped(home).runOn(empty.postgresUrl(), "snapshot");
        assertThat(verify.err()).hasLineCount(1).contains("There is no current schema (SQLSTATE 3F000). No schema on "
                + "the search_path exists: name the one the tables are in, e.g. with options=");
    }

    /** An idle_session_timeout shorter than a command's start-up: the error says which setting, and how to raise it. */
    @Test
    void anIdleSessionTimeoutShorterThanStartUpIsNamedWithItsRemedy() throws SQLException {
        TestDatabase impatient = TestPostgres.newDatabase("cli_idle_timeout");
        impatient.execute("ALTER DATABASE " + impatient.name() + " SET idle_session_timeout = 1");

        Cli.Result result = Cli.shipped(home).runOn(impatient.postgresUrl(), "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).hasLineCount(1).contains("idle-session timeout (SQLSTATE 57P05)")
                .endsWith("give options=-c%20idle_session_timeout%3D0 in the URL (options='-c idle_session_timeout=0' "
                        + "in a keyword string).\n");
    }

    /** A role or database set read-only (or a standby): the error says so, and what to do. */
    @Test
    void aReadOnlySessionIsNamedAsTheCause() throws SQLException {
        database.execute("ALTER DATABASE " + database.name() + " SET default_transaction_read_only = on");

        Cli.Result result = retort("upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).contains("(SQLSTATE 25006)", "None of it was applied: the database is still at 003.")
                .endsWith("The session is read-only: this is a standby, or default_transaction_read_only is on (for "
                        + "the role, the database, the connection's options or the server). Migrate the primary, as "
                        + "a role and with settings that may write.\n");
    }

    @Test
    void dryRunListsEachStatementsLocksAndTheSessionsInTheWayAndChangesNothing() throws SQLException {
        int pid = holdCustomers();

        Cli.Result result = retort("upgrade", "+1", "--dry-run");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.outLines()).containsSequence(
                "Dry run: nothing is changed. From 003, upgrade +1 would run 1 revision:",
                "",
                "upgrade 003 -> 004, add customer foreign keys (online: each statement in a short transaction of its own)",
                "   1. ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by) REFERENCES "
                        + "users (id) ON DELETE R…",
                "      SHARE ROW EXCLUSIVE on customers (blocks writes), SHARE ROW EXCLUSIVE on users (blocks writes); "
                        + "no scan, no rewrite",
                "   2. ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by",
                "      SHARE UPDATE EXCLUSIVE on customers, ROW SHARE on users; scans customers");
        assertThat(result.out()).contains(
                "   5. CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by ON customers (created_by)\n"
                        + "      SHARE UPDATE EXCLUSIVE on customers; reads customers to build the index; outside a "
                        + "transaction\n",
                "  In the way now: pid " + pid + " (billing-worker), idle in transaction");
        assertThat(retort("current").out()).isEqualTo("003\n");
    }

    @Test
    void aZeroOrNegativeLockTimeoutIsBadInput() {
        Cli.Result zero = retort("upgrade", "head", "--lock-timeout", "0");
        Cli.Result negative = retort("upgrade", "head", "--lock-timeout", "-1s");

        assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).isEqualTo("retort: error: --lock-timeout must be more than 0 (PostgreSQL's 0 would wait "
                + "forever, stalling the application); to wait longer, give e.g. 30s. See 'retort upgrade --help'.\n");
        assertThat(negative.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(negative.err()).startsWith("retort: error: ").contains("-1s").hasLineCount(1);
        assertThat(retort("current").out()).isEqualTo("003\n");
    }
}
