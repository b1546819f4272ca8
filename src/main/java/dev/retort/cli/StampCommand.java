package dev.retort.cli;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.OfflineScript;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.StampResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Parameters(paramLabel = "TARGET", description = "head, base, a revision id such as 003, current, +N or -N "
            + "(counted from the current revision), ID+N or ID-N.")
    String target;

    @Option(names = "--sql", description = "Print the SQL that records TARGET instead of running it, without "
            + "connecting to any database (TARGET is then an id, head or base).")
    boolean sql;

    /**
     * Alembic's stamp keeps the rows it does not know of unless told {@code --purge}; Retort's always replaces them, so
     * the option changes nothing. It is accepted so that an Alembic user's {@code stamp --purge head}, the usual fix
     * for a version table naming a revision that is gone, is not refused as an unknown option.
     */
    @Option(names = "--purge", description = "Accepted for Alembic's command lines; changes nothing: stamp always "
            + "replaces whatever alembic_version holds, as Alembic's stamp --purge does.")
    boolean purge;

    @Override
    public Integer call() {
        if (sql) {
            String script = OfflineScript.stamp(root.graph(), target);
            if (root.json()) {
                Json.print(spec.commandLine().getOut(), Json.object("sql", script));
            } else {
                spec.commandLine().getOut().print(script);
            }
            return ExitCodes.OK;
        }
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
