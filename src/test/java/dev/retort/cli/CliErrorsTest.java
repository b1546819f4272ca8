package dev.retort.cli;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every exit code, each error as one line, nothing changed on bad input, and never a password in the output. */
class CliErrorsTest {

    @TempDir
    Path home;

    private TestDatabase database;
    private Cli cli;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("cli_errors");
        cli = Cli.shipped(home);
    }

    /** Undoing a failed online step shows each of its statements: the ones it ran, and the ones it skipped. */
    @Test
    void undoingAFailedStepShowsWhatItRanAndWhatItSkipped() throws SQLException {
        assertThat(cli.runOn(database.postgresUrl(), "upgrade", "005").exitCode()).isEqualTo(ExitCodes.OK);
        database.execute("INSERT INTO customers (name, email, customer_type) VALUES (' ', 'a@example.com', "
                + "'individual')");

        Cli.Result result = cli.runOn(database.postgresUrl(), "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("  undoing what 006 did so far (downgrade statements)\n",
                "  ran: ALTER TABLE customers DROP CONSTRAINT IF EXISTS ck_customers_name_not_empty\n",
                "  constraint ck_audit_logs_ip_address_format on audit_logs is already gone: ALTER TABLE audit_logs "
                        + "DROP CONSTRAINT IF EXISTS ck_audit_logs_ip_address_format\n");
        assertThat(result.err()).contains("Undone: the database is still at 005.");
    }

    @Test
    void anUnknownVerbIsAUsageErrorWithASuggestion() {
        Cli.Result result = cli.run("upgrad", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).hasLineCount(1).startsWith("retort: error: ").contains("Did you mean: upgrade");
        assertThat(result.out()).isEmpty();
    }

    /**
     * An @file named inside another one is read too: one that is a directory made picocli throw, a stack trace and
     * exit 1, where the same file named on the command line is one line and exit 2.
     */
    @Test
    void anArgumentFileNamedInAnotherThatIsADirectoryIsAUsageError() throws IOException {
        Path folder = Files.createDirectories(home.resolve("folder"));
        Path outer = Files.writeString(home.resolve("args"), "current\n@" + folder + "\n");

        Cli.Result result = cli.run("@" + outer);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: Could not read the argument file " + folder + ": it is a "
                + "directory. See 'retort --help'.\n");
        assertThat(result.out()).isEmpty();
    }

    /** @@x is how a word starting with @ is written: picocli passes it on as @x, which names no file. */
    @Test
    void anEscapedAtWordIsAnUnexpectedArgumentNotAMissingFile() {
        Cli.Result result = cli.runOn(database.postgresUrl(), "current", "@@head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: Unexpected argument '@head': current takes no argument. "
                + "See 'retort current --help'.\n");
    }

    @Test
    void aMissingTargetOrABadOptionValueIsAUsageError() {
        assertThat(cli.run("upgrade").err()).isEqualTo(
                "retort: error: Missing required parameter: 'TARGET'. See 'retort upgrade --help'.\n");
        Cli.Result negative = cli.run("--lock-wait", "-5s", "upgrade", "head");
        assertThat(negative.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(negative.err()).hasLineCount(1).contains("'-5s' is not a duration");
    }

    @Test
    void aTargetThatNamesNothingIsAUsageErrorAndChangesNothing() throws SQLException {
        // 999, not 007: a project's own revisions take 007, 008, … (the list of ids is RevisionGraphTest's concern).
        Cli.Result result = cli.runOn(database.postgresUrl(), "upgrade", "999");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("retort: error: No revision '999'. Valid targets: head, base, 001")
                .endsWith(" " + ProjectHead.id() + ", current, +N or -N (from the current revision), ID+N or ID-N.\n");
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void aBadTargetWithNoUrlDoesNotEvenStartTheEmbeddedDatabase() {
        for (String[] args : List.of(new String[] {"upgrade", "999"}, new String[] {"downgrade", "00"},
                new String[] {"stamp", "head+1"})) {
            Cli.Result result = cli.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(result.err()).as(String.join(" ", args)).hasLineCount(1);
        }
        assertThat(home.resolve(".retort")).doesNotExist();
    }

    @Test
    void downgradingPastBaseIsAUsageError() throws SQLException {
        Cli.Result result = cli.runOn(database.postgresUrl(), "downgrade", "-1");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).hasLineCount(1).contains("'-1' goes past base");
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void aMalformedUrlIsAUsageError() {
        Cli.Result result = cli.run("--url", "mysql://root:hunter2@localhost/app", "current");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).hasLineCount(1).startsWith("retort: error: ").doesNotContain("hunter2");
    }

    @Test
    void aServerThatCannotBeReachedExitsFourAndNeverShowsThePassword() {
        Cli.Result result = cli.run("--url", "postgresql://deploy:s3cr3t-Pa55@localhost:1/app", "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(result.err()).hasLineCount(1)
                .startsWith("retort: error: Cannot connect to postgresql://deploy:***@localhost:1/app: ")
                .endsWith(" refused (SQLSTATE 08001). Check that the server is up and that the host and port in --url "
                        + "or DATABASE_URL are right.\n")
                .doesNotContain("s3cr3t-Pa55");
        Cli.Result debug = cli.run("--debug", "--url", "postgresql://deploy:s3cr3t-Pa55@localhost:1/app", "current");
        assertThat(debug.err()).contains("at dev.retort").doesNotContain("s3cr3t-Pa55");
    }

    /** The JDK's message for a folder it may not create is its path alone: the error says what is wrong. */
    @Test
    void aHomeWhereTheEmbeddedDatabaseCannotLiveExitsFourSayingWhy() throws IOException {
        Path notAFolder = Files.writeString(home.resolve("a-file"), "");

        Cli.Result result = Cli.shipped(notAFolder).run("current");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(result.err()).isEqualTo("retort: error: Could not lock " + notAFolder.resolve(".retort")
                + ": Not a directory. The embedded PostgreSQL lives there: set RETORT_HOME to a folder you may write "
                + "to, or give a server with --url.\n");
    }

    @Test
    void aMissingDatabaseExitsFour() {
        Cli.Result result = cli.run("--url", "postgresql://postgres@localhost:" + database.port() + "/no_such_db", "current");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(result.err()).hasLineCount(1).contains("no_such_db");
    }

    /** verify's first connection is for the seed's queries: failing to open it is no failed query, but exit 4. */
    @Test
    void verifyOnADatabaseItCannotReachExitsFourAsEveryVerbDoes() {
        String missing = "postgresql://postgres@localhost:" + database.port() + "/no_such_db";

        Cli.Result result = cli.run("--url", missing, "verify");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(result.err()).hasLineCount(1)
                .startsWith("retort: error: Cannot connect to " + missing + ": database \"no_such_db\" does not exist")
                .doesNotContain("verification query");
    }

    /** A role that may not create in the schema: the error says what Retort was doing, and what to do about it. */
    @Test
    void aRoleWithoutAPrivilegeItNeedsIsToldWhatToDo() throws SQLException {
        String role = database.name() + "_weak";
        database.execute("CREATE ROLE " + role + " LOGIN");
        try {
            database.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            Cli.Result result = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "upgrade", "head");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err().lines()).containsExactly("retort: error: Could not create Retort's tables "
                    + "alembic_version and retort_history: permission denied for schema public (SQLSTATE 42501). The "
                    + "role lacks a privilege: run Retort as the owner of the schema and of its tables (revisions "
                    + "create, alter and drop them), or GRANT what the message names.");
            assertThat(database.tables()).isEmpty();

            cli.runOn(database.postgresUrl(), "upgrade", "head"); // as the owner
            Cli.Result unreadable = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "downgrade", "-1");
            assertThat(unreadable.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(unreadable.err()).hasLineCount(1).startsWith("retort: error: Could not read alembic_version: "
                    + "permission denied for table alembic_version (SQLSTATE 42501). The role lacks a privilege");
            Cli.Result reader = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "current");
            assertThat(reader.err()).hasLineCount(1).endsWith("(SQLSTATE 42501). The role lacks a privilege: reading "
                    + "needs SELECT on Retort's tables (GRANT SELECT ON alembic_version, retort_history TO the role) "
                    + "and, for verify, on the seed's.\n");

            database.execute("REVOKE CONNECT ON DATABASE " + database.name() + " FROM PUBLIC");
            Cli.Result refused = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "current");
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(refused.err()).hasLineCount(1).contains("permission denied for database")
                    .endsWith("The role may not connect to this database: GRANT CONNECT ON DATABASE to it, or "
                            + "connect as another role.\n")
                    .doesNotContain("owner of the schema");
        } finally {
            database.execute("DROP OWNED BY " + role);
            database.execute("DROP ROLE " + role);
        }
    }

    /**
     * A server that refuses the connection for a limit, or a database closed to connections: the hint says that, not
     * to check that the server is up and the host and port right, which a pipeline's author would chase in vain.
     */
    @Test
    void aConnectionLimitOrADatabaseClosedToConnectionsIsNamed() throws SQLException {
        String role = database.name() + "_limited";
        database.execute("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 0");
        TestDatabase closedOne = TestPostgres.newDatabase("closed");
        try (Connection admin = database.connect(); Statement statement = admin.createStatement()) {
            Cli.Result limited = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "current");
            statement.execute("ALTER DATABASE " + closedOne.name() + " WITH ALLOW_CONNECTIONS false");
            Cli.Result closed;
            try {
                closed = cli.runOn(closedOne.postgresUrl(), "upgrade", "head");
            } finally {
                statement.execute("ALTER DATABASE " + closedOne.name() + " WITH ALLOW_CONNECTIONS true");
                TestPostgres.drop(closedOne);
            }

            assertThat(limited.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(limited.err()).hasLineCount(1).contains("too many connections for role")
                    .endsWith("(SQLSTATE 53300). A connection limit is reached (the server's max_connections, or the "
                            + "role's or the database's CONNECTION LIMIT): let other sessions end, or raise it; a "
                            + "migration takes two connections.\n");
            assertThat(closed.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(closed.err()).hasLineCount(1).endsWith("is not currently accepting connections (SQLSTATE "
                    + "55000). The database does not allow connections: ALTER DATABASE \u2026 WITH ALLOW_CONNECTIONS "
                    + "true, as a superuser or its owner.\n");
        } finally {
            database.execute("DROP ROLE " + role);
        }
    }

    /** snapshot --write makes a scratch database: a role that may not is told so, not to own the schema's tables. */
    @Test
    void snapshotWriteAsARoleThatMayNotCreateDatabasesSaysWhatItNeeds() throws SQLException {
        String role = database.name() + "_nocreatedb";
        database.execute("CREATE ROLE " + role + " LOGIN NOCREATEDB");
        try {
            Cli.Result result = cli.run("--url", "postgresql://" + role + "@localhost:" + database.port() + "/"
                    + database.name(), "snapshot", "--write");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err()).hasLineCount(1).contains("permission denied to create database (SQLSTATE 42501)")
                    .endsWith("--write needs a role that may create databases (CREATEDB).\n")
                    .doesNotContain("owner of the schema");
        } finally {
            database.execute("DROP ROLE " + role);
        }
    }

    @Test
    void aFailingRevisionExitsOneAndLeavesThePreviousRevision() throws SQLException {
        List<Revision> revisions = new ArrayList<>(Migrations.all().subList(0, 2));
        revisions.add(new Revision() {
            public String id() { return "003"; }
            public String revises() { return "002"; }
            public String message() { return "broken"; }
            public void upgrade(MigrationContext context) {
                context.execute("CREATE TABLE half_done (id int)");
                context.execute("ALTER TABLE users ADD COLUMN email text");
            }
            public void downgrade(MigrationContext context) {
                context.execute("DROP TABLE half_done");
            }
        });
        Cli broken = cli.withRevisions(revisions);

        Cli.Result result = broken.runOn(database.postgresUrl(), "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("Running upgrade 002 -> 003, broken ... FAILED after");
        assertThat(result.err()).hasLineCount(1).contains("column \"email\" of relation \"users\" already exists (SQLSTATE 42701)")
                .contains("still at 002");
        assertThat(broken.runOn(database.postgresUrl(), "current").out()).isEqualTo("002\n");
        assertThat(database.tables()).doesNotContain("half_done");
    }

    @Test
    void anUnknownRevisionInTheDatabaseExitsOne() throws SQLException {
        database.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('ae1027a6acf')");

        Cli.Result result = cli.runOn(database.postgresUrl(), "current");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.err()).hasLineCount(1).contains("'ae1027a6acf', which is not in this Retort's revisions");
    }

    @Test
    void aLockHeldLongerThanTheWaitExitsFiveNamingTheHolder() throws SQLException {
        try (Connection holder = database.connect();
             AdvisoryLock ignored = AdvisoryLock.acquire(holder, Duration.ZERO, waiting -> { })) {
            Cli.Result result = cli.runOn(database.postgresUrl(), "--lock-wait", "200ms", "upgrade", "head");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCK_NOT_ACQUIRED);
            assertThat(result.err()).contains("Waiting for the migration lock, held by pid ")
                    .contains("Another migration holds the lock on this database: pid ")
                    .contains("(application_name '")
                    .contains("; waited 200 ms. Let it finish, or wait longer with --lock-wait.");
        }
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void helpWorksOnEveryVerbAndAsAVerb() {
        for (String verb : List.of("current", "history", "heads", "show", "upgrade", "downgrade", "stamp")) {
            Cli.Result help = cli.run(verb, "--help");
            assertThat(help.exitCode()).as(verb).isZero();
            assertThat(help.out()).as(verb).startsWith("Usage: retort " + verb);
        }
        assertThat(cli.run("help", "upgrade").out()).startsWith("Usage: retort upgrade").contains("TARGET");
        assertThat(cli.run("downgrade", "-V").out()).startsWith("retort ");
    }

    @Test
    void noVerbAtAllPrintsTheUsageAndExitsTwo() {
        Cli.Result result = cli.run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("Usage: retort").contains("Commands:");
        assertThat(result.out()).isEmpty();
        Cli.Result json = cli.run("--json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(json.out()).contains("\"code\" : 2", "\"message\" : \"No command given. See 'retort --help'.\"");
    }

    @Test
    void anEmptyUrlIsRefusedInsteadOfFallingBackToTheEmbeddedDatabase() {
        Cli.Result emptyOption = cli.withEnvironment(Map.of("DATABASE_URL", database.postgresUrl()))
                .run("--url", "", "upgrade", "head");
        assertThat(emptyOption.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(emptyOption.err()).isEqualTo("retort: error: --url is empty. Give postgresql://user:password@host:5432/"
                + "database, or leave --url out to use the embedded PostgreSQL.\n");

        Cli.Result emptyVariable = cli.withEnvironment(Map.of("DATABASE_URL", " ")).run("upgrade", "head");
        assertThat(emptyVariable.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(emptyVariable.err()).contains("DATABASE_URL is empty").contains("unset DATABASE_URL");
        assertThat(home.resolve(".retort")).as("no embedded database was made").doesNotExist();
    }

    @Test
    void aReversedRangeIsAUsageError() {
        Cli.Result result = cli.run("history", "-r", "003:002");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: Range '003:002' is empty: 003 comes after 002. "
                + "Write it oldest first: 002:003.\n");
    }

    @Test
    void thePasswordFromPgpasswordIsUsedAndNeverShown() {
        Cli withPassword = cli.withEnvironment(Map.of("PGPASSWORD", "env-s3cr3t"));

        Cli.Result result = withPassword.run("--debug", "--url", "postgresql://deploy@localhost:1/app", "current");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(result.err()).doesNotContain("env-s3cr3t");
        RetortCommand root = new RetortCommand(Migrations::all, Map.of("PGPASSWORD", "env-s3cr3t"), home);
        root.url = "postgresql://deploy@localhost:1/app";
        assertThat(root.connectionUrl().password()).isEqualTo("env-s3cr3t");
        root.url = "postgresql://deploy:own@localhost:1/app";
        assertThat(root.connectionUrl().password()).as("the URL's own password wins").isEqualTo("own");
    }

    @Test
    void eachConnectionFailureSaysWhatToCheck() {
        Cli.Result missing = cli.run("--url", "postgresql://postgres@localhost:" + database.port() + "/no_such_db", "current");
        assertThat(missing.err()).contains("database \"no_such_db\" does not exist (SQLSTATE 3D000).")
                .contains("Check the database name");

        Cli.Result unknownHost = cli.run("--url", "postgresql://app@no-such-host.invalid/app", "current");
        assertThat(unknownHost.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(unknownHost.err()).contains("Unknown host 'no-such-host.invalid' (SQLSTATE 08001).");
    }

    /**
     * libpq's channel_binding=require, as a psql user writes it, reaches pgjdbc: a server that offers no channel
     * binding (here: trust, without TLS) is refused, where the parameter was dropped and the run went ahead; and require_auth,
     * which pgjdbc cannot honour, is refused before any connection (security review).
     */
    @Test
    void aConnectionIsNeverLessGuardedThanTheUrlAsks() throws SQLException {
        Cli.Result channelBinding = cli.runOn(database.postgresUrl() + "?channel_binding=require", "upgrade", "head");
        assertThat(channelBinding.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(channelBinding.err()).hasLineCount(1)
                .containsIgnoringCase("channel binding is required").contains("(SQLSTATE 08004)");

        Cli.Result requireAuth = cli.runOn(database.postgresUrl() + "?require_auth=scram-sha-256", "upgrade", "head");
        assertThat(requireAuth.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(requireAuth.err()).hasLineCount(1).contains("require_auth cannot be honoured");
        assertThat(database.tables()).as("nothing ran").isEmpty();
    }

    /**
     * libpq's PGSSLMODE and the like are honoured as psql honours them, for what the URL does not set itself: a
     * server without TLS is refused at PGSSLMODE=require, where the run went ahead (security review).
     */
    @Test
    void libpqsSslVariablesAreHonouredUnlessTheUrlSaysOtherwise() throws SQLException {
        Cli.Result required = cli.withEnvironment(Map.of("PGSSLMODE", "require"))
                .runOn(database.postgresUrl(), "upgrade", "head");
        assertThat(required.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(required.err()).hasLineCount(1).contains("The server does not support SSL");

        Cli.Result channelBinding = cli.withEnvironment(Map.of("PGCHANNELBINDING", "require"))
                .runOn(database.postgresUrl(), "current");
        assertThat(channelBinding.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(channelBinding.err()).containsIgnoringCase("channel binding is required");

        Cli.Result requireAuth = cli.withEnvironment(Map.of("PGREQUIREAUTH", "scram-sha-256"))
                .runOn(database.postgresUrl(), "current");
        assertThat(requireAuth.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(requireAuth.err()).hasLineCount(1).contains("PGREQUIREAUTH in the environment: "
                + "require_auth cannot be honoured");
        assertThat(database.tables()).as("nothing ran").isEmpty();

        Cli.Result urlWins = cli.withEnvironment(Map.of("PGSSLMODE", "verify-full"))
                .runOn(database.postgresUrl() + "?sslmode=disable", "current");
        assertThat(urlWins.exitCode()).as(urlWins.err()).isZero();
    }
}
