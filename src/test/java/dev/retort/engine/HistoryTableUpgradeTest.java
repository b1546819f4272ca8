package dev.retort.engine;

import dev.retort.migrations.Migrations;
import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retort_history made by Retort's first cut (no {@code part}, no {@code progress}, no index) is brought up to date,
 * rows kept; a new one has its indexes from the start.
 */
class HistoryTableUpgradeTest {

    /** A history table's indexes as Retort makes them now, by name. */
    private static final List<String> ALL_INDEXES = List.of("ix_retort_history_finished_at",
            "ix_retort_history_latest", "ix_retort_history_stamp_targets", "retort_history_pkey");

    /** The previous Retort's stamps index, on finished_at alone, in place of the one by target. */
    private static final String PREVIOUS_STAMPS_INDEX = "DROP INDEX ix_retort_history_stamp_targets;"
            + " CREATE INDEX ix_retort_history_stamps ON retort_history (finished_at)"
            + " WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade')";

    private final TestDatabase database = TestPostgres.newDatabase("history_upgrade");

    @Test
    void anOldHistoryTableGainsThePartColumnAndTheProgressOutcomeAndKeepsItsRows() throws SQLException {
        database.execute("""
                CREATE TABLE retort_history (
                    id uuid NOT NULL DEFAULT gen_random_uuid(),
                    revision varchar(32) NOT NULL,
                    direction text NOT NULL,
                    from_revision text,
                    to_revision varchar(32),
                    checksum text,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz NOT NULL,
                    duration_ms bigint NOT NULL,
                    db_user text NOT NULL DEFAULT current_user,
                    retort_version text NOT NULL,
                    outcome text NOT NULL,
                    error text,
                    CONSTRAINT retort_history_pkey PRIMARY KEY (id),
                    CONSTRAINT ck_retort_history_direction CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),
                    CONSTRAINT ck_retort_history_outcome CHECK (outcome IN ('success', 'failed'))
                )""");
        database.execute("INSERT INTO retort_history (revision, direction, started_at, finished_at, duration_ms,"
                + " retort_version, outcome) VALUES ('000', 'stamp', now(), now(), 0, '0.1.0', 'success')");
        Revision online = new Revision() {
            @Override
            public String id() {
                return "001";
            }

            @Override
            public String revises() {
                return null;
            }

            @Override
            public String message() {
                return "online table";
            }

            @Override
            public boolean online() {
                return true;
            }

            @Override
            public void upgrade(MigrationContext context) {
                context.execute("CREATE TABLE t001 (id int)");
                context.execute("CREATE INDEX CONCURRENTLY ix_t001 ON t001 (id)");
            }

            @Override
            public void downgrade(MigrationContext context) {
                context.execute("DROP TABLE t001");
            }
        };

        Migrator migrator = new Migrator(database.dataSource(), new RevisionGraph(List.of(online)),
                MigrationListener.SILENT, Duration.ofSeconds(5));
        // current reads the history but never brings it up to date: the old table has no part to look for.
        assertThat(migrator.status().unfinished()).isNull();

        migrator.upgrade("head");

        assertThat(database.column("SELECT revision || ' ' || outcome || ' ' || coalesce(part, '-')"
                + " FROM retort_history ORDER BY finished_at, part")).containsExactly(
                "000 success -",
                "001 progress 1/2: CREATE TABLE t001 (id int)",
                "001 progress 2/2: CREATE INDEX CONCURRENTLY ix_t001 ON t001 (id)",
                "001 success -");
        assertThat(database.column("SELECT col_description('retort_history'::regclass, attnum) FROM pg_attribute"
                + " WHERE attrelid = 'retort_history'::regclass AND attname = 'part'")).singleElement()
                .asString().startsWith("For an online step");
        assertThat(indexesOfTheHistory()).containsExactlyElementsOf(ALL_INDEXES);
    }

    /**
     * current and every online step read the newest row, and every plan each revision's latest step and the stamps:
     * indexes find them, however long the history grows.
     */
    @Test
    void aNewHistoryTableHasItsIndexes() throws SQLException {
        firstSeedRevision().upgrade("head");

        assertThat(indexesOfTheHistory()).containsExactlyElementsOf(ALL_INDEXES);
    }

    /** A history that has one of the two indexes {@code current} needs gets the other at the next migration. */
    @Test
    void aHistoryMissingOneOfItsIndexesGetsItAtTheNextMigration() throws SQLException {
        Migrator migrator = firstSeedRevision();
        migrator.upgrade("head");
        database.execute("DROP INDEX ix_retort_history_stamp_targets");

        migrator.downgrade("base");

        assertThat(indexesOfTheHistory()).containsExactlyElementsOf(ALL_INDEXES);
    }

    /**
     * The Retort before this one indexed the stamps by finished_at alone, for a read of every stamp: its table gets the
     * index by target at the next migration, and loses the old one, which nothing reads any more.
     */
    @Test
    void aHistoryWithThePreviousStampsIndexSwapsItForTheIndexByTargetAtTheNextMigration() throws SQLException {
        Migrator migrator = firstSeedRevision();
        migrator.upgrade("head");
        database.execute(PREVIOUS_STAMPS_INDEX);

        migrator.downgrade("base");

        assertThat(indexesOfTheHistory()).containsExactlyElementsOf(ALL_INDEXES);
    }

