package dev.retort.cli;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.migrations.Migrations;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code retort revision -m}: what it writes in a project folder, that the result compiles with the real migrations
 * and runs, and that bad input writes nothing.
 */
class RevisionCommandTest {

    /** The real project's sources; tests run with the project folder as working directory. */
    private static final Path SOURCES = Path.of(RevisionSkeleton.FOLDER);
    private static final Path REAL_LIST = Path.of(RevisionSkeleton.LIST);
    /** The project's head, where revision -m counts on from: 006 as shipped, a project's own revision after that. */
    private static final String HEAD = ProjectHead.id();
    private static final Revision HEAD_REVISION = new RevisionGraph(Migrations.all()).head();
    private static final String HEAD_CLASS = HEAD_REVISION.getClass().getSimpleName();
    private static final String HEAD_PARENT = HEAD_REVISION.revises();
    private static final String HEAD_MESSAGE = HEAD_REVISION.message();
    /** The id revision -m writes next: 007 as shipped. */
    private static final String NEXT = ProjectHead.nextId();
    private static final String ORDERS = "R" + NEXT + "AddOrdersTable";

    @TempDir
    Path home;

    @TempDir
    Path classes;

    private Path list;

    @BeforeEach
    void projectWithTheRealRevisionList() throws IOException {
        list = home.resolve(RevisionSkeleton.LIST);
        Files.createDirectories(list.getParent());
        Files.copy(REAL_LIST, list);
    }

    private Cli.Result revision(String message) {
        return Cli.shipped(home).run("revision", "-m", message);
    }

    @Test
    void theProjectsOwnRevisionListHasTheMarkerOnce() throws IOException {
        String text = Files.readString(REAL_LIST);

        assertThat(text.lines().filter(line -> line.strip().equals(RevisionSkeleton.MARKER))).hasSize(1);
        assertThat(RevisionSkeleton.withRevisionAdded(text, ORDERS))
                .contains("new " + HEAD_CLASS + "(),\n" + " ".repeat(16) + "new " + ORDERS + "(),\n"
                        + " ".repeat(16) + RevisionSkeleton.MARKER + "\n");
    }

