package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code current} and a migration's plan read of a long history: the rows they need, found through the history's
 * indexes, not every step ever run. The server's own count of the rows it read says so, not a clock.
 */
class HistoryReadTest {

    private static final List<Revision> THREE_TABLES = List.of(
            FakeRevision.table("001", null), FakeRevision.table("002", "001"), FakeRevision.table("003", "002"));

    /** Years of steps before the last upgrade: ups, downs, failures, progress rows and a few stamps. */
    private static final String YEARS_OF_STEPS = """
            INSERT INTO retort_history (revision, direction, from_revision, to_revision, checksum, started_at,
                                        finished_at, duration_ms, retort_version, outcome, error, part)
            SELECT CASE WHEN i % 500 = 0 THEN 'base' ELSE '00' || (1 + i % 3) END,
                   CASE WHEN i % 500 = 0 THEN 'stamp' WHEN i % 4 = 1 THEN 'downgrade' ELSE 'upgrade' END,
                   NULL, NULL, md5(i::text), at, at, 0, '0.0.9',
                   CASE WHEN i % 500 = 0 OR i % 4 < 2 THEN 'success' WHEN i % 4 = 2 THEN 'failed' ELSE 'progress' END,
                   NULL, NULL
            FROM (SELECT i, now() - interval '3 years' + i * interval '1 hour' AS at
                  FROM generate_series(1, 3000) i) steps""";

    /**
     * 3,000 stamps over the years before the last upgrade, to base and to each revision in turn (only the latest to
     * each matters: they all came before the revisions' latest upgrades).
     */
    private static final String MANY_STAMPS = """
            INSERT INTO retort_history (revision, direction, from_revision, to_revision, checksum, started_at,
                                        finished_at, duration_ms, retort_version, outcome)
            SELECT coalesce(target, 'base'), 'stamp', NULL, target, NULL, at, at, 0, '0.0.9', 'success'
            FROM (SELECT (ARRAY[NULL, '001', '002', '003'])[1 + i % 4] AS target,
                         now() - interval '3 years' + i * interval '1 hour' + interval '1 minute' AS at
                  FROM generate_series(1, 3000) i) stamps""";

    private TestDatabase database;
    private Connection session;

    @BeforeEach
    void aLongHistory() throws SQLException {
        database = TestPostgres.newDatabase("history_read");
        migrator(database.dataSource()).upgrade("head");
        database.execute(YEARS_OF_STEPS);
        database.execute("ANALYZE retort_history");
        session = database.connect();
        session.setAutoCommit(false); // the server counts the rows read in this transaction
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        session.close();
        TestPostgres.drop(database);
    }

    private static Migrator migrator(DataSource dataSource) {
        return new Migrator(dataSource, new RevisionGraph(THREE_TABLES), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    @Test
    void currentReadsAFewRowsOfALongHistory() throws SQLException {
        DatabaseStatus status = migrator(onTheSession()).status();

        assertThat(historyRowsRead()).as("rows of the history's 3,000 the server read").isLessThan(100);
        assertThat(status.applied()).containsOnlyKeys("001", "002", "003");
        assertThat(status.applied()).isEqualTo(HistoryTable.read(session, new RevisionGraph(THREE_TABLES),
                HistoryTable.Presence.UNINDEXED).applied());
    }

    @Test
    void aMigrationsPlanReadsAFewRowsOfALongHistory() throws SQLException {
        Plan plan = migrator(onTheSession()).plan(Direction.DOWNGRADE, "001");

        assertThat(historyRowsRead()).as("rows of the history's 3,000 the server read").isLessThan(100);
        assertThat(plan.steps()).hasSize(2);
    }

    /**
     * A --sql script's online revision, once its statements ran, moves the version with a history row that starts
     * at its progress row: found newest first, not by a scan of the whole history.
     */
    @Test
    void anOfflineScriptsOnlineRevisionFindsItsProgressRowInAFewRowsOfALongHistory() throws SQLException {
        Step step = Step.up(FakeRevision.online("004", "003", List.of("SELECT 1"), List.of("SELECT 1")));
        database.execute(HistoryTable.progressSql(step, "checksum", "?/1: run by a --sql script"));

        try (Statement statement = session.createStatement()) {
            statement.execute(OfflineScript.recordStep(step, "checksum"));
        }

        assertThat(historyRowsRead()).as("rows of the history's 3,000 the server read").isLessThan(100);
        session.commit();
        assertThat(database.column("SELECT (started_at = (SELECT started_at FROM retort_history WHERE outcome = "
                + "'progress' AND revision = '004'))::text FROM retort_history WHERE revision = '004' AND outcome = "
                + "'success'")).as("the step's row starts when its progress row did").containsExactly("true");
    }

    /**
     * A DBA who stamps often leaves thousands of stamps: each command reads the latest stamp to each target, one
     * probe each, not every stamp.
     */
    @Test
    void currentReadsAFewRowsOfAHistoryOfManyStamps() throws SQLException {
        database.execute(MANY_STAMPS);
        database.execute("ANALYZE retort_history");

        DatabaseStatus status = migrator(onTheSession()).status();

        assertThat(historyRowsRead()).as("rows of the history's 6,000, 3,000 of them stamps, the server read")
                .isLessThan(100);
        assertThat(status.applied()).containsOnlyKeys("001", "002", "003");
    }

    /** All the queries send the same rows, through either index, both or neither. */
    @Test
    void theIndexedQuerySendsWhatTheScanSends() throws SQLException {
        database.execute("INSERT INTO retort_history (revision, direction, to_revision, started_at, finished_at,"
                + " duration_ms, retort_version, outcome) VALUES ('002', 'stamp', '002', now(), now(), 0, '0.0.9',"
                + " 'success')");

        List<String> scanned = database.column(wholeRows(HistoryTable.SUCCESSES));
        assertThat(scanned).as("3 revisions, the latest of 6 stamps to base and the stamp to 002").hasSize(5);
        assertThat(database.column(wholeRows(HistoryTable.LATEST))).isEqualTo(scanned);
        assertThat(database.column(wholeRows(new HistoryTable.Presence(true, true, false).successes())))
                .isEqualTo(scanned);
        assertThat(database.column(wholeRows(new HistoryTable.Presence(true, false, true).successes())))
                .isEqualTo(scanned);
    }

    /** Each row of {@code query} as one string, every column in it: a row's revision alone could be any of its rows. */
    private static String wholeRows(String query) {
        return "SELECT to_jsonb(sent)::text FROM (" + query + ") sent ORDER BY sent.finished_at";
    }

    /**
     * The history's rows the server has read in the session's transaction, by scan or through an index: PostgreSQL
     * counts them as it goes, for the transaction's own statistics.
     */
    private long historyRowsRead() throws SQLException {
        try (Statement statement = session.createStatement();
             var rows = statement.executeQuery("""
                     SELECT pg_stat_get_xact_tuples_returned('retort_history'::regclass)
                            + coalesce(sum(pg_stat_get_xact_tuples_returned(indexrelid)), 0)
                     FROM pg_index WHERE indrelid = 'retort_history'::regclass""")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The test's session for every connection the migrator opens, left open when it closes them. */
    private DataSource onTheSession() {
        Connection kept = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(session, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> method.getName().equals("getConnection") ? kept
                        : method.invoke(database.dataSource(), args));
    }
}
