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
 * An online revision on quoted names with capitals: the catalog look that lets a rerun skip what is done must find
 * {@code "Cust"} and {@code "IxA"} as they are, not {@code cust} and {@code ixa}, or it would skip what is not done.
 */
class QuotedNamesTest {

    private static final List<Revision> REVISIONS = List.of(
            new FakeRevision("001", null, "create Cust", List.of("CREATE TABLE \"Cust\" (id int)"),
                    List.of("DROP TABLE \"Cust\"")),
            FakeRevision.online("002", "001",
                    List.of("ALTER TABLE \"Cust\" ADD COLUMN IF NOT EXISTS \"Note\" text",
                            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IxA\" ON \"Cust\" (\"Note\")"),
                    List.of("DROP INDEX CONCURRENTLY IF EXISTS \"IxA\"",
                            "ALTER TABLE \"Cust\" DROP COLUMN IF EXISTS \"Note\"")));

    private TestDatabase database;
    private Migrator migrator;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("quoted_names");
        migrator = new Migrator(database.dataSource(), new RevisionGraph(REVISIONS), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    @Test
    void anOnlineDowngradeDropsWhatIsThereUnderItsQuotedName() throws SQLException {
        migrator.upgrade("head");
        assertThat(objects()).containsExactly("IxA", "Note");

        migrator.downgrade("001");

        assertThat(objects()).isEmpty();
        assertThat(database.column("SELECT part FROM retort_history WHERE revision = '002' AND outcome = 'progress'"
                + " AND part LIKE '%skipped%'")).isEmpty();
    }

    @Test
    void aRerunSkipsTheQuotedObjectsThatAreThere() throws SQLException {
        database.execute("CREATE TABLE \"Cust\" (id int, \"Note\" text)");
        database.execute("CREATE INDEX \"IxA\" ON \"Cust\" (\"Note\")");
        migrator.stamp("001");

        migrator.upgrade("head");

        assertThat(database.column("SELECT part FROM retort_history WHERE revision = '002' AND outcome = 'progress'"
                + " ORDER BY finished_at")).containsExactly(
                "1/2: ALTER TABLE \"Cust\" ADD COLUMN IF NOT EXISTS \"Note\" text (skipped: column \"Cust\".\"Note\" "
                        + "is already there)",
                "2/2: CREATE INDEX CONCURRENTLY IF NOT EXISTS \"IxA\" ON \"Cust\" (\"Note\") (skipped: index \"IxA\" "
                        + "is already there)");
    }

    @Test
    void aQuotedNameWithADotIsOneTableNotATableInAnotherSchema() throws SQLException {
        Migrator dotted = new Migrator(database.dataSource(), new RevisionGraph(List.of(
                new FakeRevision("001", null, "create a.b", List.of("CREATE TABLE \"a.b\" (id int)"),
                        List.of("DROP TABLE \"a.b\"")),
                FakeRevision.online("002", "001", List.of("ALTER TABLE \"a.b\" ADD COLUMN IF NOT EXISTS note text"),
                        List.of("ALTER TABLE \"a.b\" DROP COLUMN IF EXISTS note")))),
                MigrationListener.SILENT, Duration.ofSeconds(5));
        dotted.upgrade("head");

        dotted.downgrade("001");

        // Read as table b of schema a, the column looked gone already, and the drop was skipped.
        assertThat(database.column("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('\"a.b\"')"
                + " AND attname = 'note' AND NOT attisdropped")).isEmpty();
    }

    /** The index on "Cust" and its column "Note", by their names in the catalog. */
    private List<String> objects() throws SQLException {
        return database.column("SELECT relname FROM pg_class WHERE relname = 'IxA' UNION ALL "
                + "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('\"Cust\"') AND attname = 'Note' "
                + "AND NOT attisdropped ORDER BY 1");
    }
}