    /**
     * Dropping the previous stamps index locks the history against every reader. A session that read it in a
     * transaction still open (a DBA's psql, pg_dump) must not hold the migration up, nor make every other runner's
     * {@code current} queue behind the drop: the new indexes are built, and the old one goes at a later migration.
     */
    @Test
    void aTransactionThatReadTheHistoryHoldsUpNeitherTheMigrationNorItsReaders() throws Exception {
        Migrator migrator = firstSeedRevision();
        migrator.upgrade("head");
        database.execute(PREVIOUS_STAMPS_INDEX);

        try (Connection reader = database.connect(); Statement statement = reader.createStatement()) {
            reader.setAutoCommit(false);
            statement.execute("SELECT count(*) FROM retort_history");
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> migrator.downgrade("base"));

            run.get(20, TimeUnit.SECONDS);
            assertThat(indexesOfTheHistory()).contains("ix_retort_history_latest", "ix_retort_history_stamp_targets");
        }
        migrator.upgrade("head");

        assertThat(indexesOfTheHistory()).containsExactlyElementsOf(ALL_INDEXES);
    }

    /**
     * A role that may write the history but does not own it cannot build the indexes on a table an older Retort made:
     * its migration goes on, and its commands read the history without them.
     */
    @Test
    void aRoleThatDoesNotOwnTheHistoryMigratesWithoutItsNewIndexes() throws SQLException {
        firstSeedRevision().upgrade("head");
        database.execute("DROP INDEX ix_retort_history_latest, ix_retort_history_stamp_targets");

        Migrator runner = asRoleNotOwningTheHistory();
        try {
            runner.upgrade("head");

            assertThat(runner.current()).isEqualTo("002");
            assertThat(runner.status().applied()).containsKeys("002");
            assertThat(indexesOfTheHistory()).containsExactly("ix_retort_history_finished_at", "retort_history_pkey");
        } finally {
            dropRoleNotOwningTheHistory();
        }
    }

    /**
     * Nor can it swap the previous Retort's stamps index for the new one: it keeps both of that Retort's indexes, and
     * its commands still find each revision's latest step through the one that serves it.
     */
    @Test
    void aRoleThatDoesNotOwnThePreviousHistoryKeepsItsIndexesAndWalksTheRevisionsThroughOne() throws SQLException {
        firstSeedRevision().upgrade("head");
        database.execute(PREVIOUS_STAMPS_INDEX);

        Migrator runner = asRoleNotOwningTheHistory();
        try {
            runner.upgrade("head");

            assertThat(runner.status().applied()).containsKeys("002");
            assertThat(indexesOfTheHistory()).containsExactly("ix_retort_history_finished_at",
                    "ix_retort_history_latest", "ix_retort_history_stamps", "retort_history_pkey");
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                HistoryTable.Presence presence = HistoryTable.presence(connection);
                assertThat(presence).isEqualTo(new HistoryTable.Presence(true, true, false));
                // The history holds a few rows, which the planner would rather scan: the plan says it can probe.
                statement.execute("SET enable_seqscan = off");
                assertThat(planOf(statement, presence.successes())).contains("ix_retort_history_latest");
            }
        } finally {
            dropRoleNotOwningTheHistory();
        }
    }

    /**
     * A role that may create in the schema and write every table, the history included, without owning any: it
     * migrates the seed's first revision and 002, a plain table, after it.
     */
    private Migrator asRoleNotOwningTheHistory() throws SQLException {
        String role = roleNotOwningTheHistory();
        database.execute("CREATE ROLE " + role + " LOGIN");
        database.execute("GRANT CREATE ON SCHEMA public TO " + role);
        database.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role);
        PGSimpleDataSource asRunner = new PGSimpleDataSource();
        asRunner.setUrl(database.jdbcUrl());
        asRunner.setUser(role);
        return new Migrator(asRunner, new RevisionGraph(List.of(Migrations.all().get(0),
                FakeRevision.table("002", Migrations.all().get(0).id()))), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    private void dropRoleNotOwningTheHistory() throws SQLException {
        database.execute("DROP OWNED BY " + roleNotOwningTheHistory());
        database.execute("DROP ROLE " + roleNotOwningTheHistory());
    }

    private String roleNotOwningTheHistory() {
        return "runner_" + database.name();
    }

    /** The seed's first revision alone, on the test's database as its owner. */
    private Migrator firstSeedRevision() {
        return new Migrator(database.dataSource(), new RevisionGraph(List.of(Migrations.all().get(0))),
                MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    private static String planOf(Statement statement, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private List<String> indexesOfTheHistory() throws SQLException {
        return database.column("SELECT indexrelid::regclass::text FROM pg_index"
                + " WHERE indrelid = 'retort_history'::regclass ORDER BY 1");
    }
}
