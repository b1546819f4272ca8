package dev.retort.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./retort} in a copy of the project whose sources do not compile: it prints Maven's output as plain text, for
 * a log or a terminal alike, and says the build failed. Costs one failing Maven compile of the copy (some 5 to 10 s).
 */
class BrokenBuildLauncherIT {

    @TempDir
    Path project;

    /** The sources, pom.xml and the script, without target/: the launcher must build. */
    private void copyProject() throws IOException {
        ProjectCopy.copy(project, "src/main", "pom.xml", "retort");
    }

    @Test
    void mavensOutputIsPrintedWithoutEscapeCodes() throws Exception {
        copyProject();
        Files.writeString(project.resolve("src/main/java/dev/retort/Broken.java"), "class Broken { oops }\n");
        ProcessBuilder builder = new ProcessBuilder("bash", "retort", "heads").directory(project.toFile());
        builder.environment().remove("RETORT_HOME");

        ScriptRun run = ScriptRun.finish(builder.start(), Duration.ofMinutes(5));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("building Retort…\n").contains("Broken.java")
                .endsWith("retort: the build failed; Maven's output is above.\n");
        assertThat(run.err()).as("no ANSI escape codes").doesNotContain("\u001B");
    }
}
