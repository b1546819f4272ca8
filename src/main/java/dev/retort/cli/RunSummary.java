package dev.retort.cli;

import dev.retort.engine.Durations;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.RevisionGraph;

import java.io.PrintWriter;
import java.time.Duration;

/** The last line of an upgrade or downgrade: where the database is now, or why nothing was done. */
final class RunSummary {

    private RunSummary() {
    }

    static void print(PrintWriter out, RevisionGraph graph, MigrationResult result) {
        if (result.changedNothing()) {
            out.println(result.note());
            return;
        }
        Duration total = result.steps().stream().map(MigrationResult.StepTiming::took)
                .reduce(Duration.ZERO, Duration::plus);
        String at = graph.labelWithHead(result.to());
        out.println("Done: " + result.steps().size() + (result.steps().size() == 1 ? " revision" : " revisions")
                + " in " + Durations.format(total) + "; the database is at " + at + ".");
    }
}
