package dev.retort.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Parts of this checkout copied elsewhere, for the tests that run the launcher on a project of their own. */
final class ProjectCopy {

    private ProjectCopy() {
    }

    /**
     * Copies each of {@code paths} (files or folders, relative to the checkout) under {@code project}, with their
     * times kept: the launcher decides from them whether the jar is stale.
     */
    static void copy(Path project, String... paths) throws IOException {
        for (String path : paths) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(Path.of(path))) {
                files = walk.toList();
            }
            for (Path file : files) {
                Path to = project.resolve(file.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            // A folder's time changes as files are copied into it, and the launcher's staleness check sees folders.
            for (Path file : files) {
                if (Files.isDirectory(file)) {
                    Files.setLastModifiedTime(project.resolve(file.toString()), Files.getLastModifiedTime(file));
                }
            }
        }
    }
}
