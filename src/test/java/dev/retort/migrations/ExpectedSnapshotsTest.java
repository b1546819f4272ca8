package dev.retort.migrations;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Each shipped snapshot is what its revision really leaves: verify compares against the truth. */
class ExpectedSnapshotsTest {

    @Test
    void everyRevisionsLiveCatalogEqualsItsShippedSnapshot() {
        Migrator migrator = new Migrator(TestPostgres.newDatabase("expected_snapshots").dataSource(),
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
