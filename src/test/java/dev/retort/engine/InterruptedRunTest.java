package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service shutting down interrupts the thread that migrates at start-up. pgjdbc does not answer an interrupt while
 * a statement runs, so the run looks for it between steps: it stops there, at a revision, instead of going on to the
 * head (a run that went on ignored the interrupt for as long as its index builds took).
 */
class InterruptedRunTest {

    private static final List<Revision> THREE_TABLES = List.of(
            FakeRevision.table("001", null), FakeRevision.table("002", "001"), FakeRevision.table("003", "002"));

    /** 002 online: a table of its own, then a column of 001's, which a session reading t001 holds up. */
    private static final List<Revision> ONLINE_002 = List.of(FakeRevision.table("001", null),
            FakeRevision.online("002", "001",
                    List.of("CREATE TABLE IF NOT EXISTS t002 (id int)",
                            "ALTER TABLE t001 ADD COLUMN IF NOT EXISTS x int"),
                    List.of("ALTER TABLE t001 DROP COLUMN IF EXISTS x", "DROP TABLE IF EXISTS t002")));

    private final TestDatabase database = TestPostgres.newDatabase("interrupted_run");

    @AfterEach
    void clearTheFlag() {
        Thread.interrupted();
    }

    @Test
    void anInterruptDuringAStepLetsItFinishThenStopsTheRun() throws SQLException {
        MigrationListener interruptsIn002 = new MigrationListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.to().equals("002")) {
                    Thread.currentThread().interrupt(); // the listener runs on the migrating thread
                }
            }
        };

        assertThatThrownBy(() -> migrator(interruptsIn002).upgrade("head"))
                .isInstanceOf(RunInterruptedException.class)
                .hasMessage("Interrupted before upgrade 002 -> 003, create t003: the database is at 002, after 2 of "
                        + "3 steps. Run it again to go on.")
                .satisfies(e -> assertThat(((RunInterruptedException) e).revision()).isEqualTo("002"));
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        Thread.interrupted();
        assertThat(migrator(MigrationListener.SILENT).current()).isEqualTo("002");
        assertThat(database.tables()).contains("t002").doesNotContain("t003");
    }

    @Test
    void aThreadAlreadyInterruptedRunsNoStep() throws SQLException {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> migrator(MigrationListener.SILENT).upgrade("head"))
                .isInstanceOf(RunInterruptedException.class)
                .hasMessageStartingWith("Interrupted before upgrade  -> 001, create t001: the database is at <base>");
        Thread.interrupted();
        assertThat(database.tables()).doesNotContain("t001");
    }

    /**
     * A step that waits to try again for its locks runs nothing meanwhile, and may wait for minutes: an interrupt stops
     * it there. In one transaction, it was rolled back.
     */
    @Test
    void anInterruptWhileAStepWaitsToTryAgainRollsItBack() throws SQLException {
        List<Revision> revisions = List.of(FakeRevision.table("001", null), new FakeRevision("002", "001",
                "add x", List.of("ALTER TABLE t001 ADD COLUMN x int"), List.of("ALTER TABLE t001 DROP COLUMN x")));
        migrator(revisions, MigrationListener.SILENT).upgrade("001");

        try (Connection holder = readingT001()) {
            assertThatThrownBy(() -> migrator(revisions, interruptsWhenRetrying()).upgrade("head"))
                    .isInstanceOf(RunInterruptedException.class)
                    .hasMessage("Interrupted while upgrade 001 -> 002, add x waited to try again: rolled back, the "
                            + "database is still at 001. Run it again to go on.")
                    .satisfies(e -> assertThat(((RunInterruptedException) e).revision()).isEqualTo("001"));
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        }
        assertThat(database.column("SELECT column_name FROM information_schema.columns WHERE table_name = 't001'"))
                .doesNotContain("x");
        assertThat(migrator(revisions, MigrationListener.SILENT).upgrade("head").to()).isEqualTo("002");
    }

    /**
     * Online, the statements done so far stay, as a crash leaves them: undoing them would wait for the same tables'
     * locks. The next run takes the step up where it stopped.
     */
    @Test
    void anOnlineStepInterruptedWhileWaitingIsLeftForTheNextRun() throws SQLException {
        List<Revision> revisions = ONLINE_002;
        migrator(revisions, MigrationListener.SILENT).upgrade("001");

        try (Connection holder = readingT001()) {
            assertThatThrownBy(() -> migrator(revisions, interruptsWhenRetrying()).upgrade("head"))
                    .isInstanceOf(RunInterruptedException.class)
                    .hasMessage("Interrupted while upgrade 001 -> 002, online 002 waited to try again: stopped "
                            + "there, as a crash would stop it: part of 002 is applied while alembic_version still "
                            + "says 001, and the next run takes the step up where it stopped. Run it again to go on.");
            assertThat(Thread.interrupted()).isTrue();
        }
        assertThat(database.tables()).as("not undone").contains("t002");
        assertThat(migrator(revisions, MigrationListener.SILENT).status().unfinished()).isNotNull();
        assertThat(migrator(revisions, MigrationListener.SILENT).upgrade("head").to()).isEqualTo("002");
        assertThat(database.column("SELECT column_name FROM information_schema.columns WHERE table_name = 't001'"))
                .contains("x");
    }

    /**
     * Undoing what an earlier run left half done is a step of the run too: stopped while it waits to try again, it is
     * left as a crash leaves it, not recorded as an undoing that failed (a MigrationFailedException and a failure row
     * with "Undoing it failed too (interrupted …)", read by current as undo_failed).
     */
    @Test
    void anInterruptWhileUndoingAHalfDoneStepWaitsStopsTheRunAndLeavesNoFailure() throws SQLException {
        List<Revision> revisions = ONLINE_002;
        migrator(revisions, MigrationListener.SILENT).upgrade("001");
        try (Connection holder = holding("t001")) {
            assertThatThrownBy(() -> migrator(revisions, interruptsWhenRetrying()).upgrade("head"))
                    .isInstanceOf(RunInterruptedException.class);
            assertThat(Thread.interrupted()).isTrue();
        }

        try (Connection holder = holding("t002")) {
            assertThatThrownBy(() -> migrator(revisions, interruptsWhenRetrying()).downgrade("base"))
                    .isInstanceOf(RunInterruptedException.class)
                    .hasMessage("Interrupted while undoing upgrade 001 -> 002, online 002, left half done by an "
                            + "earlier run, waited to try again: stopped there, as a crash would stop it; "
                            + "alembic_version still says 001. Run it again to go on.")
                    .satisfies(e -> assertThat(((RunInterruptedException) e).revision()).isEqualTo("001"));
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        }
        assertThat(database.column("SELECT outcome FROM retort_history")).doesNotContain("failed");
        assertThat(migrator(revisions, MigrationListener.SILENT).status().unfinished().left())
                .isEqualTo(UnfinishedStep.Left.UNDO_STOPPED);
        assertThat(migrator(revisions, MigrationListener.SILENT).downgrade("base").to()).isNull();
        assertThat(database.tables()).doesNotContain("t001", "t002");
    }

    /** A transaction that has read {@code table} and stays open: an ALTER or DROP of it waits for it. */
    private Connection holding(String table) throws SQLException {
        Connection holder = database.connect();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        }
        return holder;
    }

    /** A transaction that has read t001 and stays open: ALTER TABLE t001 waits for it. */
    private Connection readingT001() throws SQLException {
        return holding("t001");
    }

    /** Interrupts the migrating thread (the listener runs on it) when a statement is to be tried again. */
    private static MigrationListener interruptsWhenRetrying() {
        return new MigrationListener() {
            @Override
            public void retrying(LockRetry retry) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Tries every 50 ms for ten minutes: without the interrupt, the test would wait that long. */
    private Migrator migrator(List<Revision> revisions, MigrationListener listener) {
        return new Migrator(database.dataSource(), new RevisionGraph(revisions), listener, Duration.ofSeconds(5),
                new LockPolicy(Duration.ofMillis(50), 10_000, Duration.ofMinutes(10), Duration.ZERO));
    }

    private Migrator migrator(MigrationListener listener) {
        return new Migrator(database.dataSource(), new RevisionGraph(THREE_TABLES), listener, Duration.ofSeconds(5));
    }
}
