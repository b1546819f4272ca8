package dev.retort.cli;

import dev.retort.engine.DatabaseStatus;
import dev.retort.engine.EditedRevision;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.UnfinishedStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "current", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Show the revision the database is at, e.g. \"006 (head)\".",
        "Prints \"<base>\" when no revision is applied. Warns on stderr of applied revisions whose SQL has "
                + "changed since they ran, and of an online step that stopped partway (a crash, Ctrl-C): run the "
                + "same upgrade or downgrade again to finish it."})
final class CurrentCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"},
            description = "Also show its parent, source, message, and when and by whom it was applied.")
    boolean verbose;

    @Option(names = {"-c", "--check-heads"},
            description = "Exit 6 unless the database is at the head with no step left half done, saying where it is "
                    + "and what gets it there (under --json, as the error document): a pipeline's check that the "
                    + "migration ran, as Alembic's current --check-heads.")
    boolean checkHeads;

    @Override
    public Integer call() {
        Migrator migrator = root.migrator(MigrationListener.SILENT);
        RevisionGraph graph = migrator.graph();
        DatabaseStatus status = migrator.status();
        String current = status.current();
        List<EditedRevision> edited = status.edited();
        PrintWriter out = spec.commandLine().getOut();
        String notAtHead = checkHeads ? notAtHead(graph, current, status.unfinished()) : null;
        if (root.json()) {
            if (notAtHead != null) {
                throw new NotAtHeadException(notAtHead);
            }
            Json.print(out, Json.object("revision", current, "head", current != null && graph.isHead(current),
                    "label", graph.labelWithHead(current),
                    "applied", current == null ? null : Json.applied(status.applied().get(current)),
                    "edited_revisions", edited.stream().map(Json::edited).toList(),
                    "unfinished_step", Json.unfinished(status.unfinished()), "elsewhere", status.elsewhere()));
            return ExitCodes.OK;
        }
        RevisionText.warnings(edited, status.unfinished()).forEach(spec.commandLine().getErr()::println);
        if (status.elsewhere() != null) {
            spec.commandLine().getErr().println("retort: warning: " + status.elsewhere() + ".");
        }
        if (verbose) {
            out.println("Current revision for " + root.session().describe() + ":");
        }
        if (current == null) {
            out.println(RevisionGraph.BASE_LABEL);
        } else if (verbose) {
            out.print(RevisionText.block(graph, graph.find(current).orElseThrow(), null,
                    RevisionText.applied(status.applied().get(current), true)));
        } else {
            out.println(RevisionText.label(graph, graph.find(current).orElseThrow(), null));
        }
        if (notAtHead != null) {
            out.flush();
            throw new NotAtHeadException(notAtHead);
        }
        return ExitCodes.OK;
    }

    /** For --check-heads: why the database is not at the head, and what gets it there; null when it is. */
    private static String notAtHead(RevisionGraph graph, String current, UnfinishedStep unfinished) {
        if (current == null || !graph.isHead(current)) {
            return "Not at the head: the database is at " + graph.labelWithHead(current) + ", and the head is "
                    + graph.head().id() + ". Run retort upgrade head.";
        }
        if (unfinished != null) {
            String at = "Not at the head: the database is at " + graph.labelWithHead(current) + ", but "
                    + unfinished.describe();
            return unfinished.runningIn() != null ? at + " is under way in a run at work now. Let it end, then check "
                    + "again." : at + " was left half done there. Run retort upgrade head, which reverts it.";
        }
        return null;
    }
}
