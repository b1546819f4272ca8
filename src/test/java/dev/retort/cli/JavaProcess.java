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

    /**
     * For short-lived processes that are started by the hundred: C1 only, the serial collector and the JDK's
     * class data archive start a JVM noticeably faster than the defaults do on a small machine.
     */
    static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    private JavaProcess() {
    }

    static Process start(Path workingDirectory, Class<?> mainClass, String... args) throws IOException {
        return start(workingDirectory, List.of(), mainClass, args);
    }

    /** As {@link #start(Path, Class, String...)}, with options for the JVM itself, e.g. {@link #QUICK_START}. */
    static Process start(Path workingDirectory, List<String> jvmOptions, Class<?> mainClass, String... args)
            throws IOException {
        return builder(workingDirectory, jvmOptions, mainClass, args).start();
    }

    /** As {@link #start(Path, List, Class, String...)}, not started yet: e.g. to change its environment first. */
    static ProcessBuilder builder(Path workingDirectory, List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // A process a test kills runs no shutdown hook, so its deleteOnExit files (zonky writes a script to
                // detect the Linux distribution) would stay in /tmp for good: they go to the test's own folder.
                "-Djava.io.tmpdir=" + workingDirectory));
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDirectory.toFile());
    }

    /** Reads the process's stdout until a line containing {@code text}; fails if the stream ends first. */
    static void awaitLine(Process process, String text) throws IOException {
        if (!readUntil(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                text)) {
            throw new AssertionError("process ended without printing '" + text + "': "
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Reads lines until one contains {@code text}: true then, false if the stream ended first. */
    static boolean readUntil(BufferedReader reader, String text) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.contains(text)) {
                return true;
            }
        }
        return false;
    }
}
