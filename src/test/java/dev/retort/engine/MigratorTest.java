package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigratorTest {

    private static final List<Revision> THREE_TABLES = List.of(
            FakeRevision.table("001", null), FakeRevision.table("002", "001"), FakeRevision.table("003", "002"));

    /**
     * The other client sessions of the test's database: during a run, the one that holds the migration lock. A
     * revision that ends them (pg_terminate_backend waits until they are gone) takes its own run's lock away.
     */
    private static final String OTHER_SESSIONS = "FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    private TestDatabase database;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("migrator");
    }

    private Migrator migrator(List<Revision> revisions) {
        return new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5));
    }

    /**
     * An online step that fails before any of its statements did anything has nothing to undo: its downgrade, which
     * here would write a row, must not run on a schema it was never applied to.
     */
    @Test
    void anOnlineStepThatFailsBeforeDoingAnythingIsNotUndone() throws SQLException {
        Revision failsAtOnce = FakeRevision.online("002", "001",
                List.of("ALTER TABLE t001 ADD COLUMN x int REFERENCES no_such_table (id)"),
                List.of("INSERT INTO t001 VALUES (99)", "ALTER TABLE t001 DROP COLUMN IF EXISTS x"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), failsAtOnce));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("relation \"no_such_table\" does not exist")
                .hasMessageEndingWith("None of it was applied: the database is still at 001.");
        assertThat(database.column("SELECT count(*) FROM t001")).containsExactly("0");
        assertThat(database.column("SELECT direction || ' ' || outcome FROM retort_history WHERE revision = '002'"))
                .containsExactly("upgrade failed");
    }

    /**
     * A server's idle timeouts must not end the run's sessions: between two tries both sit idle (here 0.5 s against
     * 0.2 s), and the second try must run, and fail on its lock, rather than find its session gone.
     */
    @Test
    void idleTimeoutsDoNotEndTheRunsSessionsBetweenTries() throws SQLException {
        database.execute("ALTER DATABASE " + database.name() + " SET idle_session_timeout = '200ms'");
        database.execute("ALTER DATABASE " + database.name() + " SET idle_in_transaction_session_timeout = '200ms'");
        List<Revision> revisions = List.of(FakeRevision.table("001", null), new FakeRevision("002", "001", "add x",
                List.of("ALTER TABLE t001 ADD COLUMN x int"), List.of("ALTER TABLE t001 DROP COLUMN x")));
        migrator(revisions).upgrade("001");
        Migrator twoTries = new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5), new LockPolicy(Duration.ofSeconds(1), 1, Duration.ofSeconds(10), Duration.ZERO));

        try (Connection blocker = database.connect(); Statement statement = blocker.createStatement()) {
            statement.execute("SET idle_session_timeout = 0");
            statement.execute("SET idle_in_transaction_session_timeout = 0");
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE t001 IN ACCESS SHARE MODE");

            assertThatThrownBy(() -> twoTries.upgrade("head"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("could not get its locks in 2 tries")
                    .hasMessageContaining("(SQLSTATE 55P03)")
                    .hasMessageNotContaining("idle-session timeout");
        }
        assertThat(migrator(revisions).current()).isEqualTo("001");
    }

    /**
     * The lock is the lock session's: when that session is ended under a run (here by 001 itself), the run stops
     * before the next step instead of going on unlocked beside any runner that took the lock meanwhile.
     */
    @Test
    void aRunWhoseLockSessionEndedStopsBeforeTheNextStep() {
        Revision endsTheLockSession = new FakeRevision("001", null, "ends the lock session", List.of(
                "CREATE TABLE t001 (id int)",
                "SELECT pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS),
                List.of("DROP TABLE t001"));
        Revision online = FakeRevision.online("003", "002", List.of("CREATE TABLE t003 (id int)"),
                List.of("DROP TABLE t003"));
        Migrator migrator = migrator(List.of(endsTheLockSession, THREE_TABLES.get(1), online));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationLockLostException.class)
                .hasMessageStartingWith("The session that held the migration lock (pid ")
                .hasMessageContaining("has ended, and the lock with it (terminated by someone, or its connection "
                        + "dropped), before upgrade 001 -> 002, create t002.");
        assertThat(migrator.current()).isEqualTo("001");
    }

    /**
     * Inside an online step, the watch that looks at the lock's connection while a statement runs finds it gone, and
     * the step stops before its next statement; what is done is left for the rerun, and current warns of it.
     */
    @Test
    void anOnlineStepWhoseLockSessionEndedStopsAtTheNextStatementAndIsNotUndone() throws SQLException {
        Revision endsTheLockSession = FakeRevision.online("002", "001", List.of(
                "CREATE TABLE t002 (id int)",
                "SELECT pg_terminate_backend(pid, 5000), pg_sleep(0.3) " + OTHER_SESSIONS,
                "CREATE TABLE t002b (id int)"),
                List.of("DROP TABLE IF EXISTS t002b", "DROP TABLE IF EXISTS t002"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), endsTheLockSession));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("has ended, and the lock with it (terminated by someone, or its connection "
                        + "dropped), before statement 3/3: CREATE TABLE t002b (id int).")
                .hasMessageEndingWith("Not undone, as another runner may be at work: part of 002 may be applied "
                        + "while alembic_version still says 001. Run the same command again: it takes up the step "
                        + "where it stopped.");
        assertThat(migrator.current()).isEqualTo("001");
        assertThat(database.tables()).contains("t002").doesNotContain("t002b");
        assertThat(migrator.status().unfinished().left()).isEqualTo(UnfinishedStep.Left.LOCK_LOST);
        assertThat(migrator.status().unfinished().lastDone()).startsWith("2/3: SELECT pg_terminate_backend");
    }

    /**
     * A lock lost while a statement runs for a second or more is found before the next statement, whether the watch
     * looked at that connection after the loss or not.
     */
    @Test
    void aLockLostDuringALongStatementIsFoundBeforeTheNext() throws SQLException {
        Revision endsTheLockSession = FakeRevision.online("002", "001", List.of(
                "SELECT pg_sleep(1.1), pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS,
                "CREATE TABLE t002 (id int)"),
                List.of("DROP TABLE IF EXISTS t002"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), endsTheLockSession));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("before statement 2/2: CREATE TABLE t002 (id int).");
        assertThat(database.tables()).doesNotContain("t002");
    }

    /** Tries can go on for minutes: one whose lock's session ended during the pause before it does not start. */
    @Test
    void aLockLostWhileRetryingStopsBeforeTheNextTry() throws SQLException {
        List<Revision> revisions = List.of(FakeRevision.table("001", null), new FakeRevision("002", "001", "add x",
                List.of("ALTER TABLE t001 ADD COLUMN x int"), List.of("ALTER TABLE t001 DROP COLUMN x")));
        migrator(revisions).upgrade("001");
        MigrationListener endsTheLockSessionAtTheFirstRetry = new MigrationListener() {
            @Override
            public void retrying(LockRetry retry) {
                try {
                    database.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' "
                            + "AND granted AND objid = " + (AdvisoryLock.KEY & 0xffff_ffffL) + " AND database = "
                            + "(SELECT oid FROM pg_database WHERE datname = current_database())");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        Migrator retrying = new Migrator(database.dataSource(), new RevisionGraph(revisions),
                endsTheLockSessionAtTheFirstRetry, Duration.ofSeconds(5),
                new LockPolicy(Duration.ofMillis(100), 3, Duration.ofSeconds(10), Duration.ZERO));

        try (Connection blocker = database.connect(); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE t001 IN ACCESS SHARE MODE");

            assertThatThrownBy(() -> retrying.upgrade("head"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("before try 2 of ALTER TABLE t001 ADD COLUMN x int.");
        }
        assertThat(migrator(revisions).current()).isEqualTo("001");
    }

    /** A lock lost in an online step's last statement, too quick for the watch to look, is found before the move. */
    @Test
    void anOnlineStepWhoseLockSessionEndedInItsLastStatementDoesNotMoveTheVersion() throws SQLException {
        Revision endsTheLockSession = FakeRevision.online("002", "001", List.of(
                "CREATE TABLE t002 (id int)",
                "SELECT pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS),
                List.of("DROP TABLE IF EXISTS t002"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), endsTheLockSession));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("before the version move of upgrade 001 -> 002, online 002.");
        assertThat(migrator.current()).isEqualTo("001");
    }

    /**
     * A failed step whose undoing failed too is half done; a rerun that fails at once must undo it all the same,
     * not say none of it was applied (and so hide the warning that the earlier run left).
     */
    @Test
    void aRerunOfAStepLeftHalfDoneUndoesItEvenWhenItFailsAtOnce() throws SQLException {
        Revision halfUndone = FakeRevision.online("002", "001",
                List.of("ALTER TABLE t001 ALTER COLUMN id SET DEFAULT 1", "ALTER TABLE t001 ADD COLUMN b int "
                        + "REFERENCES no_such_table (id)"),
                List.of("ALTER TABLE t001 ALTER COLUMN id DROP DEFAULT", "DROP TABLE no_such_table_either"));
        List<Revision> revisions = List.of(THREE_TABLES.get(0), halfUndone);
        assertThatThrownBy(() -> migrator(revisions).upgrade("head")).hasMessageContaining("Undoing it failed too");
        Migrator impatient = new Migrator(database.dataSource(), new RevisionGraph(revisions),
                MigrationListener.SILENT, Duration.ofSeconds(5),
                new LockPolicy(Duration.ofMillis(100), 0, Duration.ofSeconds(1), Duration.ZERO));

        try (Connection blocker = database.connect(); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE t001 IN ACCESS SHARE MODE");

            assertThatThrownBy(() -> impatient.upgrade("head"))
                    .hasMessageContaining("could not get its locks in 1 try")
                    .hasMessageNotContaining("None of it was applied")
                    .hasMessageContaining("Undoing it failed too");
        }
        assertThat(migrator(revisions).status().unfinished().left()).isEqualTo(UnfinishedStep.Left.UNDO_FAILED);
    }

    /**
     * 003 is left half done (its lock's session ended after its first statement). A downgrade below it reverts what
     * it did first, so nothing of it stays behind at 001, and nothing tells of it any more; an upgrade would have
     * taken it up itself instead.
     */
    @Test
    void aDowngradeFirstRevertsAnOnlineStepLeftHalfDoneAboveIt() throws SQLException {
        Revision halfDone = FakeRevision.online("003", "002", List.of(
                        "CREATE TABLE t003 (id int)",
                        // A second after the last look at the lock's session: the next statement looks again.
                        "SELECT pg_sleep(1.1), pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS,
                        "CREATE TABLE t003b (id int)"),
                List.of("DROP TABLE IF EXISTS t003b", "DROP TABLE IF EXISTS t003"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), THREE_TABLES.get(1), halfDone));
        assertThatThrownBy(() -> migrator.upgrade("head")).isInstanceOf(MigrationFailedException.class);
        assertThat(migrator.status().unfinished().left()).isEqualTo(UnfinishedStep.Left.LOCK_LOST);
        assertThat(database.tables()).contains("t003").doesNotContain("t003b");

        assertThat(migrator.plan(Direction.UPGRADE, "head").undoFirst()).isNull();
        assertThat(migrator.plan(Direction.DOWNGRADE, "001").undoFirst())
                .isEqualTo(new Step(halfDone, Direction.UPGRADE, "002", "003"));
        MigrationResult result = migrator.downgrade("001");

        assertThat(result.steps()).extracting(timing -> timing.step().describe())
                .containsExactly("downgrade 002 -> 001, create t002");
        assertThat(database.tables()).contains("t001").doesNotContain("t002", "t003");
        assertThat(migrator.status().current()).isEqualTo("001");
        assertThat(migrator.status().unfinished()).isNull();
    }

    /**
     * A run whose lock's session ended notices only between statements: its work session may still be in one. Until
     * that session (here: one that holds the run's mark, in a transaction) ends, the next run waits, within its
     * lock wait, rather than take up or revert the step beside it.
     */
    @Test
    void aRunWaitsForTheWorkSessionOfARunThatLostItsLock() throws SQLException {
        Revision halfDone = FakeRevision.online("003", "002", List.of(
                        "CREATE TABLE t003 (id int)",
                        "SELECT pg_sleep(1.1), pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS,
                        "CREATE TABLE t003b (id int)"),
                List.of("DROP TABLE IF EXISTS t003b", "DROP TABLE IF EXISTS t003"));
        List<Revision> revisions = List.of(THREE_TABLES.get(0), THREE_TABLES.get(1), halfDone);
        assertThatThrownBy(() -> migrator(revisions).upgrade("head")).isInstanceOf(MigrationFailedException.class);
        List<List<BlockingSession>> toldOfWaiting = new ArrayList<>();
        Migrator patient = new Migrator(database.dataSource(), new RevisionGraph(revisions), new MigrationListener() {
            @Override
            public void waitingForEarlierRun(List<BlockingSession> sessions) {
                toldOfWaiting.add(sessions);
            }
        }, Duration.ofMillis(300));

        try (Connection earlierRun = database.connect(); Statement statement = earlierRun.createStatement()) {
            statement.execute("SELECT pg_advisory_lock_shared(" + WorkMark.KEY + ")");
            earlierRun.setAutoCommit(false);
            statement.execute("SELECT 1");

            assertThatThrownBy(() -> patient.downgrade("001")).isInstanceOf(LockNotAcquiredException.class)
                    .hasMessageStartingWith("A run that lost its migration lock is still at work: pid ")
                    .hasMessageContaining("idle in transaction")
                    .hasMessageContaining(" ms. Let it end, or end it");
            assertThat(toldOfWaiting).singleElement().asList().hasSize(1);
            assertThat(database.tables()).contains("t003").doesNotContain("t003b");
        }
        patient.downgrade("001");
        assertThat(database.tables()).doesNotContain("t002", "t003");
        assertThat(database.column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                .as("the mark released with the lock").containsExactly("0");
    }

    /**
     * A run at work and one that stopped leave the same newest row. Only a run's work session (its mark) makes the
     * step under way: anyone may hold the migration lock itself, by hand, to keep runners off.
     */
    @Test
    void aStepIsUnderWayOnlyWhileARunsWorkSessionHoldsItsMark() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("001");
        database.execute("INSERT INTO retort_history (revision, direction, from_revision, to_revision, started_at, "
                + "finished_at, duration_ms, retort_version, outcome, part) VALUES ('002', 'upgrade', '001', '002', "
                + "now(), now(), 0, 'test', 'progress', '1/2: CREATE TABLE t002 (id int)')");

        try (Connection byHand = database.connect(); Statement statement = byHand.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + AdvisoryLock.KEY + ")");
            assertThat(migrator.status().unfinished().runningIn()).isNull();
            try (Connection run = database.connect("a-run"); Statement work = run.createStatement()) {
                work.execute("SELECT pg_advisory_lock_shared(" + WorkMark.KEY + ")");
                assertThat(migrator.status().unfinished().runningIn().applicationName()).isEqualTo("a-run");
            }
        }
    }

    /** The other way round: 002 left half reverted is applied again before an upgrade builds 003 on it. */
    @Test
    void anUpgradeFirstRestoresARevisionLeftHalfRevertedBelowIt() throws SQLException {
        Revision halfReverted = FakeRevision.online("002", "001",
                List.of("CREATE TABLE IF NOT EXISTS t002a (id int)", "CREATE TABLE IF NOT EXISTS t002b (id int)"),
                List.of("DROP TABLE IF EXISTS t002b", "SELECT pg_sleep(1.1), pg_terminate_backend(pid, 5000) "
                        + OTHER_SESSIONS, "DROP TABLE IF EXISTS t002a"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), halfReverted, FakeRevision.table("003", "002")));
        migrator.upgrade("002");
        assertThatThrownBy(() -> migrator.downgrade("001")).isInstanceOf(MigrationFailedException.class);
        assertThat(database.tables()).contains("t002a").doesNotContain("t002b");

        migrator.upgrade("head");

        assertThat(database.tables()).contains("t002a", "t002b", "t003");
        assertThat(migrator.status().unfinished()).isNull();
    }

    /** What an undoing of a step left half done could not revert is still told, and the run stops before its steps. */
    @Test
    void aStepLeftHalfDoneThatCannotBeRevertedStopsTheRunAndIsStillTold() throws SQLException {
        Revision halfDone = FakeRevision.online("002", "001", List.of(
                        "CREATE TABLE t002 (id int)",
                        "SELECT pg_terminate_backend(pid, 5000) " + OTHER_SESSIONS),
                List.of("DROP TABLE t002_misspelt"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), halfDone));
        assertThatThrownBy(() -> migrator.upgrade("head")).isInstanceOf(MigrationFailedException.class);

        assertThatThrownBy(() -> migrator.downgrade("base"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("Undoing upgrade 001 -> 002, online 002, left half done by an earlier run, "
                        + "failed: Undoing it failed too (")
                .hasMessageContaining("t002_misspelt")
                .hasMessageEndingWith("run the same command again, or finish the step: upgrade 002.");
        assertThat(migrator.status().current()).isEqualTo("001");
        assertThat(database.tables()).contains("t001", "t002");
        assertThat(migrator.status().unfinished().left()).isEqualTo(UnfinishedStep.Left.UNDO_FAILED);
        assertThat(database.column("SELECT checksum FROM retort_history ORDER BY finished_at DESC LIMIT 1"))
                .as("the step's own checksum, not its undoing's").containsExactly(
                        RecordingContext.checksumOf(Step.up(halfDone)));
    }

    /** A stamp back to a revision and then past it again: the revisions above it have no record of how they came. */
    @Test
    void aRevisionDowngradedOrStampedAwayHasNoRecordOfBeingApplied() {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("head");
        migrator.downgrade("002");
        migrator.stamp("003");
        assertThat(migrator.status().applied()).containsOnlyKeys("001", "002");

        migrator.upgrade("head"); // nothing to do
        migrator.stamp("001");
        migrator.stamp("003");

        assertThat(migrator.status().applied()).containsOnlyKeys("001");
    }

    /**
     * However often revisions went up and down, the history is read as one row per revision and one per stamp, not
     * one per step ever run; and what those rows say applied is what the whole history says: the latest upgrade.
     */
    @Test
    void theHistoryIsReadAsOneRowPerRevisionHoweverLongItGrows() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        for (int cycle = 0; cycle < 4; cycle++) {
            migrator.upgrade("head");
            migrator.downgrade("001");
        }
        migrator.upgrade("head");
        migrator.stamp("002");
        migrator.stamp("003");

        assertThat(database.column(HistoryTable.SUCCESSES)).as("3 revisions, 2 stamps").hasSize(5);
        assertThat(migrator.status().applied()).containsOnlyKeys("001", "002");
        Instant appliedAt = migrator.status().applied().get("002").appliedAt();
        assertThat(appliedAt.getEpochSecond() * 1_000_000 + appliedAt.getNano() / 1_000).as("the latest upgrade's")
                .hasToString(database.column("SELECT (extract(epoch FROM max(finished_at)) * 1000000)::bigint"
                        + " FROM retort_history WHERE revision = '002' AND direction = 'upgrade'").get(0));
    }

    /** Alembic's stamp to where the database is does nothing; nor does Retort's write a history row. */
    @Test
    void aStampToTheRevisionAlreadyThereWritesNothing() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("002");
        List<String> rowsBefore = database.column("SELECT count(*) FROM retort_history");

        StampResult result = migrator.stamp("002");

        assertThat(result.written()).isFalse();
        assertThat(result.warning()).isNull();
        assertThat(database.column("SELECT count(*) FROM retort_history")).isEqualTo(rowsBefore);
        migrator.downgrade("base");
        List<String> rowsAtBase = database.column("SELECT count(*) FROM retort_history");
        assertThat(migrator.stamp("base").written()).isFalse();
        assertThat(database.column("SELECT count(*) FROM retort_history")).isEqualTo(rowsAtBase);
    }

    /** A session ended mid-step (pg_terminate_backend, a restart): the error says so, not "connection closed". */
    @Test
    void aSessionEndedInAStepIsReportedByWhatEndedIt() {
        Revision terminated = new FakeRevision("002", "001", "terminated",
                List.of("CREATE TABLE t002 (id int)", "SELECT pg_terminate_backend(pg_backend_pid())"),
                List.of("DROP TABLE t002"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), terminated));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("Running upgrade 001 -> 002, terminated failed")
                .hasMessageContaining("terminating connection due to administrator command (SQLSTATE 57P01)")
                .hasMessageNotContaining("has been closed");
        assertThat(migrator.current()).isEqualTo("001");
    }

    @Test
    void upgradeToHeadRunsEveryRevisionInOrderAndRecordsEachStep() throws SQLException {
        MigrationResult result = migrator(THREE_TABLES).upgrade("head");

        assertThat(result.from()).isNull();
        assertThat(result.to()).isEqualTo("003");
        assertThat(result.steps()).extracting(timing -> timing.step().describe()).containsExactly(
                "upgrade  -> 001, create t001", "upgrade 001 -> 002, create t002", "upgrade 002 -> 003, create t003");
        assertThat(database.tables()).contains("t001", "t002", "t003");
        assertThat(database.column("SELECT version_num FROM alembic_version")).containsExactly("003");
        assertThat(database.column("SELECT revision || ' ' || direction || ' ' || outcome || ' ' || length(checksum)"
                + " || ' ' || (db_user = current_user) FROM retort_history ORDER BY started_at"))
                .containsExactly("001 upgrade success 64 true", "002 upgrade success 64 true", "003 upgrade success 64 true");
    }

    @Test
    void aFailingRevisionLeavesThePreviousRevisionCurrentAndNoPartialObject() throws SQLException {
        Revision broken = new FakeRevision("003", "002", "half done",
                List.of("CREATE TABLE t003 (id int)", "CREATE INDEX ix_t003 ON t003 (no_such_column)"),
                List.of("DROP TABLE t003"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), THREE_TABLES.get(1), broken));

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("Running upgrade 002 -> 003, half done failed")
                .hasMessageContaining("column \"no_such_column\" does not exist (SQLSTATE 42703)")
                .hasMessageContaining("database is still at 002");

        assertThat(migrator.current()).isEqualTo("002");
        assertThat(database.tables()).contains("t001", "t002").doesNotContain("t003");
        assertThat(database.column("SELECT count(*) FROM pg_class WHERE relname = 'ix_t003'")).containsExactly("0");
        assertThat(database.column("SELECT revision || ' ' || outcome FROM retort_history ORDER BY started_at"))
                .containsExactly("001 success", "002 success", "003 failed");
        assertThat(database.column("SELECT error FROM retort_history WHERE outcome = 'failed'")).singleElement()
                .asString().contains("no_such_column");
    }

    @Test
    void theVersionRowMovesInTheStepsOwnTransaction() throws SQLException {
        Revision stealsTheVersion = new FakeRevision("002", "001", "steals the version",
                List.of("CREATE TABLE t002 (id int)", "DELETE FROM alembic_version"), List.of("DROP TABLE t002"));
        Migrator migrator = migrator(List.of(THREE_TABLES.get(0), stealsTheVersion));
        migrator.upgrade("001");

        assertThatThrownBy(() -> migrator.upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("touched 0 rows instead of 1");

        assertThat(migrator.current()).isEqualTo("001");
        assertThat(database.tables()).doesNotContain("t002");
    }

    @Test
    void theHistoryRowIsWrittenInTheStepsOwnTransaction() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("001");
        database.execute("ALTER TABLE retort_history ADD CONSTRAINT no_002 CHECK (revision <> '002') NOT VALID");

        assertThatThrownBy(() -> migrator.upgrade("head")).isInstanceOf(MigrationFailedException.class);

        assertThat(migrator.current()).isEqualTo("001");
        assertThat(database.tables()).doesNotContain("t002");
    }

    @Test
    void aStampThatCannotBeRecordedChangesNothing() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("001");
        database.execute("ALTER TABLE retort_history ADD CONSTRAINT no_stamp CHECK (direction <> 'stamp') NOT VALID");

        assertThatThrownBy(() -> migrator.stamp("003")).isInstanceOf(DatabaseException.class);

        assertThat(migrator.current()).isEqualTo("001");
    }

    @Test
    void stampReplacesManyLongBranchRows() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("001");
        database.execute("INSERT INTO alembic_version VALUES ('1975ea83b712'), ('ae1027a6acf1'), ('27c6a30d7c24')");

        StampResult result = migrator.stamp("002");

        assertThat(result.from()).isEqualTo("001, 1975ea83b712, 27c6a30d7c24, ae1027a6acf1");
        assertThat(migrator.current()).isEqualTo("002");
    }

    @Test
    void upgradingToARevisionBehindTheCurrentOneChangesNothingAndSaysSo() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("head");

        MigrationResult result = migrator.upgrade("001");

        assertThat(result.changedNothing()).isTrue();
        assertThat(result.note()).contains("at 003, ahead of 001").contains("use downgrade 001");
        assertThat(migrator.current()).isEqualTo("003");
        assertThat(migrator.upgrade("head").note()).isEqualTo("Already at 003 (head): nothing to upgrade.");
    }

    @Test
    void downgradeStepsBackNewestFirstAndDowngradingAheadIsRefused() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.upgrade("002");

        assertThatThrownBy(() -> migrator.downgrade("003"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining("ahead of the current revision 002");

        MigrationResult result = migrator.downgrade("-1");
        assertThat(result.steps()).extracting(timing -> timing.step().describe())
                .containsExactly("downgrade 002 -> 001, create t002");
        assertThat(migrator.current()).isEqualTo("001");
        migrator.downgrade("base");
        assertThat(migrator.current()).isNull();
        assertThat(database.column("SELECT count(*) FROM alembic_version")).containsExactly("0");
        assertThat(database.tables()).containsExactlyInAnyOrder("alembic_version", "retort_history");
    }

    @Test
    void aBadTargetChangesNothingInTheDatabase() throws SQLException {
        assertThatThrownBy(() -> migrator(THREE_TABLES).upgrade("007")).isInstanceOf(InvalidTargetException.class);
        assertThatThrownBy(() -> migrator(THREE_TABLES).downgrade("-1")).isInstanceOf(InvalidTargetException.class);
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void currentReadsWithoutCreatingAnything() throws SQLException {
        assertThat(migrator(THREE_TABLES).current()).isNull();
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void aVersionThisRetortDoesNotKnowIsRefusedWithAHint() throws SQLException {
        migrator(THREE_TABLES).upgrade("001");
        database.execute("UPDATE alembic_version SET version_num = 'ae1027a6acf'");

        assertThatThrownBy(() -> migrator(THREE_TABLES).current())
                .isInstanceOf(VersionStateException.class)
                .hasMessage("The database is at revision 'ae1027a6acf', which is not in this Retort's revisions "
                        + "(001 … 003): another branch or a newer version of the project migrated it, or this is the "
                        + "wrong database. With the Retort that has 'ae1027a6acf' (that branch or version), downgrade "
                        + "to the newest revision both have, e.g. retort downgrade 003, then run this one. Stamp only "
                        + "records a revision and changes no schema: use it only if the schema is already at one of "
                        + "these revisions.");
        assertThatThrownBy(() -> migrator(THREE_TABLES).upgrade("head")).isInstanceOf(VersionStateException.class);
    }

    @Test
    void twoVersionRowsAreRefusedAsBranches() throws SQLException {
        migrator(THREE_TABLES).upgrade("001");
        database.execute("INSERT INTO alembic_version VALUES ('002')");

        assertThatThrownBy(() -> migrator(THREE_TABLES).upgrade("head"))
                .isInstanceOf(VersionStateException.class)
                .hasMessageContaining("holds 2 rows [001, 002]");
        assertThat(database.tables()).doesNotContain("t002");
    }

    @Test
    void stampRecordsTheRevisionWithoutRunningIt() throws SQLException {
        Migrator migrator = migrator(THREE_TABLES);
        migrator.stamp("002");

        assertThat(migrator.current()).isEqualTo("002");
        assertThat(database.tables()).doesNotContain("t001", "t002");
        assertThat(database.column("SELECT direction FROM retort_history")).containsExactly("stamp");

        migrator.stamp("base");
        assertThat(migrator.current()).isNull();
    }

    @Test
    void aRunnerThatCannotHaveTheLockInTimeNamesTheHolderAndChangesNothing() throws SQLException {
        PGSimpleDataSource holderSource = (PGSimpleDataSource) database.dataSource();
        holderSource.setApplicationName("long-running-deploy");
        List<Optional<AdvisoryLock.Holder>> toldWaiting = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
                toldWaiting.add(holder);
            }
        };
        Migrator migrator = new Migrator(database.dataSource(), new RevisionGraph(THREE_TABLES), listener,
                Duration.ofMillis(300));

        try (Connection holder = holderSource.getConnection();
             AdvisoryLock ignored = AdvisoryLock.acquire(holder, Duration.ZERO, waiting -> { })) {
            int pid = pidOf(holder);
            assertThatThrownBy(() -> migrator.upgrade("head"))
                    .isInstanceOf(LockNotAcquiredException.class)
                    .hasMessageContaining("pid " + pid + " (application_name 'long-running-deploy')")
                    .hasMessageContaining("waited 300 ms");
            assertThat(toldWaiting).singleElement().isEqualTo(Optional.of(new AdvisoryLock.Holder(pid, "long-running-deploy")));
        }
        assertThat(database.tables()).isEmpty();
        assertThat(migrator.upgrade("head").to()).isEqualTo("003");
    }

    @Test
    void theLockIsReleasedWhenTheRunEnds() throws SQLException {
        migrator(THREE_TABLES).upgrade("head");
        assertThat(database.column("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).containsExactly("0");
    }

    private int pidOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
