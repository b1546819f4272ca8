package dev.retort.cli;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show one revision: id, parent, source file and message.",
        "Needs no database, except for 'current' and +N/-N, which are read from it."})
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REV", description = "A revision: head, base, an id such as 003, current, +N or -N "
            + "(counted from the current revision), ID+N or ID-N.")
    String revision;

    @Override
    public Integer call() {
        RevisionGraph graph = root.graph();
        int position = graph.resolve(revision, () -> graph.positionOf(currentOf()));
        if (root.json()) {
            Json.print(spec.commandLine().getOut(), Json.object("revision",
                    position == RevisionGraph.BASE ? null : Json.revision(graph, graph.revisions().get(position))));
            return ExitCodes.OK;
        }
        if (position == RevisionGraph.BASE) {
            spec.commandLine().getOut().println("<base>: no revision");
            return ExitCodes.OK;
        }
        Revision shown = graph.revisions().get(position);
        spec.commandLine().getOut().print(RevisionText.block(graph, shown, null, null));
        return ExitCodes.OK;
    }

    private String currentOf() {
        return root.migrator(MigrationListener.SILENT).current();
    }
}