    @Test
    void underJsonItSaysWhatItWroteAsOneDocument() throws IOException {
        Cli.Result result = Cli.shipped(home).run("--json", "revision", "-m", "add orders table");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out()).toString()).isEqualTo(
                "{\"written\":\"src/main/java/dev/retort/migrations/" + ORDERS + ".java\",\"id\":\"" + NEXT + "\","
                        + "\"revises\":\"" + HEAD + "\",\"message\":\"add orders table\",\"class\":\"" + ORDERS
                        + "\"}");
    }

    @Test
    void writesTheSkeletonAndAddsItAboveTheMarker() throws IOException {
        String before = Files.readString(list);

        Cli.Result result = revision("add orders table");

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).isEqualTo("""
                Wrote src/main/java/dev/retort/migrations/%s.java (%s, revises %s) and added it \
                to Migrations.java.
                Fill in its upgrade and downgrade, then run ./retort upgrade head; ./retort snapshot --write records \
                its expected schema for verify.
                """.formatted(ORDERS, NEXT, HEAD));
        assertThat(home.resolve(".retort")).as("no embedded PostgreSQL").doesNotExist();
        assertThat(Files.readString(list)).isEqualTo(before.replace("                " + RevisionSkeleton.MARKER,
                "                new " + ORDERS + "(),\n                " + RevisionSkeleton.MARKER));
        String source = Files.readString(home.resolve(RevisionSkeleton.FOLDER + ORDERS + ".java"));
        assertThat(source).startsWith("package dev.retort.migrations;\n\nimport dev.retort.engine.MigrationContext;\n"
                        + "import dev.retort.engine.Revision;\n\n/**\n")
                .contains("public final class " + ORDERS + " implements Revision {")
                .contains("public String id() {\n        return \"" + NEXT + "\";\n    }")
                .contains("public String revises() {\n        return \"" + HEAD + "\";\n    }")
                .contains("public String message() {\n        return \"add orders table\";\n    }")
                .contains("    // @Override\n    // public boolean online() {\n    //     return true;\n    // }\n")
                .contains("IF [NOT] EXISTS", "CONCURRENTLY", "NOT VALID", "VALIDATE CONSTRAINT", "R004 to R006")
                .contains("one statement per execute", "Undo exactly what upgrade does");
        assertThat(codeOf(source, "upgrade")).as("upgrade executes nothing").isEmpty();
        assertThat(codeOf(source, "downgrade")).as("downgrade executes nothing").isEmpty();
    }

    /** The lines of a method's body that are not comments. */
    private static List<String> codeOf(String source, String method) {
        String body = source.substring(source.indexOf("public void " + method + "(MigrationContext context) {"));
        body = body.substring(body.indexOf('\n') + 1, body.indexOf("\n    }\n"));
        return body.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("//")).toList();
    }

    @Test
    void theWrittenRevisionCompilesWithTheRealOnesAndUpgradeHeadAppliesIt() throws Exception {
        revision("add orders table");
        List<Revision> revisions = compileAndLoad();
        Cli cli = Cli.shipped(home).withRevisions(revisions);
        TestDatabase database = TestPostgres.newDatabase("revision_command");

        RevisionGraph graph = new RevisionGraph(revisions);
        assertThat(graph.head().id()).isEqualTo(NEXT);
        assertThat(graph.head().revises()).isEqualTo(HEAD);
        assertThat(graph.head().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(graph.revisions()).extracting(Revision::id)
                .containsExactlyElementsOf(Stream.concat(ProjectHead.ids().stream(), Stream.of(NEXT)).toList());
        assertThat(cli.run("heads").out()).isEqualTo(NEXT + " (head)\n");
        assertThat(cli.run("history", "-r", HEAD + ":").out()).isEqualTo(HEAD + " -> " + NEXT
                + " (head), add orders table\n" + HEAD_PARENT + " -> " + HEAD + ", " + HEAD_MESSAGE + "\n");

        Cli.Result upgrade = cli.runOn(database.postgresUrl(), "upgrade", "head");

        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        int steps = ProjectHead.count() + 1;
        assertThat(upgrade.outLines().get(steps)).matches("Running upgrade " + HEAD + " -> " + NEXT
                + ", add orders table \\.\\.\\. \\d+ ms");
        assertThat(upgrade.outLines().get(steps + 1)).matches("Done: " + steps + " revisions in .+; the database is at "
                + NEXT + " \\(head\\)\\.");
        assertThat(cli.runOn(database.postgresUrl(), "current").out()).isEqualTo(NEXT + " (head)\n");
        assertThat(cli.runOn(database.postgresUrl(), "snapshot").out()).as("an empty revision changes nothing")
                .isEqualTo(ExpectedSnapshots.at(HEAD).orElseThrow());
        assertThat(cli.runOn(database.postgresUrl(), "downgrade", "-1").exitCode()).isZero();
        assertThat(cli.runOn(database.postgresUrl(), "current").out()).isEqualTo(HEAD + "\n");
    }

    @Test
    void theNextRevisionRevisesTheOneJustWrittenOnceItIsBuilt() throws Exception {
        revision("add orders table");
        List<Revision> built = compileAndLoad();

        Cli.Result result = Cli.shipped(home).withRevisions(built)
                .run("--url", "postgresql://nobody@localhost:1/none", "revision", "-m", "add invoices table");

        String afterNext = String.format("%03d", Integer.parseInt(NEXT) + 1);
        assertThat(result.out()).startsWith("Wrote src/main/java/dev/retort/migrations/R" + afterNext
                + "AddInvoicesTable.java (" + afterNext + ", revises " + NEXT + ") and added it to Migrations.java.\n");
        assertThat(Files.readString(list)).contains("""
                                new %s(),
                                new %s(),
                                new R%sAddInvoicesTable(),
                """.formatted(HEAD_CLASS, ORDERS, afterNext));
    }

    @Test
    void aMessageIsWrittenAsAJavaStringWhateverItHolds() throws Exception {
        String message = "rename \"legacy\" C:\\temp\\u0041 columns, 100% café";

        Cli.Result result = revision(message);
        Revision revision = compileAndLoad().get(ProjectHead.count());

        assertThat(result.out()).startsWith("Wrote src/main/java/dev/retort/migrations/"
                + "R" + NEXT + "RenameLegacyCTempU0041Columns100Cafe.java (" + NEXT + ", revises " + HEAD + ")");
        assertThat(revision.message()).isEqualTo(message);
    }

    // Bad input: exit 2, one line, nothing written.

    private Map<Path, String> filesUnder(Path folder) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile)
                    .filter(path -> !path.equals(folder.resolve(RevisionCommand.ProjectLock.FILE))).toList()) {
                files.put(folder.relativize(path), Files.readString(path));
            }
        }
        return files;
    }

    private void assertRefusedWritingNothing(Cli cli, String message, String error) throws IOException {
        Map<Path, String> before = filesUnder(home);

        Cli.Result result = cli.run("revision", "-m", message);

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: " + error + "\n");
        assertThat(result.out()).isEmpty();
        assertThat(filesUnder(home)).isEqualTo(before);
    }

    @Test
    void anEmptyOrBlankMessageIsRefused() throws IOException {
        String error = "The message is empty. Say what the revision does, e.g. -m \"add orders table\".";
        assertRefusedWritingNothing(Cli.shipped(home), "", error);
        assertRefusedWritingNothing(Cli.shipped(home), " \t ", error);
    }

    @Test
    void aMessageWithoutLatinLettersOrDigitsOrOnSeveralLinesIsRefused() throws IOException {
        for (String message : List.of("-- ?!", "日本語のテーブル", "προσθήκη πίνακα")) {
            assertRefusedWritingNothing(Cli.shipped(home), message, "The message '" + message + "' has no Latin "
                    + "letter or digit (A-Z, a-z, 0-9; accents are dropped), and the revision's class is named from "
                    + "those (" + ORDERS + " from \"add orders table\"). Add a few Latin words that say what the "
                    + "revision does, e.g. -m \"add orders table\"; the rest of the message is kept as written.");
        }
        assertRefusedWritingNothing(Cli.shipped(home), "add orders\ntable", "The message must be one line of text, "
                + "without line breaks or tabs; say the rest in the revision's Javadoc.");
    }

    @Test
    void aMissingMessageIsAUsageError() {
        Cli.Result result = Cli.shipped(home).run("revision");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo(
                "retort: error: Missing required option: '--message=MESSAGE'. See 'retort revision --help'.\n");
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws IOException {
        Files.writeString(home.resolve(RevisionSkeleton.FOLDER + ORDERS + ".java"), "// someone's work\n");

        assertRefusedWritingNothing(Cli.shipped(home), "add orders table", "src/main/java/dev/retort/migrations/"
                + ORDERS + ".java already exists, and this Retort does not know revision " + NEXT + ": add it to the "
                + "list in Migrations.java, or remove the file, then run revision again. Nothing was written.");
    }

    @Test
    void aRevisionWrittenButNotYetBuiltIsNotWrittenTwice() throws IOException {
        revision("add orders table");

        assertRefusedWritingNothing(Cli.shipped(home), "add invoices table", "src/main/java/dev/retort/migrations/"
                + ORDERS + ".java already exists, and this Retort does not know revision " + NEXT + ": it was built "
                + "before that file was written. Rebuild (./retort rebuilds by itself when src/main changes), then "
                + "run revision again. Nothing was written.");
    }

    @Test
    void aRevisionRunWhileAnotherIsWritingIsRefusedWritingNothing() throws IOException {
        try (RevisionCommand.ProjectLock ignored = RevisionCommand.ProjectLock.take(home)) {
            assertRefusedWritingNothing(Cli.shipped(home), "add orders table", "Another retort revision is writing "
                    + "into this project right now (it holds target/.revision-lock). Run revision again once it is "
                    + "done, after the rebuild, so that this revision comes after that one. Nothing was written.");
        }

        assertThat(revision("add orders table").exitCode()).as("once the other is done").isEqualTo(ExitCodes.OK);
    }

    /**
     * Two runs at once (two terminals, an IDE and a terminal) both read the list and the same head: without a lock both
     * took id 007, and the list the last one moved into place named its own class while the other said it had added
     * its own, or said "Nothing was written" when its line was the one left in the list.
     */
    @Test
    void twoRunsAtOnceLeaveOneRevisionListedAndItsFileWritten() throws Exception {
        for (int round = 0; round < 20; round++) {
            Files.copy(REAL_LIST, list, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (Stream<Path> written = Files.list(home.resolve(RevisionSkeleton.FOLDER))) {
                for (Path path : written.filter(path -> path.getFileName().toString().startsWith("R" + NEXT))
                        .toList()) {
                    Files.delete(path);
                }
            }
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<Cli.Result>> runs = new ArrayList<>();
                for (String message : List.of("add alpha table", "add beta table")) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return revision(message);
                    }));
                }
                List<Cli.Result> results = new ArrayList<>();
                for (java.util.concurrent.Future<Cli.Result> run : runs) {
                    results.add(run.get());
                }

                assertThat(results).extracting(Cli.Result::exitCode).as("round %d: %s", round, results)
                        .containsExactlyInAnyOrder(ExitCodes.OK, ExitCodes.USAGE);
                String written = results.stream().filter(result -> result.exitCode() == ExitCodes.OK).findFirst()
                        .orElseThrow().out();
                String alpha = "R" + NEXT + "AddAlphaTable";
                String beta = "R" + NEXT + "AddBetaTable";
                String className = written.contains("AlphaTable") ? alpha : beta;
                String other = className.equals(alpha) ? beta : alpha;
                assertThat(Files.readString(list)).as("round %d", round).contains("new " + className + "(),")
                        .doesNotContain(other);
                assertThat(home.resolve(RevisionSkeleton.FOLDER + className + ".java")).exists();
                assertThat(home.resolve(RevisionSkeleton.FOLDER + other + ".java")).doesNotExist();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRevisionListWithoutTheMarkerOrWithItTwiceIsRefused() throws IOException {
        String real = Files.readString(list);
        Files.writeString(list, real.replace("                " + RevisionSkeleton.MARKER + "\n", ""));
        assertRefusedWritingNothing(Cli.shipped(home), "add orders table", "src/main/java/dev/retort/migrations/"
                + "Migrations.java has no line '// retort revision -m adds new revisions above this line'. Add it as "
                + "the last line of the list in all(), below the newest revision, then run revision again.");

        Files.writeString(list, real.replace(RevisionSkeleton.MARKER, RevisionSkeleton.MARKER + "\n"
                + RevisionSkeleton.MARKER));
        assertRefusedWritingNothing(Cli.shipped(home), "add orders table", "src/main/java/dev/retort/migrations/"
                + "Migrations.java has the line '// retort revision -m adds new revisions above this line' 2 times. "
                + "Keep only the one below the newest revision, then run revision again.");
    }

    @Test
    void aFolderThatIsNotTheProjectIsRefused() throws IOException {
        Files.delete(list);

        assertRefusedWritingNothing(Cli.shipped(home), "add orders table", "There is no src/main/java/dev/retort/"
                + "migrations/Migrations.java in " + home + ": revision writes into Retort's source tree, so run the "
                + "retort script of a checkout of the project. Nothing was written.");
    }

    /** RETORT_HOME moves only the embedded database's data: the revision still goes into the project's sources. */
    @Test
    void withItsHomeElsewhereItStillWritesIntoTheProject(@TempDir Path elsewhere) throws IOException {
        Cli.Result result = Cli.shipped(home).withHome(elsewhere).run("revision", "-m", "add orders table");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(home.resolve(RevisionSkeleton.FOLDER + ORDERS + ".java")).exists();
        assertThat(Files.readString(list)).contains("new " + ORDERS + "(),");
        assertThat(filesUnder(elsewhere)).as("nothing in the home").isEmpty();
    }

    @Test
    void aHeadWhoseIdIsNotANumberIsRefused() throws IOException {
        Revision alembicStyle = new Revision() {
            public String id() { return "ae1027a6acf"; }
            public String revises() { return null; }
            public String message() { return "from alembic"; }
            public void upgrade(MigrationContext context) { }
            public void downgrade(MigrationContext context) { }
        };

        assertRefusedWritingNothing(Cli.shipped(home).withRevisions(List.of(alembicStyle)), "add orders table",
                "The head revision's id 'ae1027a6acf' is not a number, so revision cannot count on from it. Write the "
                        + "next revision by hand, as " + alembicStyle.path() + " is written, revising ae1027a6acf.");
    }

    // The pieces, without files.

    @Test
    void theNextIdCountsOnAtTheSameWidth() {
        assertThat(RevisionSkeleton.nextId("006")).hasValue("007");
        assertThat(RevisionSkeleton.nextId("009")).hasValue("010");
        assertThat(RevisionSkeleton.nextId("099")).hasValue("100");
        assertThat(RevisionSkeleton.nextId("999")).hasValue("1000");
        assertThat(RevisionSkeleton.nextId("7")).hasValue("8");
        assertThat(RevisionSkeleton.nextId("0041")).hasValue("0042");
        assertThat(RevisionSkeleton.nextId("ae10")).isEmpty();
        assertThat(RevisionSkeleton.nextId("12a")).isEmpty();
    }

    @Test
    void theClassNameIsTheIdAndTheMessageInUpperCamelCase() {
        assertThat(RevisionSkeleton.className("007", "add orders table")).hasValue("R007AddOrdersTable");
        assertThat(RevisionSkeleton.className("007", "  Add user_id index to HTTP logs! ")).hasValue(
                "R007AddUserIdIndexToHTTPLogs");
        assertThat(RevisionSkeleton.className("010", "2fa for café owners")).hasValue("R0102faForCafeOwners");
        assertThat(RevisionSkeleton.className("007", "-- ?!")).isEmpty();
        assertThat(RevisionSkeleton.className("007", "日本語")).isEmpty();
        assertThat(RevisionSkeleton.className("007", "add a column to each of the tables that the billing service "
                + "reads every night")).hasValue("R007AddAColumnToEachOfTheTablesThatTheBillingServiceReadsEvery");
        assertThat(RevisionSkeleton.className("007", "x".repeat(100))).hasValue("R007" + "X" + "x".repeat(59));
    }

    @Test
    void anEntryWithoutItsCommaGetsOneAndWindowsLineEndsStay() {
        String oldStyle = "return List.of(\r\n        new R006AddCheckConstraints()\r\n        "
                + RevisionSkeleton.MARKER + "\r\n);\r\n";

        assertThat(RevisionSkeleton.withRevisionAdded(oldStyle, "R007AddOrdersTable")).isEqualTo(
                "return List.of(\r\n        new R006AddCheckConstraints(),\r\n        new R007AddOrdersTable(),\r\n"
                        + "        " + RevisionSkeleton.MARKER + "\r\n);\r\n");
    }

    /**
     * Compiles the home's Migrations.java and new revisions with the project's other migrations sources, against the
     * engine in target/classes, and returns {@code Migrations.all()} as loaded from the result: the migrations
     * package from the fresh classes, everything else (the engine) from the test's own class path.
     */
    private List<Revision> compileAndLoad() throws IOException, ReflectiveOperationException, URISyntaxException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> real = Files.list(SOURCES); Stream<Path> written = Files.list(list.getParent())) {
            real.filter(path -> path.toString().endsWith(".java") && !path.getFileName().equals(list.getFileName()))
                    .forEach(sources::add);
            written.filter(path -> path.toString().endsWith(".java")).forEach(sources::add);
        }
        Path engine = Path.of(Revision.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null,
                StandardCharsets.UTF_8)) {
            boolean compiled = compiler.getTask(null, files, diagnostics, List.of("-d", classes.toString(),
                    "-classpath", engine.toString(), "--release", "17", "-proc:none", "-Xlint:all", "-Werror"),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(compiled).as("javac: %s", diagnostics.getDiagnostics()).isTrue();
        }
        ClassLoader loader = new MigrationsFirst(classes, getClass().getClassLoader());
        @SuppressWarnings("unchecked")
        List<Revision> revisions = (List<Revision>) loader.loadClass("dev.retort.migrations.Migrations")
                .getMethod("all").invoke(null);
        return revisions;
    }

    /** Loads {@code dev.retort.migrations} from the fresh classes, though the test's class path has it too. */
    private static final class MigrationsFirst extends URLClassLoader {

        MigrationsFirst(Path classes, ClassLoader parent) throws IOException {
            super(new URL[] {classes.toUri().toURL()}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.retort.migrations.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
