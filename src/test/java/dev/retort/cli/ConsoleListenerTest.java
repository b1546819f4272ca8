package dev.retort.cli;

import dev.retort.engine.BlockingSession;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.LockRetry;
import dev.retort.engine.Step;
import dev.retort.engine.StepProgress;
import dev.retort.migrations.Migrations;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How a long step's progress is drawn: one redrawn line on a terminal, a plain line every 5 s otherwise. */
class ConsoleListenerTest {

    private static final Step STEP = Step.up(Migrations.all().get(3));
    private static final String BUILD = "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by ON customers (created_by)";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private ConsoleListener listener(boolean terminal) {
        return new ConsoleListener(new PrintWriter(out, true), new PrintWriter(err, true), "test database",
                LockPolicy.DEFAULT, terminal);
    }

    private static StepProgress at(int seconds, long blocksDone) {
        return new StepProgress(STEP, Duration.ofSeconds(seconds), BUILD,
                new StepProgress.IndexBuild("building index: scanning table", blocksDone, 400, 0, 0), List.of());
    }

    @Test
    void onATerminalTheStepsLineIsRedrawnThenEndsWithItsTime() {
        ConsoleListener listener = listener(true);

        listener.stepStarted(STEP);
        listener.progress(at(2, 100));
        listener.progress(at(3, 300));
        listener.stepFinished(STEP, Duration.ofMillis(3400));

        String running = "Running upgrade 003 -> 004, add customer foreign keys";
        assertThat(out.toString()).isEqualTo("Database: test database\n" + running
                + "\r" + running + " ... 2.0 s: " + BUILD + " (building index: scanning table, 100 of 400 blocks (25%))\033[K"
                + "\r" + running + " ... 3.0 s: " + BUILD + " (building index: scanning table, 300 of 400 blocks (75%))\033[K"
                + "\r" + running + " ... 3.4 s\033[K\n");
    }

    @Test
    void elsewhereAPlainLineEveryFiveSeconds() {
        ConsoleListener listener = listener(false);

        listener.stepStarted(STEP);
        for (int second = 2; second <= 8; second++) {
            listener.progress(at(second, second * 40L));
        }
        listener.stepFinished(STEP, Duration.ofMillis(8500));

        assertThat(out.toString()).isEqualTo("""
                Database: test database
                Running upgrade 003 -> 004, add customer foreign keys
                  ... 2.0 s: %1$s (building index: scanning table, 80 of 400 blocks (20%%))
                  ... 7.0 s: %1$s (building index: scanning table, 280 of 400 blocks (70%%))
                  done ... 8.5 s
                """.formatted(BUILD));
    }

    /** The last try is narrated like the others, with why none follows: the tries ran out, or the retry window. */
    @Test
    void aLastTryThatFailedSaysWhyNoneFollows() {
        ConsoleListener listener = listener(false);

        listener.stepStarted(STEP);
        listener.lastTryFailed(new LockRetry(STEP, BUILD, 10, 10, Duration.ofSeconds(4), false, List.of(),
                Duration.ZERO));
        listener.lastTryFailed(new LockRetry(STEP, BUILD, 3, 10, Duration.ofSeconds(2), true, List.of(),
                Duration.ZERO));

        assertThat(out.toString()).isEqualTo("""
                Database: test database
                Running upgrade 003 -> 004, add customer foreign keys
                  no lock within 4.0 s (try 10 of 10): %1$s
                    that was the last try
                  chosen as a deadlock's victim (try 3 of 10): %1$s
                    no more tries: another could not end within --retry-window
                """.formatted(BUILD));
    }

    /** A build that waits (for a lock, or for old snapshots) says for whom, as pg_blocking_pids names them. */
    @Test
    void aWaitingStatementsProgressNamesWhomItWaitsFor() {
        ConsoleListener listener = listener(false);
        BlockingSession report = new BlockingSession(4242, "psql", "idle in transaction", null, null, "SELECT 1",
                null);

        listener.stepStarted(STEP);
        listener.progress(new StepProgress(STEP, Duration.ofSeconds(2), BUILD,
                new StepProgress.IndexBuild("waiting for old snapshots", 0, 0, 0, 0), List.of(report)));

        assertThat(out.toString()).contains("  ... 2.0 s: " + BUILD + " (waiting for old snapshots); waiting for pid "
                + "4242 (psql), idle in transaction\n");
        List<BlockingSession> many = IntStream.rangeClosed(1, 5).mapToObj(pid ->
                new BlockingSession(pid, "app", "active", null, null, "SELECT 1", null)).toList();
        assertThat(new StepProgress(STEP, Duration.ofSeconds(3), BUILD, null, many).describeWaiting())
                .isEqualTo("waiting for pid 1 (app), active; pid 2 (app), active; pid 3 (app), active and 2 more");
    }

    /** Stopped after a step finished and before the next began: the finished ones stay, and it says where that is. */
    @Test
    void anInterruptionBetweenStepsSaysWhereTheDatabaseIs() {
        ConsoleListener listener = listener(false);

        listener.stepStarted(STEP);
        listener.stepFinished(STEP, Duration.ofMillis(30));
        listener.interrupted();

        assertThat(err.toString()).isEqualTo("retort: interrupted between steps: the database is at 004, where the "
                + "last finished step left it.\n");
    }

    /** Stopped at an online step's first statement: nothing before it was done, and it may have been. */
    @Test
    void anInterruptionAtTheFirstStatementSaysNoneBeforeItWasDone() {
        ConsoleListener listener = listener(false);

        listener.stepStarted(STEP);
        listener.statementStarting(STEP, 1, 6, "ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by …");
        listener.interrupted();

        assertThat(err.toString()).contains("at statement 1 of 6 (none before it; that one may be done): "
                + "alembic_version still says 003.");
    }

    /** Another role's session, seen without pg_read_all_stats: PostgreSQL's placeholder is not shown as its query. */
    @Test
    void aSessionWhoseQueryIsHiddenSaysSo() {
        BlockingSession hidden = new BlockingSession(4242, "psql", null, null, null, "<insufficient privilege>",
                null);

        assertThat(hidden.describe(Instant.now())).isEqualTo("pid 4242 (psql), state unknown: what it "
                + "runs is hidden from this role (pg_read_all_stats shows it)");
    }
}
