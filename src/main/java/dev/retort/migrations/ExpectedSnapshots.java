package dev.retort.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The catalog snapshot each shipped revision must leave, as text in resources ({@code snapshots/006.txt}).
 * {@code ./retort snapshot --write} makes them by migrating a scratch database revision by revision; they are
 * never edited by hand, and a test proves each revision's live catalog equals its file.
 */
public final class ExpectedSnapshots {

    /** Where the files live, relative to the project folder, so that --write can replace them. */
    public static final Path SOURCE_FOLDER = Path.of("src", "main", "resources", "dev", "retort", "migrations",
            "snapshots");

    private ExpectedSnapshots() {
    }

    /** The snapshot expected at {@code revision} ({@code null}: base, an empty schema), if one is shipped. */
    public static Optional<String> at(String revision) {
        if (revision == null) {
            return Optional.of("");
        }
        try (InputStream in = ExpectedSnapshots.class.getResourceAsStream("snapshots/" + fileName(revision))) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the snapshot of revision " + revision, e);
        }
    }

    public static String fileName(String revision) {
        return revision + ".txt";
    }
}
