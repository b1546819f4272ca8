package dev.retort.migrations;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A database the seed's Python Alembic migrated is picked up as it is, and what we write Alembic can read. */
class AlembicCompatibilityTest {

    /** The DDL Alembic 1.x emits for its version table on PostgreSQL. */
    private static final String ALEMBIC_VERSION_TABLE = """
            CREATE TABLE alembic_version (
                version_num VARCHAR(32) NOT NULL,
                CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
            )""";

    private final TestDatabase database = TestPostgres.newDatabase("alembic");
    private final Migrator migrator = new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()),
            MigrationListener.SILENT, Duration.ofSeconds(5));

    @Test
    void aDatabaseAlembicLeftAt003IsUpgradedFromThereWithoutRerunningAnything() throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            ApplyRevisions.upgrade(connection, Migrations.all().subList(0, 3));
            statement.execute(ALEMBIC_VERSION_TABLE);
            statement.execute("INSERT INTO alembic_version (version_num) VALUES ('003')");
        }

        assertThat(migrator.current()).isEqualTo("003");
        MigrationResult result = migrator.upgrade("head");

        assertThat(result.steps()).extracting(step -> step.step().revision().id()).startsWith("004", "005", "006")
                .containsExactlyElementsOf(ProjectHead.idsAfter("003"));
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version_num FROM alembic_version")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(ProjectHead.id());
            assertThat(rows.next()).as("Alembic expects exactly one row").isFalse();
        }
    }

    @Test
    void theVersionTableWeCreateIsTheOneAlembicCreates() throws SQLException {
        migrator.upgrade("001");

        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                            (SELECT conname FROM pg_constraint WHERE conrelid = a.attrelid AND contype = 'p')
                     FROM pg_attribute a
                     WHERE a.attrelid = 'alembic_version'::regclass AND a.attnum > 0 AND NOT a.attisdropped""")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("version_num");
            assertThat(rows.getString(2)).isEqualTo("character varying(32)");
            assertThat(rows.getBoolean(3)).isTrue();
            assertThat(rows.getString(4)).isEqualTo("alembic_version_pkc");
            assertThat(rows.next()).as("one column only").isFalse();
        }
    }
}
