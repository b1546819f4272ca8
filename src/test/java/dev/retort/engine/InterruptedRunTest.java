package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
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

    private Migrator migrator(MigrationListener listener) {
        return new Migrator(database.dataSource(), new RevisionGraph(THREE_TABLES), listener, Duration.ofSeconds(5));
    }
}
