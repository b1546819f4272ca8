package dev.retort.cli;

import dev.retort.engine.Durations;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.BiFunction;

/** What upgrade and downgrade share: check the target, run it printing each step, say where the database is. */
final class MigrationRun {

    private MigrationRun() {
    }

    static int execute(RetortCommand root, CommandSpec spec, String target,
                       BiFunction<Migrator, String, MigrationResult> direction) {
        root.graph().checkTarget(target); // before the embedded database is started for nothing
        PrintWriter out = spec.commandLine().getOut();
        ConsoleListener listener = new ConsoleListener(out, spec.commandLine().getErr(), root.session().describe());
        Migrator migrator = root.migrator(listener);
        printSummary(out, migrator.graph(), direction.apply(migrator, target));
        return ExitCodes.OK;
    }

    /** The last line: where the database is now, or why nothing was done. */
    private static void printSummary(PrintWriter out, RevisionGraph graph, MigrationResult result) {
        if (result.changedNothing()) {
            out.println(result.note());
            return;
        }
        Duration total = result.steps().stream().map(MigrationResult.StepTiming::took)
                .reduce(Duration.ZERO, Duration::plus);
        out.println("Done: " + result.steps().size() + (result.steps().size() == 1 ? " revision" : " revisions")
                + " in " + Durations.format(total) + "; the database is at " + graph.labelWithHead(result.to()) + ".");
    }
}
