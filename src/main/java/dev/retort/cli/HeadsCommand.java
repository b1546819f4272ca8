package dev.retort.cli;

import dev.retort.engine.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "heads", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show the head: the newest revision, where 'upgrade head' goes.", "Needs no database."})
final class HeadsCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, description = "Also show its parent, source and message.")
    boolean verbose;

    @Override
    public Integer call() {
        RevisionGraph graph = root.graph();
        if (root.json()) {
            Json.print(spec.commandLine().getOut(), Json.object("heads", List.of(Json.revision(graph, graph.head()))));
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().print(verbose
                ? RevisionText.block(graph, graph.head(), null, null)
                : RevisionText.label(graph, graph.head(), null) + "\n");
        return ExitCodes.OK;
    }
}
