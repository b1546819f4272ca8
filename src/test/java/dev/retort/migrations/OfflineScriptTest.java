package dev.retort.migrations;

import dev.retort.engine.Direction;
import dev.retort.engine.InvalidTargetException;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.OfflineScript;
import dev.retort.engine.Plan;
import dev.retort.engine.RevisionGraph;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
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
        for (String to : List.of("001", "002", "003", "004", "005", "006")) {
            runAsPsqlWould(offline, script(Direction.UPGRADE, from + ":" + to));
            migrator(online).upgrade(to);
            assertThat(offline.schema()).as("at %s", to).isEqualTo(online.schema());
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
        runAsPsqlWould(offline, script(Direction.DOWNGRADE, "002:base"));
        assertThat(offline.schema()).isEqualTo(TestPostgres.newDatabase("empty").schema());
    }

    @Test
    void theScriptWrapsTransactionalRevisionsLeavesOnlineOnesInAutocommitAndCommentsTheVersionTable() {
        String script = script(Direction.UPGRADE, "002:004");

        assertThat(script).startsWith("-- Retort ").contains(", offline: 002 -> 004\n")
                .contains("-- record where it left the database with: retort stamp 004\n")
                .contains("\n-- Running upgrade 002 -> 003, create audit_logs table (one transaction)\n\nBEGIN;\n\n"
                        + "CREATE TABLE audit_logs (")
                .contains("\n-- UPDATE alembic_version SET version_num = '003' WHERE version_num = '002';\n\nCOMMIT;\n")
                .contains("\n-- Running upgrade 003 -> 004, add customer foreign keys (online: each statement on its "
                        + "own, in autocommit)\n\nALTER TABLE customers\n")
                .endsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_updated_by ON customers (updated_by);"
                        + "\n\n-- UPDATE alembic_version SET version_num = '004' WHERE version_num = '003';\n");
        assertThat(script.indexOf("BEGIN;")).isEqualTo(script.lastIndexOf("BEGIN;"));
    }

    /** What the header says to do when the script stops partway: stamp the last finished revision, upgrade. */
    @Test
    void aScriptThatStoppedPartwayIsFinishedAsItsHeaderSays() throws SQLException {
        TestDatabase offline = TestPostgres.newDatabase("offline_stopped");
        migrator(offline).upgrade("003");
        offline.execute("INSERT INTO customers (name, email, customer_type) VALUES (' ', 'a@example.com', "
                + "'individual')");
        String script = script(Direction.UPGRADE, "003:head");
        assertThat(script).contains("-- If it stops partway, do not run it again as it is (statements already done "
                + "may fail, an INVALID\n-- index would be kept): retort stamp the last revision it finished, then "
                + "retort upgrade 006\n-- finishes the job, skipping what is done.\n");

        assertThatThrownBy(() -> runAsPsqlWould(offline, script)).hasMessageContaining("ck_customers_name_not_empty");
        offline.execute("UPDATE customers SET name = 'A'");
        migrator(offline).stamp("005");
        migrator(offline).upgrade("006");

        TestDatabase online = TestPostgres.newDatabase("online_whole");
        migrator(online).upgrade("head");
        assertThat(offline.schema()).isEqualTo(online.schema());
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
        assertThat(OfflineScript.plan(graph, Direction.UPGRADE, "head").steps()).hasSize(6);
        assertThat(OfflineScript.plan(graph, Direction.UPGRADE, "003:+2").to()).isEqualTo("005");
    }

    /**
     * Runs the script the way psql does in autocommit: one statement at a time, comments skipped. A statement
     * ends with a semicolon at the end of a line outside a quoted string.
     */
    private static void runAsPsqlWould(TestDatabase database, String script) throws SQLException {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            if (current.isEmpty() && (line.isBlank() || line.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            boolean insideQuotes = current.chars().filter(c -> c == '\'').count() % 2 == 1;
            if (line.endsWith(";") && !insideQuotes) {
                statements.add(current.toString());
                current.setLength(0);
            }
        }
        assertThat(current.toString()).as("text after the last statement").isBlank();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

}
