package dev.retort.cli;

import dev.retort.testing.ProjectHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real entry point, as a separate process: what reaches stdout and stderr before System.exit, and the exit code. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MainProcessTest {

    @TempDir
    Path home;

    @Test
    void everythingPrintedReachesStdoutBeforeTheProcessExits() throws Exception {
        Process heads = JavaProcess.start(home, Main.class, "heads");

        assertThat(heads.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(heads.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(ProjectHead.label() + "\n");
        assertThat(heads.exitValue()).isEqualTo(ExitCodes.OK);
    }

    /**
     * Under the C locale (a slim container's, a CI runner's) Java 17 would write ASCII, every "…" a "?": Retort writes
     * UTF-8 there, as psql and git pass it through.
     */
    @Test
    void underTheCLocaleTextIsWrittenInUtf8NotAsQuestionMarks() throws Exception {
        ProcessBuilder help = JavaProcess.builder(home, List.of(), Main.class, "--help");
        help.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        help.environment().put("LC_ALL", "C");

        Process process = help.start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(printed.replaceAll("\\s+", " ")).contains("'host=… dbname=… user=…'").doesNotContain("host=?");
    }

    /**
     * The same on a terminal, where Java 17 itself sets sun.stdout.encoding to the C locale's ASCII: that is no choice
     * of the user's. A terminal is had through util-linux's script(1), where there is one.
     */
    @Test
    void underTheCLocaleATerminalGetsUtf8Too() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "script(1) gives the process a terminal");
        List<String> java = JavaProcess.builder(home, List.of(), Main.class, "--help").command();
        String commandLine = java.stream().map(word -> "'" + word.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        ProcessBuilder help = new ProcessBuilder(script.toString(), "-qec", commandLine, "/dev/null")
                .directory(home.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        help.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        help.environment().put("LC_ALL", "C");

        Process process = help.start();
        process.getOutputStream().close();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("'host=…").doesNotContain("host=?"); // the terminal's width wraps the rest
    }

    @Test
    void aUsageErrorExitsTwoWithOneLineOnStderr() throws Exception {
        Process bad = JavaProcess.start(home, Main.class, "upgrade", "999", "--url", "postgresql://x@localhost:1/db");

        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).as("refused before connecting").isEqualTo(ExitCodes.USAGE);
        assertThat(new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("retort: error: No revision '999'.").hasLineCount(1);

        Process unknownVerb = JavaProcess.start(home, Main.class, "migrate");
        assertThat(unknownVerb.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unknownVerb.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(new String(unknownVerb.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).hasLineCount(1);
    }
}
