package dev.retort.cli;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.Durations;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Step;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Prints a run as Alembic does ({@code Running upgrade 002 -> 003, create audit_logs table}), with each step's
 * time appended when it ends. The line is printed when the step starts, so a long step shows what it is doing.
 */
final class ConsoleListener implements MigrationListener {

    private final PrintWriter out;
    private final PrintWriter err;
    private final String database;
    private boolean named;

    /** @param database where the run goes, fit to print (password masked); said once, before the first step */
    ConsoleListener(PrintWriter out, PrintWriter err, String database) {
        this.out = out;
        this.err = err;
        this.database = database;
    }

    @Override
    public void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
        err.println("Waiting for the migration lock, held by "
                + holder.map(AdvisoryLock.Holder::toString).orElse("another session") + "…");
        err.flush();
    }

    @Override
    public void stepStarted(Step step) {
        if (!named) {
            out.println("Database: " + database);
            named = true;
        }
        out.print("Running " + step.describe());
        out.flush();
    }

    @Override
    public void stepFinished(Step step, Duration took) {
        out.println(" ... " + Durations.format(took));
        out.flush();
    }

    @Override
    public void stepFailed(Step step, Duration took) {
        out.println(" ... FAILED after " + Durations.format(took));
        out.flush();
    }
}
