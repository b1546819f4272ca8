package dev.retort.load;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The situation in which plain DDL deadlocks: four writers, each transaction inserting an audit event and updating
 * a customer (two tables), while 004–006 run. Plain, 005 takes users then audit_logs in one transaction while
 * writers hold audit_logs and wait for users: measured at 1M rows, every try deadlocked and writers stalled
 * seconds. Online, each statement locks one table set briefly, so nobody waits in a cycle: the migration reaches
 * head and no writer transaction fails. (Run with {@code PlainRevisions.all()} instead, this test fails: eight
 * writer transactions were deadlock victims, 40P01, in each of three runs.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WritersDuringOnlineMigrationTest {

    private static final SeedData.Sizes SIZES = new SeedData.Sizes(5_000, 5_000, 20_000);

    @Test
    void writersTouchingTwoTablesKeepCommittingAndNoneFailsWhile004To006RunOnline() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("writers_online");
        SeedData.loadAt003(database.dataSource(), SIZES);
        Migrator migrator = new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()),
                MigrationListener.SILENT, Duration.ofSeconds(10));
        WriterLoad writers = WriterLoad.start(database.dataSource(), SIZES, 4, "before");
        assertThat(writers.awaitCommitted(200, Duration.ofSeconds(60))).as("writers are running").isTrue();

        writers.startPhase("migration");
        long before = writers.committed();
        MigrationResult result = migrator.upgrade("head");
        long during = writers.committed() - before;
        WriterLoad.Result load = writers.stop();

        assertThat(result.to()).isEqualTo("006");
        assertThat(load.total().errorsBySqlState()).as("writer errors by SQLSTATE").isEmpty();
        assertThat(during).as("writer commits while 004-006 ran").isPositive();
        assertThat(migrator.liveSchema()).isEqualTo(ExpectedSnapshots.at("006").orElseThrow());
    }
}
