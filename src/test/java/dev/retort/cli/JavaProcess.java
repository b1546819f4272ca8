package dev.retort.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of this test JVM's classpath as a real, separate process: for lock, crash and race tests. */
final class JavaProcess {

    private JavaProcess() {
    }

    static Process start(Path workingDirectory, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
    }

    /** Reads the process's stdout until a line containing {@code text}; fails if the stream ends first. */
    static void awaitLine(Process process, String text) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.contains(text)) {
                return;
            }
        }
        throw new AssertionError("process ended without printing '" + text + "': "
                + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
