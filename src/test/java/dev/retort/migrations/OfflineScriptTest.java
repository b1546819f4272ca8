package dev.retort.migrations;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.DatabaseStatus;
import dev.retort.engine.Direction;
import dev.retort.engine.InvalidTargetException;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationContext;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.OfflineScript;
import dev.retort.engine.Plan;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.WorkMark;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offline script, run statement by statement as psql would, makes exactly the schema the engine makes. */
class OfflineScriptTest {

    private final RevisionGraph graph = new RevisionGraph(Migrations.all());

    private String script(Direction direction, String range) {
        return OfflineScript.render(graph, OfflineScript.plan(graph, direction, range), LockPolicy.DEFAULT);
    }

    private Migrator migrator(TestDatabase database) {
        return new Migrator(database.dataSource(), graph, MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    @Test
    void theUpgradeScriptMakesTheSameSchemaAsTheOnlineRunAtEveryRevision() throws SQLException {
        TestDatabase offline = TestPostgres.newDatabase("offline_up");
        TestDatabase online = TestPostgres.newDatabase("online_up");
        String from = "base";
        for (String to : graph.revisions().stream().map(Revision::id).toList()) {
            runAsPsqlWould(offline, script(Direction.UPGRADE, from + ":" + to));
            migrator(online).upgrade(to);
            assertThat(offline.schema()).as("at %s", to).isEqualTo(online.schema());
            assertThat(migrator(offline).current()).isEqualTo(to);
            from = to;
        }
    }

    @Test
    void theDowngradeScriptMakesTheSameSchemaAsTheOnlineRun() throws SQLException {
        TestDatabase offline = TestPostgres.newDatabase("offline_down");
        TestDatabase online = TestPostgres.newDatabase("online_down");
        migrator(offline).upgrade("head");
        migrator(online).upgrade("head");

        runAsPsqlWould(offline, script(Direction.DOWNGRADE, "head:002"));
        migrator(online).downgrade("002");

        assertThat(offline.schema()).isEqualTo(online.schema());
        assertThat(migrator(offline).current()).isEqualTo("002");
        runAsPsqlWould(offline, script(Direction.DOWNGRADE, "002:base"));
        assertThat(offline.schema()).isEqualTo(TestPostgres.newDatabase("empty").schema());
        assertThat(migrator(offline).current()).isNull();
    }

    @Test
    void theScriptWrapsTransactionalRevisionsLeavesOnlineOnesInAutocommitAndMovesTheVersionAsRetortDoes() {
        String script = script(Direction.UPGRADE, "002:004");

        assertThat(script).startsWith("-- Retort ").contains(", offline: 002 -> 004\n")
                .contains("\n\\set ON_ERROR_STOP on\n\\set AUTOCOMMIT on\n\nDO $retort$ BEGIN\n    IF NOT "
                        + "pg_try_advisory_lock(125780070724212) THEN\n")
                .contains("\n        IF (SELECT array_agg(version_num) FROM alembic_version) IS DISTINCT FROM "
                        + "ARRAY['002']::varchar[] THEN\n")
                .contains("\n-- Running upgrade 002 -> 003, create audit_logs table (one transaction)\n\nBEGIN;\n\n"
                        + "CREATE TABLE audit_logs (")
                .contains("\nDO $retort$ BEGIN\n    UPDATE alembic_version SET version_num = '003' WHERE version_num = "
                        + "'002';\n")
                .containsPattern("\n        INSERT INTO retort_history [^;]*'003', 'upgrade', '002', '003', '[0-9a-f]{64}'"
                        + "[^;]*;\n    END IF;\nEND \\$retort\\$;\n\nCOMMIT;\n")
                .contains("\n-- Running upgrade 003 -> 004, add customer foreign keys (online: each statement on its "
                        + "own, in autocommit)\n\nDO $retort$ BEGIN\n", "'progress', '?/6: run by a --sql script, "
                        + "which does not record how far it got');\n    END IF;\nEND $retort$;\n\nALTER TABLE customers\n")
                .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_updated_by ON customers (updated_by);"
                        + "\n\nDO $retort$ BEGIN\n    UPDATE alembic_version SET version_num = '004' WHERE version_num = "
                        + "'003';\n")
                .endsWith("END $retort$;\n\n-- Done: the migration lock goes back (psql -f ending would let it go too).\n"
                        + "DO $retort$ BEGIN PERFORM pg_advisory_unlock(125780070724212); END $retort$;\n");
        assertThat(script.indexOf("BEGIN;")).isEqualTo(script.lastIndexOf("BEGIN;"));
    }

    /**
     * What the header says to do when the script stops partway: alembic_version names where; upgrade finishes. The
     * script ends at 006, whose check refuses the row, so that it stops in the seed's 006 whatever follows it.
     */
    @Test
    void aScriptThatStoppedPartwayIsFinishedAsItsHeaderSays() throws SQLException {
        TestDatabase offline = TestPostgres.newDatabase("offline_stopped");
        migrator(offline).upgrade("003");
        offline.execute("INSERT INTO customers (name, email, customer_type) VALUES (' ', 'a@example.com', "
                + "'individual')");
        String script = script(Direction.UPGRADE, "003:006");
        assertThat(script).contains("-- If it stops partway, do not run it again as it is (statements already done "
                + "may fail, an INVALID\n-- index would be kept): alembic_version names the last revision it "
                + "finished, and retort upgrade 006\n-- finishes the job, skipping what is done.\n");

        assertThatThrownBy(() -> runAsPsqlWould(offline, script)).hasMessageContaining("ck_customers_name_not_empty");
        assertThat(migrator(offline).current()).isEqualTo("005");
        assertThat(migrator(offline).status().unfinished().lastDone())
                .as("current warns of it, as of a Retort run that stopped").startsWith("?/");
        offline.execute("UPDATE customers SET name = 'A'");
        migrator(offline).upgrade("006");

        TestDatabase online = TestPostgres.newDatabase("online_whole");
        migrator(online).upgrade("006");
        assertThat(offline.schema()).isEqualTo(online.schema());
    }

    /** Applied to a database at another revision, the script stops at its first statement, having changed nothing. */
    @Test
    void aScriptAppliedToADatabaseElsewhereStopsBeforeChangingIt() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("offline_elsewhere");
        migrator(database).upgrade("002");
        String before = database.schema();

        assertThatThrownBy(() -> runAsPsqlWould(database, script(Direction.UPGRADE, "003:head")))
                .hasMessageContaining("This script starts from 003, but alembic_version holds 002");
        assertThatThrownBy(() -> runAsPsqlWould(database, script(Direction.UPGRADE, "head")))
                .hasMessageContaining("This script starts from <base>, but alembic_version holds 002");
        assertThat(database.schema()).isEqualTo(before);
        assertThat(migrator(database).current()).isEqualTo("002");
        try (Connection session = database.connect()) {
            assertThatThrownBy(() -> runAsPsqlWould(session, script(Direction.UPGRADE, "003:head")))
                    .hasMessageContaining("This script starts from 003");
            assertThat(database.column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                    .as("a script that refuses to start keeps no lock, though its session lives on")
                    .containsExactly("0");
        }
    }

    /** stamp --sql: what a stamp writes, for psql; it replaces whatever alembic_version held. */
    @Test
    void theStampScriptRecordsTheRevisionAsAStampWould() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("offline_stamp");
        migrator(database).upgrade("002");
        database.execute("INSERT INTO alembic_version VALUES ('1975ea83b712')");

        runAsPsqlWould(database, OfflineScript.stamp(graph, "head"));
        assertThat(migrator(database).current()).isEqualTo(ProjectHead.id());
        runAsPsqlWould(database, OfflineScript.stamp(graph, "base"));
        assertThat(migrator(database).current()).isNull();
        TestDatabase empty = TestPostgres.newDatabase("offline_stamp_empty");
        runAsPsqlWould(empty, OfflineScript.stamp(graph, "003"));
        assertThat(migrator(empty).current()).isEqualTo("003");
        assertThatThrownBy(() -> OfflineScript.stamp(graph, "+1")).isInstanceOf(InvalidTargetException.class)
                .hasMessage("stamp --sql reads no database, so '+1' cannot count from the current revision: give an "
                        + "id, head or base.");
    }

