package dev.retort.cli;

import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Runs the CLI in-process through picocli's {@code execute}, capturing what it prints. */
final class Cli {

    private final Supplier<List<Revision>> revisions;
    private final Map<String, String> environment;
    private final Folders folders;

    private Cli(Supplier<List<Revision>> revisions, Map<String, String> environment, Folders folders) {
        this.revisions = revisions;
        this.environment = environment;
        this.folders = folders;
    }

    /**
     * The shipped revisions, no DATABASE_URL, {@code home} as both the project (for revision and snapshot --write) and
     * the folder of the embedded database (if one is used), as {@code ./retort} without RETORT_HOME.
     */
    static Cli shipped(Path home) {
        return new Cli(Migrations::all, Map.of(), Folders.of(home));
    }

    Cli withRevisions(List<Revision> list) {
        return new Cli(() -> list, environment, folders);
    }

    Cli withEnvironment(Map<String, String> variables) {
        return new Cli(revisions, variables, folders);
    }

    /** The embedded database's data under {@code home} instead of the project, as with RETORT_HOME=home. */
    Cli withHome(Path home) {
        return new Cli(revisions, environment, new Folders(folders.project(), home));
    }

    /** Runs with {@code --url url} before the arguments, as a user pointing Retort at a server types it. */
    Result runOn(String url, String... args) {
        String[] withUrl = new String[args.length + 2];
        withUrl[0] = "--url";
        withUrl[1] = url;
        System.arraycopy(args, 0, withUrl, 2, args.length);
        return run(withUrl);
    }

    Result run(String... args) {
        return runWith(EarlyConnection.NONE, args);
    }

    /** Runs as {@code retort} itself does when it opened {@code early} connections for the command line. */
    Result runWith(EarlyConnection early, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(revisions, environment, folders, args, early);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = Main.execute(commandLine, args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    record Result(int exitCode, String out, String err) {

        List<String> outLines() {
            return out.lines().toList();
        }
    }
}
