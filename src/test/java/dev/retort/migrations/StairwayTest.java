package dev.retort.migrations;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stairway, through the real engine: for every revision, upgrade, snapshot, downgrade, and the catalog must be
 * exactly what it was before the upgrade; upgrade again and it must be exactly what the first upgrade made. On every
 * PostgreSQL major the tests run on.
 */
@ParameterizedClass(name = "PostgreSQL {0}")
@MethodSource("dev.retort.testing.PostgresVersions#all")
class StairwayTest {

    private final int major;
    private final TestDatabase database;
    private final Migrator migrator;

    StairwayTest(int major) {
        this.major = major;
        database = TestPostgres.newDatabase(major, "stairway");
        migrator = new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()),
                MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    @BeforeEach
    void runsOnTheMajorItClaims() throws SQLException {
        assertThat(database.serverMajor()).as("server_version_num of %s", database.serverVersion()).isEqualTo(major);
    }

    @Test
    void everyDowngradeRestoresExactlyTheSchemaBeforeItsUpgrade() throws SQLException {
        String before = database.schema();
        for (Revision revision : Migrations.all()) {
            migrator.upgrade(revision.id());
            String after = database.schema();
            assertThat(after).as("upgrade to %s changes the schema", revision.id()).isNotEqualTo(before);

            migrator.downgrade("-1");
            assertThat(database.schema()).as("downgrade of %s", revision.id()).isEqualTo(before);

            migrator.upgrade(revision.id());
            assertThat(database.schema()).as("upgrade to %s again", revision.id()).isEqualTo(after);
            before = after;
        }
        // The head of the list, not the seed's 006: a project's own revisions climb the same stairway.
        List<Revision> revisions = Migrations.all();
        assertThat(migrator.current()).isEqualTo(revisions.get(revisions.size() - 1).id());
    }

    @Test
    void baseToHeadToBaseLeavesOnlyTheVersionTablesBehind() throws SQLException {
        migrator.upgrade("head");
        migrator.downgrade("base");

        assertThat(migrator.current()).isNull();
        assertThat(objectsInPublic()).containsExactly(
                "alembic_version (table)", "alembic_version_pkc (index)", "ix_retort_history_finished_at (index)",
                "ix_retort_history_latest (index)", "ix_retort_history_stamp_targets (index)", "retort_history (table)",
                "retort_history_pkey (index)");
        assertThat(database.column("SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0")).as("enum and other types").isEmpty();
        assertThat(database.column("SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = 'public'")).as("functions").isEmpty();
    }


    /** Every relation (table, index, sequence, view) in public, with its kind. */
    private List<String> objectsInPublic() throws SQLException {
        return database.column("""
                SELECT c.relname || ' (' || CASE c.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index'
                       WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' ELSE c.relkind::text END || ')'
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' ORDER BY c.relname""");
    }
}
