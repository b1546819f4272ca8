package dev.retort.cli;

import dev.retort.engine.AppliedRevision;
import dev.retort.engine.DatabaseStatus;
import dev.retort.engine.EditedRevision;
import dev.retort.engine.InvalidTargetException;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.UnfinishedStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "List the revisions, newest first: \"005 -> 006 (head), add check constraints\".",
        "Reads the database only for -v, -i, or a range that names current."})
final class HistoryCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"},
            description = "Show each revision's parent, source, message, when and by whom it was applied, and a "
                    + "step left half done.")
    boolean verbose;

    @Option(names = {"-i", "--indicate-current"}, description = "Mark the revision the database is at with (current).")
    boolean indicateCurrent;

    @Option(names = {"-r", "--rev-range"}, paramLabel = "FROM:TO",
            description = "Only revisions from FROM to TO, both included; either may be left out, "
                    + "e.g. 002:004, 003:, :current. As in Alembic, -N as FROM counts back from TO (-3:current; "
                    + "-3: is the newest four) and +N as TO counts on from FROM (003:+2). Default: every revision.")
    String range;

    @Override
    public Integer call() {
        RevisionGraph graph = root.graph();
        String[] bounds = splitRange();
        // -N and +N count from the range's other end, as in Alembic, so only current needs the database.
        boolean needsDatabase = verbose || indicateCurrent
                || RevisionGraph.namesCurrent(bounds[0]) || RevisionGraph.namesCurrent(bounds[1]);
        Migrator migrator = needsDatabase ? root.migrator(MigrationListener.SILENT) : null;
        // --verbose needs the history too: status() reads both on one connection.
        DatabaseStatus status = verbose ? migrator.status() : null;
        String current = status != null ? status.current() : migrator == null ? null : migrator.current();
        int currentPosition = graph.positionOf(current);
        RevisionGraph.Range resolved = graph.resolveRange(bounds[0], bounds[1], () -> currentPosition);
        int from = resolved.from();
        int highest = resolved.to();
        int lowest = Math.max(0, from);
        if (from > highest) {
            throw new InvalidTargetException("Range '" + range + "' is empty: " + bounds[0] + " comes after "
                    + bounds[1] + ". Write it oldest first: " + bounds[1] + ":" + bounds[0] + ".");
        }
        Map<String, AppliedRevision> applied = verbose ? status.applied() : Map.of();
        // A step left half done is marked on its revision: history -v is where an operator looks for what happened.
        UnfinishedStep unfinished = verbose ? status.unfinished() : null;
        Set<String> edited = verbose ? status.edited().stream().map(EditedRevision::revision)
                .collect(Collectors.toSet()) : Set.of();
        PrintWriter out = spec.commandLine().getOut();
        List<Object> listed = new ArrayList<>();
        for (Revision revision : graph.newestFirst()) {
            int position = graph.positionOf(revision.id());
            if (position < lowest || position > highest) {
                continue;
            }
            if (root.json()) {
                Map<String, Object> entry = Json.revision(graph, revision);
                entry.put("current", indicateCurrent ? (Object) revision.id().equals(current) : null);
                entry.put("applied", verbose ? Json.applied(position <= currentPosition
                        ? applied.get(revision.id()) : null) : null);
                // "applied" is null both for a revision not applied and for one applied without a record (stamped).
                entry.put("is_applied", verbose ? (Object) (position <= currentPosition) : null);
                entry.put("edited", verbose ? (Object) edited.contains(revision.id()) : null);
                entry.put("unfinished_step", unfinished != null && unfinished.isOf(revision.id())
                        ? Json.unfinished(unfinished) : null);
                listed.add(entry);
                continue;
            }
            out.print(verbose
                    ? RevisionText.block(graph, revision, indicateCurrent ? current : null,
                            RevisionText.applied(applied.get(revision.id()), position <= currentPosition)
                                    + (edited.contains(revision.id()) ? "; its SQL has changed since" : ""),
                            unfinished) + "\n"
                    : RevisionText.line(graph, revision, indicateCurrent ? current : null) + "\n");
        }
        if (root.json()) {
            Json.print(out, Json.object("revisions", listed));
        }
        return ExitCodes.OK;
    }

    private String[] splitRange() {
        if (range == null) {
            return new String[] {"base", "head"};
        }
        int colon = range.indexOf(':');
        if (colon < 0 || colon != range.lastIndexOf(':')) {
            throw new InvalidTargetException("Range '" + range + "' needs exactly one colon: FROM:TO, e.g. 002:004, "
                    + "003: or :current.");
        }
        String from = range.substring(0, colon).strip();
        String to = range.substring(colon + 1).strip();
        return new String[] {from.isEmpty() ? "base" : from, to.isEmpty() ? "head" : to};
    }
}
