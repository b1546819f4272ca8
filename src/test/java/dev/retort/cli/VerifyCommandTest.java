package dev.retort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** verify: the seed's queries as psql prints them, then the live catalog against the revision's snapshot. */
class VerifyCommandTest {

    @TempDir
    Path home;

    private TestDatabase database;

    @BeforeEach
    void databaseAtHead() {
        database = TestPostgres.newDatabase("verify");
        assertThat(retort("upgrade", "head").exitCode()).isEqualTo(ExitCodes.OK);
    }

    private Cli.Result retort(String... args) {
        return Cli.shipped(home).runOn(database.postgresUrl(), args);
    }

    @Test
    void atHeadItPrintsTheFourSeedQueriesAsPsqlDoesAndSaysTheSchemaMatches() {
        Cli.Result result = retort("verify");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("""
                -- Check all tables exist
                    tablename   \s
                -----------------
                 alembic_version
                 audit_logs
                 customers
                 retort_history
                 users
                (5 rows)

                -- Check foreign keys
                """);
        assertThat(result.out()).contains("""
                 table_name | column_name | foreign_table_name | foreign_column_name\s
                ------------+-------------+--------------------+---------------------
                 audit_logs | created_by  | users              | id
                """, "-- Check indexes\n", "-- Check constraints\n",
                " ck_users_email_format                 | c       | users\n");
        // The count is not pinned: 29 constraints at 006, and a project's own revisions may add more.
        assertThat(result.out()).endsWith(" rows)\n\nOK: the schema matches revision " + ProjectHead.label() + ".\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a dropped index        | DROP INDEX ix_users_deleted_at                                              | missing 1 index      | -index ix_users_deleted_at on users: CREATE INDEX ix_users_deleted_at ON users USING btree (deleted_at)
            an extra column        | ALTER TABLE customers ADD COLUMN nickname text                              | extra 1 column       | +  column nickname text
            a changed default      | ALTER TABLE audit_logs ALTER COLUMN success SET DEFAULT false                | changed 1 column     | +  column success boolean not null default false
            a NOT VALID constraint | ALTER TABLE users DROP CONSTRAINT ck_users_email_format; ALTER TABLE users ADD CONSTRAINT ck_users_email_format CHECK (email ~ '@') NOT VALID | changed 1 constraint | +constraint ck_users_email_format on users: CHECK (((email)::text ~ '@'::text)) NOT VALID
            an enum value by hand  | ALTER TYPE user_role ADD VALUE 'auditor'                                    | changed 1 enum       | +enum user_role (admin, corporate, client, auditor)
            an unlogged table      | ALTER TABLE audit_logs SET UNLOGGED                                         | changed 1 table      | +unlogged table audit_logs -- One row per audited event
            row-level security     | ALTER TABLE users ENABLE ROW LEVEL SECURITY                                 | changed 1 table      | +table users [ENABLE ROW LEVEL SECURITY] -- Accounts
            forced RLS             | ALTER TABLE users FORCE ROW LEVEL SECURITY                                  | changed 1 table      | +table users [FORCE ROW LEVEL SECURITY] -- Accounts
            a policy               | CREATE POLICY p ON users USING (false)                                      | extra 1 policy       | +policy p on users: AS PERMISSIVE FOR ALL TO public USING (false)
            a table's fillfactor   | ALTER TABLE users SET (fillfactor=50)                                       | changed 1 table      | +table users with (fillfactor=50) -- Accounts
            an index's fillfactor  | ALTER INDEX ix_users_deleted_at SET (fillfactor=70)                         | changed 1 index      | +index ix_users_deleted_at on users: CREATE INDEX ix_users_deleted_at ON users USING btree (deleted_at) WITH (fillfactor=
            """)
    void driftIsExitThreeWithADiffThatNamesTheObjectAndALastLineThatCountsThem(String what, String sql,
                                                                                String summary, String diffLine)
            throws SQLException {
        for (String statement : sql.split("; ")) {
            database.execute(statement);
        }

        Cli.Result result = retort("verify");

        assertThat(result.exitCode()).as(what).isEqualTo(ExitCodes.DRIFT);
        assertThat(result.out()).contains("DRIFT: the schema differs from revision " + ProjectHead.label()
                + " (- expected, + live):\n--- expected at " + ProjectHead.label() + "\n+++ live database\n@@ ");
        assertThat(result.out().lines()).anySatisfy(line -> assertThat(line).startsWith(diffLine));
        assertThat(result.out()).endsWith("\nDRIFT from revision " + ProjectHead.label() + ": " + summary + ".\n");
    }

    /** -q, for CI and by hand: the verdict alone, with verify's exit codes. */
    @Test
    void quietAtHeadPrintsTheOkLineAlone() {
        Cli.Result quiet = retort("verify", "-q");

        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(quiet.err()).isEmpty();
        assertThat(quiet.out()).isEqualTo("OK: the schema matches revision " + ProjectHead.label() + ".\n");
        assertThat(retort("verify", "--quiet").out()).isEqualTo(quiet.out());
    }

    @Test
    void quietOnDriftPrintsTheDiffBetweenItsTwoDriftLinesAndNothingElse() throws SQLException {
        database.execute("DROP INDEX ix_users_deleted_at");

        Cli.Result quiet = retort("verify", "-q");

        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(quiet.outLines()).hasSize(6);
        assertThat(quiet.outLines().get(0)).isEqualTo("DRIFT: the schema differs from revision " + ProjectHead.label()
                + " (- expected, + live):");
        assertThat(quiet.outLines().get(3)).matches("@@ -\\d+,1 \\+\\d+,0 @@");
        assertThat(quiet.outLines().get(4)).startsWith("-index ix_users_deleted_at on users: ");
        assertThat(quiet.outLines().get(5)).isEqualTo("DRIFT from revision " + ProjectHead.label()
                + ": missing 1 index.");
        assertThat(retort("verify").out()).startsWith("-- Check all tables exist\n").endsWith("\n" + quiet.out());
    }

    /**
     * A database holding 200 tables of its own beside the revisions': the seed's queries list them all, some 1,300
     * lines before the verdict; -q leaves those out, and either way the last line counts the drift.
     */
    @Test
    void withTwoHundredTablesOfItsOwnQuietLeavesOutTheQueriesAndTheLastLineCountsThem() throws SQLException {
        database.execute("""
                DO $$ BEGIN FOR i IN 1..200 LOOP
                  EXECUTE format('CREATE TABLE app_%s (id uuid PRIMARY KEY, '
                    || 'customer_id uuid NOT NULL REFERENCES customers (id), name text)', lpad(i::text, 3, '0'));
                END LOOP; END $$""");

        Cli.Result quiet = retort("verify", "-q");
        Cli.Result full = retort("verify");

        String verdict = "DRIFT from revision " + ProjectHead.label() + ": extra 200 tables, 400 constraints, "
                + "200 indexes.\n";
        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(quiet.out()).startsWith("DRIFT: the schema differs from revision ").endsWith(verdict)
                .doesNotContain("-- Check", " rows)");
        assertThat(quiet.outLines()).filteredOn(line -> line.startsWith("+table app_")).hasSize(200);
        assertThat(quiet.outLines()).filteredOn(line -> line.startsWith("-") && !line.startsWith("---")).isEmpty();
        assertThat(full.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(full.out()).startsWith("-- Check all tables exist\n").endsWith("\n" + quiet.out());
        assertThat(full.outLines()).hasSizeGreaterThan(quiet.outLines().size() + 1000);
    }

    /** Someone whose verdict scrolled away asks verify --help how to get it alone. */
    @Test
    void theHelpSaysHowToGetTheVerdictAlone() {
        String help = retort("verify", "--help").out().replaceAll("\\s+", " ");

        assertThat(help).contains("-q, --quiet Print only the verdict: the OK line, or the DRIFT line, the diff and "
                        + "the line counting it. The four verification queries are not run",
                "With --json, \"queries\" is null.", "retort verify -q > /dev/null the exit code alone");
    }

    /** Scripts get the same document, with null for the queries that did not run: [] would say they found nothing. */
    @Test
    void quietJsonIsTheSameDocumentWithoutTheQueries() throws Exception {
        database.execute("DROP INDEX ix_users_deleted_at");

        Cli.Result quiet = retort("--json", "verify", "-q");
        Cli.Result full = retort("--json", "verify");

        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.DRIFT);
        JsonNode quietDocument = new ObjectMapper().readTree(quiet.out());
        JsonNode fullDocument = new ObjectMapper().readTree(full.out());
        assertThat(quietDocument.get("queries").isNull()).isTrue();
        assertThat(fullDocument.get("queries")).hasSize(4);
        ((ObjectNode) fullDocument).putNull("queries");
        assertThat(quietDocument).isEqualTo(fullDocument);
    }

    /** A sequence no column owns used to crash verify and snapshot while Retort's own tables were left out. */
    @Test
    void aSequenceNoColumnOwnsIsDriftAndInTheSnapshot() throws SQLException {
        database.execute("CREATE SEQUENCE s1");

        Cli.Result verify = retort("verify");
        Cli.Result snapshot = retort("snapshot");

        assertThat(verify.err()).isEmpty();
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(verify.out().lines()).contains("+sequence s1 bigint start 1 increment 1");
        assertThat(snapshot.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(snapshot.out().lines()).contains("sequence s1 bigint start 1 increment 1");
    }

    /** Migrated into another schema (the database's search_path), the seed's queries look there, not in public. */
    @Test
    void theSeedQueriesLookInTheSchemaTheRevisionsUsed() throws SQLException {
        TestDatabase elsewhere = TestPostgres.newDatabase("verify_schema");
        elsewhere.execute("CREATE SCHEMA \"MyApp\"");
        elsewhere.execute("ALTER DATABASE " + elsewhere.name() + " SET search_path = \"MyApp\"");
        Cli cli = Cli.shipped(home);
        assertThat(cli.runOn(elsewhere.postgresUrl(), "upgrade", "head").exitCode()).isEqualTo(ExitCodes.OK);

        Cli.Result result = cli.runOn(elsewhere.postgresUrl(), "verify");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains(" audit_logs\n", "(5 rows)", " fk_customers_created_by ")
                .isEqualTo(retort("verify").out());
    }

    /**
     * A schema put before the migrated one on the search_path later (one named after the role, under the default
     * "$user", public): verify reads where alembic_version is, and a run is refused before it changes anything: it
     * would create tables in the new schema, apart from the others, and a downgrade would drop the new schema's table
     * of the same name (the DBA retest lost one so, data and all).
     */
    @Test
    void aSchemaPutBeforeTheMigratedOneLaterMovesNeitherWhatVerifyReadsNorWhereNewTablesGo() throws SQLException {
        TestDatabase later = TestPostgres.newDatabase("verify_user_schema");
        Cli cli = Cli.shipped(home);
        assertThat(cli.runOn(later.postgresUrl(), "upgrade", "001").exitCode()).isEqualTo(ExitCodes.OK);
        later.execute("CREATE SCHEMA AUTHORIZATION CURRENT_USER");

        Cli.Result verify = cli.runOn(later.postgresUrl(), "verify");
        Cli.Result dryRun = cli.runOn(later.postgresUrl(), "upgrade", "head", "--dry-run");
        Cli.Result upgrade = cli.runOn(later.postgresUrl(), "upgrade", "head");

        assertThat(verify.exitCode()).as(verify.out()).isEqualTo(ExitCodes.OK);
        assertThat(verify.out()).contains(" customers\n", "OK: the schema matches revision 001.");
        assertThat(dryRun.out()).contains("the search_path finds alembic_version in schema public but makes");
        assertThat(upgrade.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(upgrade.err()).contains("The search_path finds alembic_version in schema public but makes",
                "put public first on the search_path", "Nothing was changed.");
        later.execute("CREATE TABLE customers (note text)"); // in the new schema, first on the search_path
        Cli.Result downgrade = cli.runOn(later.postgresUrl(), "downgrade", "base");
        assertThat(downgrade.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(downgrade.err()).contains("would be altered or dropped instead", "Nothing was changed.");
        assertThat(later.column("SELECT version_num FROM public.alembic_version")).containsExactly("001");
        assertThat(later.column("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = current_user AND c.relkind = 'r'")).containsExactly("customers");
    }

    /** The search_path misses the schema holding alembic_version: base, said with where the database seems to be. */
    @Test
    void aDatabaseReadAsBaseSaysWhereAnotherAlembicVersionIs() throws SQLException {
        TestDatabase missed = TestPostgres.newDatabase("verify_elsewhere");
        missed.execute("CREATE SCHEMA app");
        missed.execute("CREATE TABLE app.alembic_version (version_num varchar(32) PRIMARY KEY)");
        missed.execute("INSERT INTO app.alembic_version VALUES ('006')");
        Cli cli = Cli.shipped(home);

        Cli.Result current = cli.runOn(missed.postgresUrl(), "current");
        Cli.Result json = cli.runOn(missed.postgresUrl(), "--json", "current");
        Cli.Result dryRun = cli.runOn(missed.postgresUrl(), "upgrade", "001", "--dry-run");
        Cli.Result upgrade = cli.runOn(missed.postgresUrl(), "upgrade", "001");

        String warning = "retort: warning: the search_path finds no alembic_version, so this database reads as <base>, "
                + "but schema app holds one: if the database's tables are there, put that schema on the search_path "
                + "(options=-c%20search_path%3D<schema> in the URL); a run here would build them anew in schema "
                + "public.\n";
        assertThat(current.out()).isEqualTo("<base>\n");
        assertThat(current.err()).isEqualTo(warning);
        assertThat(json.out()).contains("\"elsewhere\" : \"the search_path finds no alembic_version");
        assertThat(dryRun.err()).startsWith(warning);
        assertThat(upgrade.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(upgrade.err()).startsWith(warning);
        assertThat(cli.runOn(missed.postgresUrl(), "current").err()).as("no longer at base").isEmpty();
    }

    /** created_at is a column of all three tables: the hunk's header names the table, as git names a function. */
    @Test
    void aHunkOfColumnLinesNamesItsTable() throws SQLException {
        database.execute("ALTER TABLE users ALTER COLUMN created_at DROP DEFAULT");
        database.execute("ALTER TABLE customers ADD COLUMN nickname text");

        List<String> lines = retort("verify").out().lines().toList();

        int changed = lines.indexOf("+  column created_at timestamp with time zone not null -- When the account was "
                + "created.");
        assertThat(lines.get(changed - 2)).matches("@@ -\\d+,1 \\+\\d+,1 @@ table users");
        int added = lines.indexOf("+  column nickname text");
        assertThat(lines.get(added - 1)).matches("@@ -\\d+,0 \\+\\d+,1 @@ table customers");
    }

    /**
     * A project's copy of a table (LIKE users) has the same column lines as users: matched as plain lines, they stood
     * in for users' own, and a dropped default showed as users' last seven columns added and the copy's removed.
     */
    @Test
    void aCopyOfATableDoesNotHideAChangedColumnOfTheOriginal() throws SQLException {
        database.execute("CREATE TABLE users_archive (LIKE users INCLUDING ALL)");
        database.execute("ALTER TABLE users ALTER COLUMN created_at DROP DEFAULT");

        Cli.Result result = retort("verify");

        List<String> lines = result.out().lines().toList();
        String expected = "-  column created_at timestamp with time zone not null default now() -- When the account "
                + "was created.";
        assertThat(result.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(lines).contains(expected);
        int removed = lines.indexOf(expected);
        assertThat(lines.get(removed - 1)).matches("@@ -\\d+,1 \\+\\d+,1 @@ table users");
        assertThat(lines.get(removed + 1)).isEqualTo("+  column created_at timestamp with time zone not null -- When "
                + "the account was created.");
        int copy = lines.indexOf("+table users_archive");
        assertThat(lines.get(copy - 1)).as("the copy's hunk starts with it").matches("@@ -\\d+,0 \\+\\d+,16 @@");
    }

    @Test
    void anInvalidIndexLeftByAFailedBuildIsDrift() throws SQLException {
        database.execute("INSERT INTO users (email, password_hash, full_name, role) VALUES"
                + " ('a@example.com', repeat('x', 60), 'A', 'client'), ('b@example.com', repeat('x', 60), 'B', 'client')");
        try {
            database.execute("CREATE UNIQUE INDEX CONCURRENTLY ix_users_role_unique ON users (role)");
        } catch (SQLException expected) {
            // the build fails on the duplicate roles and leaves the index INVALID
        }

        Cli.Result result = retort("verify");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.DRIFT);
        assertThat(result.out()).contains("+index ix_users_role_unique on users: CREATE UNIQUE INDEX "
                + "ix_users_role_unique ON users USING btree (role) [INVALID]");
    }

    @Test
    void snapshotWriteRegeneratesExactlyTheShippedSnapshots() throws IOException {
        Cli.Result result = retort("snapshot", "--write");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        for (String revision : ProjectHead.ids()) {
            Path written = home.resolve(ExpectedSnapshots.SOURCE_FOLDER).resolve(revision + ".txt");
            assertThat(Files.readString(written)).as(revision).isEqualTo(ExpectedSnapshots.at(revision).orElseThrow());
        }
        assertThat(result.out()).startsWith("Wrote src/main/resources/dev/retort/migrations/snapshots/001.txt\n");
        assertThat(retort("snapshot").out()).isEqualTo(ExpectedSnapshots.at(ProjectHead.id()).orElseThrow());
    }

    /** RETORT_HOME moves only the embedded database's data: the snapshots are the project's sources. */
    @Test
    void snapshotWriteWritesIntoTheProjectWhenTheHomeIsElsewhere(@TempDir Path elsewhere) throws IOException {
        Cli.Result result = Cli.shipped(home).withHome(elsewhere).runOn(database.postgresUrl(), "snapshot", "--write");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(home.resolve(ExpectedSnapshots.SOURCE_FOLDER).resolve("006.txt")).exists();
        assertThat(elsewhere).isEmptyDirectory();
    }

    /** A file rewritten as it was would look changed to the launcher, and so rebuild Retort for nothing. */
    @Test
    void snapshotWriteLeavesSnapshotsThatAreUpToDateAsTheyWere() throws IOException {
        retort("snapshot", "--write");
        Path folder = home.resolve(ExpectedSnapshots.SOURCE_FOLDER);
        FileTime longAgo = FileTime.fromMillis(0);
        for (String revision : ProjectHead.ids()) {
            Files.setLastModifiedTime(folder.resolve(revision + ".txt"), longAgo);
        }
        Files.writeString(folder.resolve("003.txt"), "out of date\n");

        Cli.Result again = retort("snapshot", "--write");

        assertThat(again.out()).isEqualTo("Wrote src/main/resources/dev/retort/migrations/snapshots/003.txt\n"
                + (ProjectHead.count() - 1) + " others were up to date, and left as they were.\n"
                + "Rebuild to ship them (./retort does so by itself when a file under src/main changes).\n");
        assertThat(Files.getLastModifiedTime(folder.resolve("004.txt"))).isEqualTo(longAgo);
        assertThat(retort("snapshot", "--write").out()).isEqualTo("All " + ProjectHead.count() + " snapshots were up "
                + "to date: none was written.\n");
    }

    @Test
    void aRevisionWhoseSqlChangedSinceItRanIsNamedByCurrentAndVerify() throws SQLException {
        database.execute("UPDATE retort_history SET checksum = 'c0ffee' WHERE revision = '004'"
                + " AND direction = 'upgrade' AND outcome = 'success'");

        Cli.Result current = retort("current");
        Cli.Result verify = retort("verify");

        assertThat(current.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(current.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(current.err()).matches("retort: warning: revision 004's SQL has changed since it ran here "
                + "\\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC; checksum c0ffee then, [0-9a-f]{12} now\\): "
                + "the database may not match 004 as shipped\\. verify compares the schema with its snapshot\\.\n");
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(verify.err()).isEqualTo(current.err());
        assertThat(retort("verify", "-q").err()).as("-q quiets stdout only").isEqualTo(current.err());
        // history -v marks it too, where an operator reads each revision's record.
        assertThat(retort("history", "-v", "-r", "004:004").out()).containsPattern(
                "\nApplied: \\d{4}-\\d\\d-\\d\\d [0-9:]+ UTC by \\w+ in \\d+ ms; its SQL has changed since\n");
        assertThat(retort("history", "-v", "-r", "005:005").out()).doesNotContain("changed since");
    }

    /** In JSON, a revision applied with no record (here: stamped) is told from one not applied. */
    @Test
    void historyJsonTellsARevisionAppliedWithoutARecordFromOneNotApplied() throws Exception {
        retort("stamp", "base");
        retort("stamp", "002");

        JsonNode revisions = new ObjectMapper().readTree(retort("--json", "history", "-v", "-r", "002:004").out())
                .get("revisions");

        assertThat(revisions.findValuesAsText("id")).containsExactly("004", "003", "002");
        assertThat(revisions.findValues("is_applied")).extracting(JsonNode::asBoolean).containsExactly(false, false, true);
        assertThat(revisions.findValues("applied")).allMatch(JsonNode::isNull);
        assertThat(revisions.findValues("edited")).extracting(JsonNode::asBoolean).containsOnly(false);
    }
}
