package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revision that executes nothing, as {@code retort revision -m} writes it before it is filled in, is harmless: it
 * moves the version and is recorded, in one transaction or online, up and down.
 */
class EmptyRevisionTest {

    /** Executes nothing either way; {@code online} as given. */
    private record EmptyRevision(String id, String revises, boolean online) implements Revision {

        @Override
        public String message() {
            return online ? "empty online" : "empty";
        }

        @Override
        public void upgrade(MigrationContext context) {
        }

        @Override
        public void downgrade(MigrationContext context) {
        }
    }

    private static final List<Revision> REVISIONS = List.of(FakeRevision.table("001", null),
            new EmptyRevision("002", "001", false), new EmptyRevision("003", "002", true));

    private TestDatabase database;
    private Migrator migrator;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("empty_revision");
        migrator = new Migrator(database.dataSource(), new RevisionGraph(REVISIONS), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    @Test
    void emptyRevisionsMoveTheVersionInOneTransactionAndOnline() throws SQLException {
        MigrationResult result = migrator.upgrade("head");

        assertThat(result.steps()).extracting(timing -> timing.step().describe()).containsExactly(
                "upgrade  -> 001, create t001", "upgrade 001 -> 002, empty", "upgrade 002 -> 003, empty online");
        assertThat(migrator.current()).isEqualTo("003");
        assertThat(database.tables()).containsExactly("alembic_version", "retort_history", "t001");
        assertThat(database.column("SELECT revision || ' ' || direction || ' ' || outcome || ' ' || length(checksum)"
                + " FROM retort_history ORDER BY started_at")).containsExactly(
                "001 upgrade success 64", "002 upgrade success 64", "003 upgrade success 64");
    }

    @Test
    void emptyRevisionsGoDownAsTheyCameUp() throws SQLException {
        migrator.upgrade("head");

        assertThat(migrator.downgrade("001").steps()).extracting(timing -> timing.step().describe()).containsExactly(
                "downgrade 003 -> 002, empty online", "downgrade 002 -> 001, empty");
        assertThat(migrator.current()).isEqualTo("001");
        assertThat(migrator.upgrade("head").to()).isEqualTo("003");
        assertThat(migrator.downgrade("base").to()).isNull();
        assertThat(database.tables()).containsExactly("alembic_version", "retort_history");
    }

    @Test
    void aDryRunOfAnEmptyRevisionFindsNothingToLockOrWaitFor() {
        Step online = Step.up(REVISIONS.get(2));

        assertThat(migrator.analyze(online)).isEmpty();
        assertThat(migrator.sessionsInTheWay(migrator.analyze(online))).isEmpty();
        assertThat(RecordingContext.statementsOf(online)).isEmpty();
    }
}
