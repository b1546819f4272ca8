package dev.retort.load;

import dev.retort.engine.CatalogSnapshot;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load harness's pieces at a tiny scale: the seed is valid data for every constraint up to the head, the plain
 * baseline reaches 006, and the writers commit and stop when told. No timing is asserted: that is for a run by hand.
 */
class LoadHarnessTest {

    private static final SeedData.Sizes TINY = new SeedData.Sizes(2_000, 1_500, 4_000);

    /** Seeded once; each test gets a copy of its own, which costs a fraction of seeding again. */
    private static TestDatabase template;
    private static TestDatabase admin;

    @BeforeAll
    static void seedTemplate() {
        template = TestPostgres.newDatabase("load_template");
        SeedData.loadAt003(template.dataSource(), TINY);
        admin = TestPostgres.newDatabase("load_admin");
    }

    private static TestDatabase seeded(String hint) throws SQLException {
        TestDatabase copy = new TestDatabase(template.name() + "_" + hint, template.port());
        admin.execute("CREATE DATABASE \"" + copy.name() + "\" TEMPLATE \"" + template.name() + "\"");
        return copy;
    }

    private static Migrator migrator(TestDatabase database) {
        return new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(10));
    }

    @Test
    void seedLoadsTheCountsAtRevision003() throws SQLException {
        TestDatabase database = seeded("counts");

        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("003");
        assertThat(database.column("SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM customers)"
                + " || ' ' || (SELECT count(*) FROM audit_logs)")).containsExactly("2000 1500 4000");
        assertThat(database.column("SELECT id FROM users WHERE email = '" + SeedData.userEmail(17) + "'"))
                .containsExactly(SeedData.userId(17).toString());
        assertThat(database.column("SELECT count(*) FROM customers WHERE id = '" + SeedData.customerId(1500) + "'"))
                .containsExactly("1");
    }

    /** The seed skips foreign key triggers for audit logs where it may (the test server's user is a superuser). */
    @Test
    void everyAuditLogOfTheSeedPointsAtARealUser() throws SQLException {
        TestDatabase database = seeded("audit_users");

        assertThat(database.column("SELECT count(*) FROM audit_logs a WHERE a.user_id IS NULL"
                + " OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id)")).containsExactly("0");
    }

    @Test
    void seedLeavesTheSchemaAsRevision003MadeIt() throws SQLException {
        TestDatabase seeded = seeded("schema");
        TestDatabase empty = TestPostgres.newDatabase("load_empty_schema");
        migrator(empty).upgrade("003");

        try (Connection seededConnection = seeded.connect(); Connection emptyConnection = empty.connect()) {
            assertThat(CatalogSnapshot.read(seededConnection).text())
                    .isEqualTo(CatalogSnapshot.read(emptyConnection).text());
        }
    }

    @Test
    void seedRowsPassEveryConstraintOfTheHeadWhenTheEngineUpgrades() throws SQLException {
        TestDatabase database = seeded("valid");

        migrator(database).upgrade("head");

        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("006");
        assertThat(database.column("SELECT conname FROM pg_constraint WHERE contype = 'c'"
                + " AND conrelid IN ('users'::regclass, 'customers'::regclass, 'audit_logs'::regclass)")).hasSize(11);
        assertThat(database.column("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
                + " AND NOT convalidated")).isEmpty();
    }

    @Test
    void plainModeTakesTheSeedTo006OneRevisionAtATime() throws SQLException {
        TestDatabase database = seeded("plain");

        MigrationOutcome outcome = MigrationMode.PLAIN.run(database.dataSource(), 1);

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.reached()).isEqualTo("006");
        assertThat(outcome.revisions()).extracting(MigrationOutcome.RevisionRun::id)
                .containsExactly("004", "005", "006");
        assertThat(outcome.errorsBySqlState()).isEmpty();
        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("006");
        assertThat(database.column("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
                + " AND NOT convalidated")).isEmpty();
    }

    @Test
    void writersCommitUntilStoppedAndCountEachPhase() throws Exception {
        TestDatabase database = seeded("writers");

        WriterLoad load = WriterLoad.start(database.dataSource(), TINY, 2, "first");
        boolean firstDone = load.awaitCommitted(100, Duration.ofSeconds(30));
        load.startPhase("second");
        boolean secondDone = load.awaitCommitted(200, Duration.ofSeconds(30));
        WriterLoad.Result result = load.stop();

        assertThat(firstDone).isTrue();
        assertThat(secondDone).isTrue();
        assertThat(result.phases()).extracting(WriterLoad.Stats::phase).containsExactly("first", "second");
        assertThat(result.total().ops()).isGreaterThanOrEqualTo(200)
                .isEqualTo(result.phase("first").ops() + result.phase("second").ops());
        assertThat(result.total().errorsBySqlState()).isEmpty();
        assertThat(result.total().maxMicros()).isGreaterThanOrEqualTo(result.total().p99Micros()).isPositive();
        assertThat(database.column("SELECT count(*) FROM audit_logs WHERE description LIKE '%load writer'"))
                .containsExactly(String.valueOf(result.total().ops()));
        assertThat(database.column("SELECT count(*) > 0 FROM customers WHERE updated_by IS NOT NULL"
                + " AND updated_at > now() - interval '1 hour'")).containsExactly("t");
    }

    @Test
    void harnessRunsEndToEndAndPrintsTheTable() {
        TestDatabase server = TestPostgres.newDatabase("load_harness");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();

        // Plain DDL and writers deadlock; let PostgreSQL find out in 50 ms rather than its default second.
        String url = server.jdbcUrl() + "&options=-c%20deadlock_timeout%3D50ms";

        int exit = LoadHarness.commandLine(new PrintStream(captured, true, StandardCharsets.UTF_8)).execute(
                "--url", url, "--mode", "online", "--users", "300", "--writers", "1",
                "--warm-up", "0", "--baseline", "0", "--after", "0");

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("| online | ", "| baseline | ", "| migration | ");
    }
}
