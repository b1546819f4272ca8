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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database whose server encoding is not UTF8 (LATIN1 here, as many older installations are): Retort's own tables
 * and rows must fit in it. Its messages shorten a statement with an ellipsis (U+2026), which LATIN1 lacks.
 */
class NonUtf8DatabaseTest {

    private TestDatabase database;

    @BeforeEach
    void latin1Database() throws SQLException {
        TestDatabase door = TestPostgres.newDatabase("latin1_door");
        String name = door.name() + "_latin1";
        door.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
        database = new TestDatabase(name, door.port());
        assertThat(database.column("SHOW server_encoding")).containsExactly("LATIN1");
    }

    private Migrator migrator(List<Revision> revisions) {
        return new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    @Test
    void retortsTablesAreMadeAndAFailedStepOfSeveralLinesKeepsItsRow() throws SQLException {
        Revision table = FakeRevision.table("001", null);
        Revision fails = new FakeRevision("002", "001", "add a key to nothing",
                List.of("ALTER TABLE t001\n    ADD COLUMN x int REFERENCES no_such_table (id)"), List.of());
        Migrator migrator = migrator(List.of(table, fails));

        assertThat(migrator.upgrade("001").steps()).hasSize(1);
        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("in: ALTER TABLE t001 …");

        assertThat(database.column("SELECT revision || ' ' || outcome || ': ' || error FROM retort_history "
                + "WHERE outcome = 'failed'"))
                .singleElement().asString()
                .startsWith("002 failed: relation \"no_such_table\" does not exist (SQLSTATE 42P01)")
                .contains("in: ALTER TABLE t001 ...");
        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("001");
    }

    @Test
    void whatTheEncodingLacksIsWrittenAsItCanBe() {
        assertThat(HistoryTable.storable("in: ALTER TABLE t …; café ✓", "LATIN1"))
                .isEqualTo("in: ALTER TABLE t ...; café ?");
        assertThat(HistoryTable.storable("in: ALTER TABLE t …", "UTF8")).isEqualTo("in: ALTER TABLE t …");
        assertThat(HistoryTable.storable("in: ALTER TABLE t …", "SQL_ASCII")).isEqualTo("in: ALTER TABLE t …");
        assertThat(HistoryTable.storable(null, "LATIN1")).isNull();
    }
}
