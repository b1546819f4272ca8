package dev.retort.cli;

import dev.retort.engine.LockPolicy;
import dev.retort.engine.Step;
import dev.retort.engine.StepProgress;
import dev.retort.migrations.Migrations;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How a long step's progress is drawn: one redrawn line on a terminal, a plain line every 5 s otherwise. */
class ConsoleListenerTest {

    private static final Step STEP = Step.up(Migrations.all().get(3));
    private static final String BUILD = "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by ON customers (created_by)";

    private final StringWriter out = new StringWriter();

    private ConsoleListener listener(boolean terminal) {
        return new ConsoleListener(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "test database",
                LockPolicy.DEFAULT, terminal);
    }

    private static StepProgress at(int seconds, long blocksDone) {
        return new StepProgress(STEP, Duration.ofSeconds(seconds), BUILD,
                new StepProgress.IndexBuild("building index: scanning table", blocksDone, 400, 0, 0));
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
}
