package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history is read as each revision's latest step and the latest stamp to each target, not as every step ever run:
 * replaying those few rows must tell what replaying every successful step tells, whatever order ups, downs and stamps
 * came in. Random histories, from a fixed seed, say so for each way of reading them (through either index, both or
 * neither).
 */
class HistoryReplayTest {

    /** Four revisions, and 099, which the project no longer has: applied rows and stamps may name it. */
    private static final RevisionGraph GRAPH = new RevisionGraph(List.of(FakeRevision.of("001", null),
            FakeRevision.of("002", "001"), FakeRevision.of("003", "002"), FakeRevision.of("004", "003")));

    private static final String[] REVISIONS = {"001", "002", "003", "004", "099"};

    /** A stamp's target: base (null), a revision of the project, or one it no longer has. */
    private static final String[] TARGETS = {null, "001", "002", "003", "004", "099"};

    private static final List<HistoryTable.Presence> EVERY_WAY = List.of(HistoryTable.Presence.UNINDEXED,
            HistoryTable.Presence.INDEXED, new HistoryTable.Presence(true, true, false),
            new HistoryTable.Presence(true, false, true));

    /** Every successful step, oldest first: what the few rows read must replay to. */
    private static final String EVERY_SUCCESS = """
            SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
            FROM retort_history
            WHERE outcome = 'success'
            ORDER BY finished_at""";

    private static final String INSERT = """
            INSERT INTO retort_history (revision, direction, to_revision, checksum, started_at, finished_at,
                                        duration_ms, retort_version, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, '0.0.9', ?)""";

    private TestDatabase database;
    private Connection session;

    @BeforeEach
    void historyTable() throws SQLException {
        database = TestPostgres.newDatabase("history_replay");
        session = database.connect();
        HistoryTable.createIfMissing(session);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        session.close();
        TestPostgres.drop(database);
    }

    @Test
    void theRowsReadReplayToWhatEverySuccessfulStepReplaysTo() throws SQLException {
        Random random = new Random(20261126);
        int nonEmpty = 0;
        for (int history = 0; history < 300; history++) {
            writeRandomHistory(random, random.nextInt(30));
            Map<String, AppliedRevision> everyStep;
            try (Statement statement = session.createStatement();
                 ResultSet rows = statement.executeQuery(EVERY_SUCCESS)) {
                everyStep = HistoryTable.applied(rows, GRAPH);
            }
            nonEmpty += everyStep.isEmpty() ? 0 : 1;
            for (HistoryTable.Presence way : EVERY_WAY) {
                assertThat(HistoryTable.read(session, GRAPH, way).applied()).as("history %d read as %s", history, way)
                        .isEqualTo(everyStep);
            }
        }
        assertThat(nonEmpty).as("histories that leave something applied").isGreaterThan(100);
    }

    /** {@code steps} rows, each a second after the one before: upgrades, downgrades and stamps, some failed. */
    private void writeRandomHistory(Random random, int steps) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("TRUNCATE retort_history");
        }
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        try (PreparedStatement insert = session.prepareStatement(INSERT)) {
            for (int step = 0; step < steps; step++) {
                at = at.plusSeconds(1);
                int kind = random.nextInt(3);
                String target = TARGETS[random.nextInt(TARGETS.length)];
                insert.setString(1, kind == 2 ? RevisionGraph.targetWordOf(target) : REVISIONS[random.nextInt(
                        REVISIONS.length)]);
                insert.setString(2, kind == 0 ? "upgrade" : kind == 1 ? "downgrade" : "stamp");
                insert.setString(3, kind == 2 ? target : null);
                insert.setString(4, "checksum " + step);
                insert.setTimestamp(5, Timestamp.from(at));
                insert.setTimestamp(6, Timestamp.from(at));
                insert.setLong(7, step);
                insert.setString(8, random.nextInt(5) == 0 ? "failed" : "success");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
