package dev.retort.cli;

import dev.retort.engine.DatabaseException;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.SqlErrors;
import dev.retort.migrations.ExpectedSnapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Print the live schema as Retort's snapshot text: one line per enum, table, column, constraint, index "
                + "and policy, with its comment, stable and diffable (Retort's own version tables left out).",
        "",
        "--write regenerates the snapshots shipped for every revision (src/main/resources/dev/retort/"
                + "migrations/snapshots/NNN.txt in the project folder), which verify compares against: it creates a "
                + "scratch database on the server (the role needs CREATEDB), upgrades it one revision at a time "
                + "writing each snapshot, and drops it. The database named by --url is only used to reach the "
                + "server; nothing in it changes."})
final class SnapshotCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--write", description = "Regenerate the shipped snapshots from a scratch database.")
    boolean write;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!write) {
            String snapshot = root.migrator(MigrationListener.SILENT).liveSchema();
            if (root.json()) {
                Json.print(out, Json.object("snapshot", snapshot));
            } else {
                out.print(snapshot);
            }
            return ExitCodes.OK;
        }
        List<String> written = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        String scratch = "retort_snapshot_" + ProcessHandle.current().pid();
        Path folder = root.project().resolve(ExpectedSnapshots.SOURCE_FOLDER);
        execute("CREATE DATABASE " + scratch);
        try {
            Migrator migrator = new Migrator(root.session().dataSourceFor(scratch), root.graph(),
                    MigrationListener.SILENT, root.lockWait());
            Files.createDirectories(folder);
            for (Revision revision : root.graph().revisions()) {
                migrator.upgrade(revision.id());
                Path file = folder.resolve(ExpectedSnapshots.fileName(revision.id()));
                String snapshot = migrator.liveSchema();
                String path = root.project().relativize(file).toString();
                // A file rewritten as it was would look changed to the launcher, which would rebuild Retort.
                if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(snapshot)) {
                    unchanged.add(path);
                } else {
                    Files.writeString(file, snapshot, StandardCharsets.UTF_8);
                    written.add(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the snapshots in " + folder + ": " + e.getMessage(), e);
        } finally {
            execute("DROP DATABASE IF EXISTS " + scratch);
        }
        if (root.json()) {
            Json.print(out, Json.object("written", written, "unchanged", unchanged));
        } else if (written.isEmpty()) {
            out.println("All " + unchanged.size() + " snapshots were up to date: none was written.");
        } else {
            written.forEach(path -> out.println("Wrote " + path));
            if (!unchanged.isEmpty()) {
                out.println(unchanged.size() + (unchanged.size() == 1 ? " other was" : " others were")
                        + " up to date, and left as they were.");
            }
            out.println("Rebuild to ship them (./retort does so by itself when a file under src/main changes).");
        }
        return ExitCodes.OK;
    }

    private void execute(String sql) {
        try (Connection connection = root.session().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new DatabaseException("Could not run " + sql + ": " + SqlErrors.describe(e)
                    + (sql.startsWith("CREATE") ? ". --write needs " + SqlErrors.MAY_CREATE_DATABASES + "." : ""), e);
        }
    }
}
