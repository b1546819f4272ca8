package dev.retort.cli;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.StampResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "stamp", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Record TARGET as the database's revision without running any migration.",
        "",
        "For a database whose schema you know to be at TARGET already (built by hand, restored from a dump). "
                + "Replaces whatever alembic_version holds, several rows or an unknown revision included."})
final class StampCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TARGET", description = "head, base, or a revision id such as 003.")
    String target;

    @Override
    public Integer call() {
        root.graph().checkTarget(target); // before the embedded database is started for nothing
        StampResult result = root.migrator(MigrationListener.SILENT).stamp(target);
        if (root.json()) {
            Json.print(spec.commandLine().getOut(), Json.object("database", root.session().describe(),
                    "from", result.from(), "to", result.to(), "written", result.written(),
                    "warning", result.warning()));
            return ExitCodes.OK;
        }
        if (result.warning() != null) {
            spec.commandLine().getErr().println("retort: warning: " + result.warning());
            spec.commandLine().getErr().flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Database: " + root.session().describe());
        out.println(result.written() ? "Stamped " + RevisionGraph.labelOf(result.from()) + " -> "
                + RevisionGraph.labelOf(result.to()) + " (no migration was run)."
                : "Already at " + root.graph().labelWithHead(result.to()) + ": nothing to stamp.");
        return ExitCodes.OK;
    }
}
