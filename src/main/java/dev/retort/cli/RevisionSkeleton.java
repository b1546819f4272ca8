package dev.retort.cli;

import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The text {@code retort revision} writes, with no file system: the next id, the class name a message gives, the
 * skeleton's source, and the list in {@code Migrations.java} with one line added above the marker.
 */
final class RevisionSkeleton {

    /** The line in {@code Migrations.java} above which a new revision is added. */
    static final String MARKER = "// retort revision -m adds new revisions above this line";
    /** Where revisions live, relative to the project folder, as printed. */
    static final String FOLDER = "src/main/java/dev/retort/migrations/";
    /** The revision list, relative to the project folder, as printed. */
    static final String LIST = FOLDER + "Migrations.java";
    /** Class names stay well under file name limits; a longer message is cut at a word. */
    static final int MAX_NAME_LENGTH = 64;

    private RevisionSkeleton() {
    }

    /** The id after {@code head}, zero-padded to its width ({@code 006} → {@code 007}); empty if not a number. */
    static Optional<String> nextId(String head) {
        if (!head.matches("[0-9]+")) {
            return Optional.empty();
        }
        String next = new BigInteger(head).add(BigInteger.ONE).toString();
        return Optional.of("0".repeat(Math.max(0, head.length() - next.length())) + next);
    }

    /**
     * {@code R007} and the message's words in UpperCamelCase, ASCII letters and digits only ({@code "add orders
     * table"} → {@code R007AddOrdersTable}); accents are dropped ({@code café} → {@code Cafe}), other characters
     * separate words. Words that would make the name longer than {@link #MAX_NAME_LENGTH} are left out (a first word
     * that long is cut). Empty when no word is left.
     */
    static Optional<String> className(String id, String message) {
        String plain = Normalizer.normalize(message, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        List<String> words = Arrays.stream(plain.split("[^A-Za-z0-9]+")).filter(word -> !word.isEmpty()).toList();
        if (words.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder("R").append(id);
        for (String word : words) {
            String capitalized = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            if (name.length() + capitalized.length() > MAX_NAME_LENGTH) {
                if (name.length() == id.length() + 1) { // never just R007
                    name.append(capitalized, 0, MAX_NAME_LENGTH - name.length());
                }
                break;
            }
            name.append(capitalized);
        }
        return Optional.of(name.toString());
    }

    /** The skeleton: id, parent and message filled in, upgrade and downgrade empty but for what to write there. */
    static String source(String className, String id, String revises, String message) {
        return """
                package dev.retort.migrations;

                import dev.retort.engine.MigrationContext;
                import dev.retort.engine.Revision;

                /**
                 * Say here what this revision changes and why, as R001 to R006 do: the tables, columns, constraints and
                 * indexes it adds or alters, and what a reader of the schema should know about them.
                 */
                public final class %1$s implements Revision {

                    @Override
                    public String id() {
                        return %2$s;
                    }

                    @Override
                    public String revises() {
                        return %3$s;
                    }

                    @Override
                    public String message() {
                        return %4$s;
                    }

                    // Uncomment online() if this revision alters tables that may already hold data under live traffic.
                    // Each statement then runs in a short transaction of its own, and a crash can stop the revision
                    // between two statements, so every statement must be safe to run again: IF [NOT] EXISTS where
                    // PostgreSQL has it, CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY for indexes, NOT VALID
                    // then VALIDATE CONSTRAINT (a statement of its own) for foreign keys and checks. See R004 to R006.
                    // A revision that only creates new tables stays as it is: one transaction, all or nothing.
                    //
                    // @Override
                    // public boolean online() {
                    //     return true;
                    // }

                    @Override
                    public void upgrade(MigrationContext context) {
                        // Write the change here: SQL in a text block, one statement per execute, e.g.
                        //
                        //     context.execute(\"""
                        //             CREATE TABLE example (
                        //                 id uuid NOT NULL DEFAULT gen_random_uuid(),
                        //                 CONSTRAINT pk_example PRIMARY KEY (id)
                        //             )
                        //             \""");
                        //
                        // Names follow ix_/fk_/ck_/uq_<table>_<what>; ids are uuid, timestamps timestamptz; every table
                        // and column gets a COMMENT ON.
                    }

                    @Override
                    public void downgrade(MigrationContext context) {
                        // Undo exactly what upgrade does, last statement first, one statement per execute, e.g.
                        //
                        //     context.execute(\"""
                        //             DROP TABLE example
                        //             \""");
                        //
                        // Afterwards the schema must be what it was before upgrade (enum types included).
                    }
                }
                """.formatted(className, javaString(id), revises == null ? "null" : javaString(revises),
                javaString(message));
    }

    /**
     * A Java string literal. Doubling backslashes also keeps a backslash followed by u in the message from being read
     * as a unicode escape, which javac resolves before anything else, even inside a string.
     */
    static String javaString(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * {@code migrations} (the text of {@code Migrations.java}) with {@code new ClassName(),} inserted above the
     * marker, indented as the marker is. The entry before it gets the comma it lacks, if it lacks one.
     */
    static String withRevisionAdded(String migrations, String className) {
        String newline = migrations.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(migrations.lines().toList());
        List<Integer> markers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(MARKER)) {
                markers.add(i);
            }
        }
        if (markers.isEmpty()) {
            throw new RevisionRefusedException(LIST + " has no line '" + MARKER + "'. Add it as the last line of "
                    + "the list in all(), below the newest revision, then run revision again.");
        }
        if (markers.size() > 1) {
            throw new RevisionRefusedException(LIST + " has the line '" + MARKER + "' " + markers.size()
                    + " times. Keep only the one below the newest revision, then run revision again.");
        }
        int marker = markers.get(0);
        addMissingComma(lines, marker);
        String line = lines.get(marker);
        String indent = line.substring(0, line.indexOf(MARKER));
        lines.add(marker, indent + "new " + className + "(),");
        return lines.stream().collect(Collectors.joining(newline, "", newline));
    }

    /** {@code new R006AddCheckConstraints()} as the last entry, without its comma, would not compile after ours. */
    private static void addMissingComma(List<String> lines, int marker) {
        for (int i = marker - 1; i >= 0; i--) {
            String code = lines.get(i).stripTrailing();
            if (code.isBlank() || code.strip().startsWith("//")) {
                continue;
            }
            if (code.endsWith(")")) {
                lines.set(i, code + ",");
            }
            return;
        }
    }
}
