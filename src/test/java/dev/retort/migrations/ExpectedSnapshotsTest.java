package dev.retort.migrations;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each shipped snapshot is what its revision really leaves, on every major under test: verify compares against the
 * truth whichever PostgreSQL it runs on.
 */
class ExpectedSnapshotsTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.retort.testing.PostgresVersions#all")
    void everyRevisionsLiveCatalogEqualsItsShippedSnapshot(int major) {
        Migrator migrator = new Migrator(TestPostgres.newDatabase(major, "expected_snapshots").dataSource(),
                new RevisionGraph(Migrations.all()), MigrationListener.SILENT, Duration.ofSeconds(5));
        assertThat(migrator.liveSchema()).isEqualTo(ExpectedSnapshots.at(null).orElseThrow()).isEmpty();
        for (Revision revision : Migrations.all()) {
            migrator.upgrade(revision.id());
            assertThat(migrator.liveSchema()).as("revision %s", revision.id())
                    .isEqualTo(ExpectedSnapshots.at(revision.id()).orElseThrow());
        }
    }

    @Test
    void anUnknownRevisionHasNoSnapshot() {
        assertThat(ExpectedSnapshots.at("999")).isEmpty();
    }
}
