package dev.retort.cli;

import dev.retort.engine.Revision;
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
import java.nio.file.StandardCopyOption;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "revision", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Write the next revision's skeleton and add it to the revision list.",
        "",
        "With the head at 006, -m \"add orders table\" writes " + RevisionSkeleton.FOLDER + "R007AddOrdersTable.java"
                + ": id 007, revises 006, that message, and an empty upgrade and downgrade saying what to write "
                + "there. It is added above the marker line in Migrations.java.",
        "",
        "Then fill in upgrade and downgrade and run ./retort upgrade head (the script rebuilds Retort first); "
                + "./retort snapshot --write records the schema the new revision makes, for verify.",
        "Needs no database. Writes into the project folder, beside the retort script."})
final class RevisionCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--message"}, required = true, paramLabel = "MESSAGE",
            description = "What the revision does, in one line, e.g. \"add orders table\"; its words in Latin "
                    + "letters and digits also name the class (R007AddOrdersTable).")
    String message;

    @Override
    public Integer call() {
        String text = checkedMessage();
        Revision head = root.graph().head();
        String id = RevisionSkeleton.nextId(head.id()).orElseThrow(() -> new RevisionRefusedException(
                "The head revision's id '" + head.id() + "' is not a number, so revision cannot count on from it. "
                        + "Write the next revision by hand, as " + head.path() + " is written, revising "
                        + head.id() + "."));
        // The class name takes ASCII letters and digits only (RevisionSkeleton.className): the message says "Latin",
        // since Japanese or Greek are letters too, and that the message itself may keep them.
        String className = RevisionSkeleton.className(id, text).orElseThrow(() -> new RevisionRefusedException(
                "The message '" + text + "' has no Latin letter or digit (A-Z, a-z, 0-9; accents are dropped), and "
                        + "the revision's class is named from those (R" + id + "AddOrdersTable from \"add orders "
                        + "table\"). Add a few Latin words that say what the revision does, e.g. -m \"add orders "
                        + "table\"; the rest of the message is kept as written."));
        Path folder = root.project().resolve(RevisionSkeleton.FOLDER);
        Path list = root.project().resolve(RevisionSkeleton.LIST);
        Path file = folder.resolve(className + ".java");
        if (!Files.isRegularFile(list)) {
            throw new RevisionRefusedException("There is no " + RevisionSkeleton.LIST + " in " + root.project()
                    + ": revision writes into Retort's source tree, so run the retort script of a checkout of the "
                    + "project. Nothing was written.");
        }
        // Another revision run in this project between our read of the list and our write would make both take the
        // same id, and the last list written would drop the other's line: the lock is held from read to write.
        try (ProjectLock ignored = ProjectLock.take(root.project())) {
            String listText = read(list);
            refuseIfWritten(folder, id, listText);
            String updatedList = RevisionSkeleton.withRevisionAdded(listText, className);
            write(file, RevisionSkeleton.source(className, id, head.id(), text), list, updatedList);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            Json.print(out, Json.object("written", RevisionSkeleton.FOLDER + className + ".java", "id", id,
                    "revises", head.id(), "message", text, "class", className));
            return ExitCodes.OK;
        }
        out.println("Wrote " + RevisionSkeleton.FOLDER + className + ".java (" + id + ", revises " + head.id()
                + ") and added it to Migrations.java.");
        out.println("Fill in its upgrade and downgrade, then run ./retort upgrade head; ./retort snapshot --write "
                + "records its expected schema for verify.");
        return ExitCodes.OK;
    }

    /** The message, stripped; refused when blank or not one line, since {@code history} prints it as one. */
    private String checkedMessage() {
        String text = message.strip();
        if (text.isEmpty()) {
            throw new RevisionRefusedException("The message is empty. Say what the revision does, e.g. "
                    + "-m \"add orders table\".");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new RevisionRefusedException("The message must be one line of text, without line breaks or tabs; "
                    + "say the rest in the revision's Javadoc.");
        }
        return text;
    }

    /**
     * A revision with the new id already in the folder means this Retort was built before it was written, or it was
     * left out of Migrations.java: writing another would give two revisions the same id, both revising the head.
     */
    private static void refuseIfWritten(Path folder, String id, String listText) {
        String prefix = "R" + id;
        List<String> written;
        try (Stream<Path> files = Files.list(folder)) {
            written = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(prefix) && name.endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + folder + ": " + e.getMessage(), e);
        }
        if (written.isEmpty()) {
            return;
        }
        String name = written.get(0);
        boolean listed = listText.contains("new " + name.substring(0, name.length() - ".java".length()) + "(");
        throw new RevisionRefusedException(RevisionSkeleton.FOLDER + name + " already exists, and this Retort "
                + "does not know revision " + id + (listed
                ? ": it was built before that file was written. Rebuild (./retort rebuilds by itself when src/main "
                        + "changes), then run revision again."
                : ": add it to the list in Migrations.java, or remove the file, then run revision again.")
                + " Nothing was written.");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the new revision, then replaces the list through a temporary file moved into place; if the list cannot
     * be written, the new revision is removed again, so either both change or neither does.
     */
    private static void write(Path file, String source, Path list, String updatedList) {
        try {
            Files.writeString(file, source, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
        }
        Path temporary = list.resolveSibling(list.getFileName() + ".retort-tmp");
        try {
            Files.writeString(temporary, updatedList, StandardCharsets.UTF_8);
            Files.move(temporary, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temporary);
            deleteQuietly(file);
            throw new UncheckedIOException("Could not write " + list + ": " + e.getMessage() + ". Nothing was "
                    + "written.", e);
        }
    }

    /**
     * An exclusive lock on {@code target/.revision-lock} in the project (git-ignored, beside the launcher's build
     * lock): the operating system lets it go when the process ends, however it ends, so none is ever left behind.
     */
    static final class ProjectLock implements AutoCloseable {

        static final String FILE = "target/.revision-lock";

        private final FileChannel channel;
        private final FileLock lock;

        private ProjectLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static ProjectLock take(Path project) {
            Path file = project.resolve(FILE);
            FileChannel channel;
            try {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open " + file + ": " + e.getMessage(), e);
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another thread of this JVM
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("Could not lock " + file + ": " + e.getMessage(), e);
            }
            if (lock == null) {
                closeQuietly(channel);
                throw new RevisionRefusedException("Another retort revision is writing into this project right now "
                        + "(it holds " + FILE + "). Run revision again once it is done, after the rebuild, so that "
                        + "this revision comes after that one. Nothing was written.");
            }
            return new ProjectLock(channel, lock);
        }

        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // Closing the channel releases it too.
            }
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing left to do with it.
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // The error that made us clean up is the one to report.
        }
    }
}
