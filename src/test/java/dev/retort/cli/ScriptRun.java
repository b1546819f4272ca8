package dev.retort.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a run of the {@code retort} script printed, and how it exited: for the tests that start it as users do. */
record ScriptRun(int exitCode, String out, String err) {

    /** Waits for {@code process}, at most {@code patience}, then reads what it printed. */
    static ScriptRun finish(Process process, Duration patience) throws IOException, InterruptedException {
        assertThat(process.waitFor(patience.toSeconds(), TimeUnit.SECONDS)).as("the script ended in time").isTrue();
        return new ScriptRun(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