    /**
     * Where Retort keeps its history, the script writes each revision's row as a run would (its checksum too, so an
     * edited revision is still found), and refuses to start over a step that a Retort run left half done.
     */
    @Test
    void theScriptRecordsItsRevisionsInRetortsHistoryAndRefusesAStepLeftHalfDone() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("offline_history");
        migrator(database).upgrade("003");

        runAsPsqlWould(database, script(Direction.UPGRADE, "003:005"));

        DatabaseStatus status = migrator(database).status();
        assertThat(status.current()).isEqualTo("005");
        assertThat(status.applied()).containsKeys("004", "005");
        assertThat(status.edited()).isEmpty();
        assertThat(database.column("SELECT retort_version FROM retort_history WHERE revision = '005' AND outcome = "
                + "'success'"))
                .singleElement().asString().endsWith(" --sql");

        leaveUpgradeHalfDone(database, "005", "006");
        String before = database.schema();
        assertThatThrownBy(() -> runAsPsqlWould(database, script(Direction.DOWNGRADE, "005:004")))
                .hasMessageContaining("A Retort run left a step half done at 005: retort current says which.");
        assertThat(database.schema()).isEqualTo(before);
    }

    /** The script takes Retort's migration lock: a Retort run at work stops it before it changes anything. */
    @Test
    void aScriptStopsWhileAnotherMigrationHoldsTheLock() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("offline_locked");
        migrator(database).upgrade("003");
        String before = database.schema();

        try (Connection runner = database.connect(); Statement statement = runner.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + AdvisoryLock.KEY + ")");
            assertThatThrownBy(() -> runAsPsqlWould(database, script(Direction.UPGRADE, "003:head")))
                    .hasMessageContaining("Another migration holds Retort's lock on this database (pid ");
            assertThatThrownBy(() -> runAsPsqlWould(database, OfflineScript.stamp(graph, "006")))
                    .hasMessageContaining("Another migration holds Retort's lock on this database (pid ");
        }
        try (Connection runner = database.connect(); Statement statement = runner.createStatement()) {
            statement.execute("SELECT pg_advisory_lock_shared(" + WorkMark.KEY + ")"); // a run that lost the lock
            assertThatThrownBy(() -> runAsPsqlWould(database, script(Direction.UPGRADE, "003:head")))
                    .hasMessageContaining("A Retort run that lost its migration lock is still at work (pid ");
        }
        assertThat(database.schema()).isEqualTo(before);
        assertThat(migrator(database).current()).isEqualTo("003");
    }

    /**
     * stamp --sql does what retort stamp does: nothing where the database already is, and a warning that a step
     * left half done is not undone by it.
     */
    @Test
    void theStampScriptWritesNothingWhereTheDatabaseIsAndWarnsOfAStepLeftHalfDone() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("offline_stamp_same");
        migrator(database).upgrade("003");
        List<String> rows = database.column("SELECT count(*) FROM retort_history");

        assertThat(runAsPsqlWould(database, OfflineScript.stamp(graph, "003")))
                .contains("Already at 003: nothing to stamp.");
        assertThat(database.column("SELECT count(*) FROM retort_history")).isEqualTo(rows);

        leaveUpgradeHalfDone(database, "003", "004");
        assertThat(runAsPsqlWould(database, OfflineScript.stamp(graph, "003")))
                .filteredOn(notice -> !notice.contains("already exists")).singleElement().asString().startsWith("A Retort run left a step half done here (retort current says which): stamping does not "
                        + "undo it");
        assertThat(migrator(database).status().unfinished()).isNull();
    }

    /** psql applies no timeout of Retort's: the header suggests each one that was given, lest --sql drop it. */
    @Test
    void theHeaderSuggestsTheLockTimeoutAndAStatementTimeoutWhenOneIsGiven() {
        Plan plan = OfflineScript.plan(graph, Direction.UPGRADE, "003:head");
        LockPolicy withLimit = new LockPolicy(Duration.ofMillis(500), 9, Duration.ofMinutes(2), Duration.ofMinutes(10));

        assertThat(OfflineScript.render(graph, plan, withLimit)).contains("--   SET lock_timeout = '500ms';\n"
                + "--   SET statement_timeout = '600000ms';\n");
        assertThat(OfflineScript.render(graph, plan, LockPolicy.DEFAULT)).contains("--   SET lock_timeout = '1000ms';\n")
                .doesNotContain("statement_timeout");
    }

    @Test
    void rangesThatNeedADatabaseOrGoTheWrongWayAreRefused() {
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.DOWNGRADE, "002"))
                .isInstanceOf(InvalidTargetException.class).hasMessageStartingWith("downgrade --sql needs FROM:TO");
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.UPGRADE, "005:003"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("upgrade --sql 005:003 goes down from 005 to 003; use downgrade --sql 005:003.");
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.UPGRADE, "current:head"))
                .isInstanceOf(InvalidTargetException.class).hasMessageContaining("is not a range for --sql");
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.UPGRADE, "003:999"))
                .isInstanceOf(InvalidTargetException.class).hasMessageStartingWith("No revision '999'.");
        assertThat(OfflineScript.plan(graph, Direction.UPGRADE, "head").steps()).as("from base, all of them")
                .hasSize(ProjectHead.count());
        assertThat(OfflineScript.plan(graph, Direction.UPGRADE, "003:+2").to()).isEqualTo("005");
        assertThat(OfflineScript.plan(graph, Direction.DOWNGRADE, "004:-2").to()).isEqualTo("002");
    }

    @Test
    void aRelativeToCountsFromFromAndCurrentNamesNothingWithoutADatabase() {
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.UPGRADE, "head:+1"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("'+1' goes past head: head " + ProjectHead.id() + " is the head: nothing is above it.");
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.DOWNGRADE, "002:-3"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessage("'-3' goes past base: 002 is 2 steps above base. Give -2 or base.");
        assertThatThrownBy(() -> OfflineScript.plan(graph, Direction.UPGRADE, "002:current"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageStartingWith("--sql reads no database, so 'current' names nothing");
    }

    /** What a run killed in an online step leaves in the history: a progress row, as newest. */
    private static void leaveUpgradeHalfDone(TestDatabase database, String from, String to) throws SQLException {
        database.execute("INSERT INTO retort_history (revision, direction, from_revision, to_revision, started_at, "
                + "finished_at, duration_ms, retort_version, outcome, part) VALUES ('" + to + "', 'upgrade', '" + from
                + "', '" + to + "', now(), now(), 0, 'test', 'progress', '1/9: ALTER TABLE …')");
    }

    /**
     * Runs the script the way psql does in autocommit: one statement at a time, comments skipped. A statement
     * ends with a semicolon at the end of a line outside a quoted string and a DO block's body. Returns the
     * server's notices and warnings, as psql would print them.
     */
    private static List<String> runAsPsqlWould(TestDatabase database, String script) throws SQLException {
        try (Connection session = database.connect()) {
            return runAsPsqlWould(session, script);
        }
    }

    /** As above, in {@code session}, which lives on after the script, as psql's does after {@code \\i}. */
    private static List<String> runAsPsqlWould(Connection session, String script) throws SQLException {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean insideBody = false;
        for (String line : script.split("\n", -1)) {
            if (current.isEmpty() && (line.isBlank() || line.startsWith("--"))) {
                continue;
            }
            if (current.isEmpty() && line.startsWith("\\")) {
                // What this runner does anyway: stop at the first error, and commit each statement on its own.
                assertThat(line).as("psql's own command").isIn("\\set ON_ERROR_STOP on", "\\set AUTOCOMMIT on");
                continue;
            }
            current.append(line).append('\n');
            if (line.split("\\$retort\\$", -1).length % 2 == 0) {
                insideBody = !insideBody; // a DO block's body, between $retort$ quotes
            }
            boolean insideQuotes = current.chars().filter(c -> c == '\'').count() % 2 == 1;
            if (line.endsWith(";") && !insideQuotes && !insideBody) {
                statements.add(current.toString());
                current.setLength(0);
            }
        }
        assertThat(current.toString()).as("text after the last statement").isBlank();
        List<String> notices = new ArrayList<>();
        try (Statement statement = session.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
                for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                    notices.add(warning.getMessage());
                }
                statement.clearWarnings();
            }
        }
        return notices;
    }


    /** A revision's message on several lines stays in the script's comment, where its second line would have run. */
    @Test
    void aMessageWithALineBreakStaysInTheComment() {
        Revision revision = new Revision() {
            public String id() {
                return "001";
            }

            public String revises() {
                return null;
            }

            public String message() {
                return "first line\nDROP TABLE users;";
            }

            public void upgrade(MigrationContext context) {
                context.execute("SELECT 1");
            }

            public void downgrade(MigrationContext context) {
            }
        };
        RevisionGraph oneRevision = new RevisionGraph(List.of(revision));

        String script = OfflineScript.render(oneRevision, OfflineScript.plan(oneRevision, Direction.UPGRADE, "head"),
                LockPolicy.DEFAULT);

        assertThat(script).contains("-- Running upgrade  -> 001, first line DROP TABLE users; (one transaction)")
                .doesNotContain("\nDROP TABLE users;");
    }
}
