package dev.retort.cli;

import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each verb, as a user types it, against a real PostgreSQL, asserting what it prints. */
class CliCommandsTest {

    private static final RevisionGraph GRAPH = new RevisionGraph(Migrations.all());
    /** How history marks 006: "(head)" as shipped, nothing once a project has revisions of its own after it. */
    private static final String HEAD_MARK_OF_006 = ProjectHead.id().equals("006") ? " (head)" : "";

    @TempDir
    Path home;

    private TestDatabase database;
    private Cli cli;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("cli");
        cli = Cli.shipped(home);
    }

    private Cli.Result retort(String... args) {
        return cli.runOn(database.postgresUrl(), args);
    }

    /** A project's own revisions, after 006, as a run prints their steps (from base: none as shipped). */
    private static List<String> upgradeLinesAfter006() {
        List<String> lines = new ArrayList<>();
        for (String id : ProjectHead.idsAfter("006")) {
            Revision revision = GRAPH.find(id).orElseThrow();
            lines.add("Running upgrade " + revision.revises() + " -> " + id + ", " + revision.message() + " ... ");
        }
        return lines;
    }

    /** The same revisions as history lists them, newest first. */
    private static String historyLinesAfter006() {
        StringBuilder lines = new StringBuilder();
        for (String id : ProjectHead.idsAfter("006")) {
            Revision revision = GRAPH.find(id).orElseThrow();
            String mark = id.equals(ProjectHead.id()) ? " (head)" : "";
            lines.insert(0, revision.revises() + " -> " + id + mark + ", " + revision.message() + "\n");
        }
        return lines.toString();
    }

    @Test
    void upgradeHeadRunsEveryRevisionAndPrintsEachStepAsAlembicDoes() {
        Cli.Result result = retort("upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.outLines()).hasSize(ProjectHead.count() + 2);
        assertThat(result.outLines().get(0)).isEqualTo("Database: " + database.postgresUrl());
        assertThat(result.outLines().subList(1, 7)).satisfiesExactly(
                line -> assertThat(line).matches("Running upgrade  -> 001, create customers table \\.\\.\\. \\d+ ms"),
                line -> assertThat(line).startsWith("Running upgrade 001 -> 002, create users table ... "),
                line -> assertThat(line).startsWith("Running upgrade 002 -> 003, create audit_logs table ... "),
                line -> assertThat(line).startsWith("Running upgrade 003 -> 004, add customer foreign keys ... "),
                line -> assertThat(line).startsWith("Running upgrade 004 -> 005, add soft delete columns ... "),
                line -> assertThat(line).startsWith("Running upgrade 005 -> 006, add check constraints ... "));
        List<String> after006 = upgradeLinesAfter006();
        for (int i = 0; i < after006.size(); i++) {
            assertThat(result.outLines().get(7 + i)).startsWith(after006.get(i)).endsWith(" ms");
        }
        assertThat(result.outLines().get(ProjectHead.count() + 1)).startsWith("Done: " + ProjectHead.count()
                + " revisions in ").endsWith("; the database is at " + ProjectHead.label() + ".");
        assertThat(retort("current").out()).isEqualTo(ProjectHead.label() + "\n");
    }

    @Test
    void upgradeToAnIdThenDowngradeRelativeAndToBase() {
        assertThat(retort("upgrade", "003").exitCode()).isZero();
        assertThat(retort("current").out()).isEqualTo("003\n");

        Cli.Result down = retort("downgrade", "-1");
        assertThat(down.outLines().get(1)).startsWith("Running downgrade 003 -> 002, create audit_logs table ... ");
        assertThat(retort("current").out()).isEqualTo("002\n");

        assertThat(retort("upgrade", "+2").exitCode()).isZero();
        assertThat(retort("current").out()).isEqualTo("004\n");

        Cli.Result toBase = retort("downgrade", "base");
        assertThat(toBase.outLines()).hasSize(6);
        assertThat(toBase.outLines().get(4)).startsWith("Running downgrade 001 -> , create customers table ... ");
        assertThat(retort("current").out()).isEqualTo("<base>\n");
    }

    @Test
    void upgradingToARevisionBehindTheCurrentOneSaysSoAndChangesNothing() {
        retort("upgrade", "head");

        Cli.Result result = retort("upgrade", "003");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).containsExactly("Database: " + database.postgresUrl(),
                "The database is at " + ProjectHead.id() + ", ahead of 003: nothing to upgrade. To go back, use "
                        + "downgrade 003.");
        assertThat(retort("current").out()).isEqualTo(ProjectHead.label() + "\n");
    }

    @Test
    void historyListsTheChainNewestFirstWithoutTouchingTheDatabase() {
        Cli.Result result = cli.run("--url", "postgresql://nobody@localhost:1/nowhere", "history");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(historyLinesAfter006() + """
                005 -> 006%s, add check constraints
                004 -> 005, add soft delete columns
                003 -> 004, add customer foreign keys
                002 -> 003, create audit_logs table
                001 -> 002, create users table
                <base> -> 001, create customers table
                """.formatted(HEAD_MARK_OF_006));
    }

    @Test
    void historyRangeAndIndicateCurrent() {
        retort("upgrade", "004");

        assertThat(retort("history", "-r", "002:004").out()).isEqualTo("""
                003 -> 004, add customer foreign keys
                002 -> 003, create audit_logs table
                001 -> 002, create users table
                """);
        assertThat(retort("history", "-i", "-r", "current-1:current").out()).isEqualTo("""
                003 -> 004 (current), add customer foreign keys
                002 -> 003, create audit_logs table
                """);
        assertThat(retort("history", "-r", "005:").out()).isEqualTo(historyLinesAfter006() + """
                005 -> 006%s, add check constraints
                004 -> 005, add soft delete columns
                """.formatted(HEAD_MARK_OF_006));
    }

    @Test
    void historyRangeCountsRelativeEndsFromEachOtherAsAlembicDoes() {
        retort("upgrade", "004");

        // +N as TO counts on from FROM: 002 and the one after it, wherever the database is.
        assertThat(retort("history", "-r", "002:+1").out()).isEqualTo("""
                002 -> 003, create audit_logs table
                001 -> 002, create users table
                """);
        assertThat(retort("history", "-r", "-1:current").out()).isEqualTo("""
                003 -> 004, add customer foreign keys
                002 -> 003, create audit_logs table
                """);
        // -N as FROM counts back from TO, so without current no database is needed.
        Cli.Result unreachable = cli.run("--url", "postgresql://nobody@localhost:1/nowhere", "history", "-r",
                "-2:005");
        assertThat(unreachable.exitCode()).isZero();
        assertThat(unreachable.out()).isEqualTo("""
                004 -> 005, add soft delete columns
                003 -> 004, add customer foreign keys
                002 -> 003, create audit_logs table
                """);
        Cli.Result minusAsTo = retort("history", "-r", "base:-1");
        assertThat(minusAsTo.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(minusAsTo.err()).hasLineCount(1).contains("'-1' cannot be TO")
                .contains("write current-1.");
    }

    @Test
    void verboseHistoryAndCurrentTellWhenAndByWhomEachRevisionWasApplied() {
        retort("upgrade", "002");

        String history = retort("history", "-v", "-i").out();
        assertThat(history).contains("""
                Rev: 002 (current)
                Parent: 001
                Path: src/main/java/dev/retort/migrations/R002CreateUsersTable.java
                """);
        assertThat(history).containsPattern("Applied: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC by postgres in \\d+ ms");
        assertThat(history).contains("Rev: 006" + HEAD_MARK_OF_006 + "\nParent: 005\nPath: src/main/java/dev/retort/"
                + "migrations/"
                + "R006AddCheckConstraints.java\nApplied: not applied\n\n    add check constraints\n");

        String current = retort("current", "-v").out();
        assertThat(current).startsWith("Current revision for postgresql://postgres@localhost:")
                .contains("Rev: 002\nParent: 001\n")
                .containsPattern("Applied: .* UTC by postgres in \\d+ ms")
                .contains("    create users table");
    }

    @Test
    void headsAndShowNeedNoDatabase() {
        Cli cliWithoutDatabase = Cli.shipped(home).withEnvironment(Map.of("DATABASE_URL", "postgresql://x@localhost:1/none"));

        assertThat(cliWithoutDatabase.run("heads").out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(cliWithoutDatabase.run("show", "003").out()).isEqualTo("""
                Rev: 003
                Parent: 002
                Path: src/main/java/dev/retort/migrations/R003CreateAuditLogsTable.java

                    create audit_logs table
                """);
        assertThat(cliWithoutDatabase.run("show", "head-" + (ProjectHead.count() - 1)).out())
                .startsWith("Rev: 001\nParent: <base>\n");
    }

    @Test
    void stampSetsTheVersionWithoutRunningAnything() {
        Cli.Result result = retort("stamp", "002");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Database: " + database.postgresUrl()
                + "\nStamped <base> -> 002 (no migration was run).\n");
        assertThat(retort("current").out()).isEqualTo("002\n");
    }

    @Test
    void upgradingToBaseFromAboveSaysToDowngradeInstead() {
        retort("upgrade", "002");

        assertThat(retort("upgrade", "base").out()).endsWith(
                "\nThe database is at 002, ahead of <base>: nothing to upgrade. To go back, use downgrade base.\n");
    }

    @Test
    void stampRepairsAnAlembicVersionWithTwoRowsAndHistoryTellsStampedRevisionsApart() throws Exception {
        retort("upgrade", "001");
        try (var connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute("INSERT INTO alembic_version VALUES ('002')");
        }
        assertThat(retort("current").exitCode()).isEqualTo(ExitCodes.FAILED);

        Cli.Result stamp = retort("stamp", "002");

        assertThat(stamp.exitCode()).as(stamp.err()).isZero();
        assertThat(stamp.out()).endsWith("Stamped 001, 002 -> 002 (no migration was run).\n");
        String history = retort("history", "-v", "-i", "-r", "001:002").out();
        assertThat(history).contains("Rev: 002 (current)\nParent: 001\nPath: src/main/java/dev/retort/migrations/"
                + "R002CreateUsersTable.java\nApplied: yes (no record in retort_history: stamped, or applied before Retort)\n");
        assertThat(history).containsPattern("Rev: 001\nParent: <base>\nPath: .*\nApplied: \\d{4}-");
    }

    @Test
    void stampTakesAlembicsPurgeForAVersionTableNamingARevisionThatIsGone() throws Exception {
        retort("upgrade", "001");
        try (var connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute("UPDATE alembic_version SET version_num = 'ae1027a6acf'");
        }

        Cli.Result stamp = retort("stamp", "--purge", "002");

        assertThat(stamp.exitCode()).as(stamp.err()).isZero();
        assertThat(stamp.out()).endsWith("Stamped ae1027a6acf -> 002 (no migration was run).\n");
        assertThat(retort("current").out()).isEqualTo("002\n");
        assertThat(cli.run("--url", "postgresql://nobody@127.0.0.1:1/nowhere", "stamp", "head", "--sql", "--purge")
                .exitCode()).isZero();
    }

    @Test
    void databaseUrlFromTheEnvironmentIsUsedWhenNoUrlIsGiven() {
        Cli withEnvironment = cli.withEnvironment(Map.of("DATABASE_URL", database.postgresUrl()));

        assertThat(withEnvironment.run("upgrade", "001").exitCode()).isZero();
        assertThat(retort("current").out()).isEqualTo("001\n");
    }

    @Test
    void jdbcUrlsWorkAsWellAsLibpqOnes() {
        assertThat(cli.run("--url", database.jdbcUrl(), "upgrade", "002").exitCode()).isZero();
        assertThat(cli.run("current", "--url", database.jdbcUrl()).out()).isEqualTo("002\n");
    }

    @Test
    void sqlPrintsTheScriptWithoutConnectingToAnyDatabase() {
        Cli.Result result = cli.run("--url", "postgresql://nobody:s3cret@127.0.0.1:1/nowhere", "upgrade", "003:004",
                "--sql");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("-- Retort ").contains("ALTER TABLE customers VALIDATE CONSTRAINT "
                + "fk_customers_created_by;\n").doesNotContain("Database:", "s3cret");
    }

    /**
     * A pipeline's gate (Alembic's current --check-heads): exit 6, a code of its own, saying where the database is and what to run,
     * unless it is at the head with no step left half done; the current revision is printed all the same.
     */
    @Test
    void currentCheckHeadsFailsUnlessTheDatabaseIsAtTheHead() throws Exception {
        Cli.Result atBase = retort("current", "--check-heads");
        retort("upgrade", "004");
        Cli.Result behind = retort("current", "-c");
        Cli.Result behindJson = retort("--json", "current", "--check-heads");
        retort("upgrade", "head");
        Cli.Result atHead = retort("current", "--check-heads");
        database.execute("INSERT INTO retort_history (revision, direction, from_revision, to_revision, started_at, "
                + "finished_at, duration_ms, retort_version, outcome, part) VALUES ('006', 'downgrade', '006', '005', "
                + "now(), now(), 0, 'test', 'progress', '1/22: ALTER TABLE audit_logs DROP CONSTRAINT …')");
        Cli.Result halfDone = retort("current", "--check-heads");

        assertThat(atBase.exitCode()).isEqualTo(ExitCodes.NOT_AT_HEAD);
        assertThat(atBase.out()).isEqualTo("<base>\n");
        assertThat(atBase.err()).isEqualTo("retort: error: Not at the head: the database is at <base>, and the head is "
                + "006. Run retort upgrade head.\n");
        assertThat(behind.exitCode()).isEqualTo(ExitCodes.NOT_AT_HEAD);
        assertThat(behind.out()).isEqualTo("004\n");
        assertThat(behind.err()).contains("the database is at 004, and the head is 006");
        assertThat(behindJson.exitCode()).isEqualTo(ExitCodes.NOT_AT_HEAD);
        assertThat(behindJson.out()).contains("\"code\" : 6", "Not at the head: the database is at 004");
        assertThat(atHead.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(atHead.out()).isEqualTo("006 (head)\n");
        assertThat(atHead.err()).isEmpty();
        assertThat(halfDone.exitCode()).isEqualTo(ExitCodes.NOT_AT_HEAD);
        assertThat(halfDone.err()).contains("retort: error: Not at the head: the database is at 006 (head), but "
                + "downgrade 006 -> 005 was left half done there. Run retort upgrade head, which reverts it.");
    }

    /** A script runs one verb: its help, not only retort --help, says what each exit code means. */
    @Test
    void everyVerbsHelpListsTheExitCodes() {
        for (String verb : Main.VERBS.keySet()) {
            if (!verb.equals("help")) {
                assertThat(cli.run(verb, "--help").out()).as(verb).contains("\nExit codes:\n  0          done\n",
                        "\n  4          cannot connect or authenticate\n",
                        "\n  130, 143   stopped by Ctrl-C or a kill (SIGTERM); it says what that left\n");
            }
        }
        assertThat(cli.run("upgrade", "--help").out().replaceAll("\\s+", " ")).as("a pipeline's variables")
                .contains("Default: $DATABASE_URL", "from $PGPASSWORD, else ~/.pgpass ($PGPASSFILE)");
        assertThat(cli.run("--help").out()).contains("\nExit codes:\n  0          done\n",
                "\nEnvironment:\n  DATABASE_URL      the database, when --url is not given\n",
                "\n  PGSSLMODE, …      libpq's TLS settings, for what the URL leaves out\n")
                .endsWith(
                "\nExamples:\n  retort upgrade head\n  retort --url postgresql://app@db.example.com:5432/app current\n"
                        + "  retort downgrade -1\n");
    }

    @Test
    void stampSqlPrintsTheStampWithoutConnectingToAnyDatabase() {
        Cli.Result result = cli.run("--url", "postgresql://nobody:s3cret@127.0.0.1:1/nowhere", "stamp", "005",
                "--sql");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("-- Retort ").contains(", offline: stamp 005\n", "\nBEGIN;\n",
                "SELECT '005', 'stamp', (SELECT string_agg(version_num, ', ') FROM alembic_version), '005', NULL,",
                "    DELETE FROM alembic_version;\n    INSERT INTO alembic_version (version_num) VALUES ('005');\n")
                .endsWith("END $retort$;\n\nCOMMIT;\n");
    }
}
