package dev.retort.cli;

import dev.retort.migrations.Migrations;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Help is wrapped at spaces only, at whatever width the terminal has: a path, a URL or a value such as
 * {@code .retort/}, {@code host:5432/db} or {@code 002:004} is never split across two lines.
 */
class HelpWrappingTest {

    /** Picocli's narrowest (it never goes below 55 columns), the usual 80, and what wide terminals give. */
    private static final int NARROWEST = 55;
    private static final int WIDEST = 150;
    /** Wide enough that nothing wraps: every word is whole. */
    private static final int UNWRAPPED = 1000;

    /**
     * Every help at every width holds the same words as where nothing wraps, whitespace aside; a line runs past the
     * width only to hold one word longer than its column whole.
     */
    @Test
    void noWordOfAnyHelpIsSplitAtAnyWidth() {
        for (List<String> args : everyHelp()) {
            CommandLine commandLine = commandLine(args);
            String unwrapped = help(commandLine, UNWRAPPED, args).replaceAll("\\s+", " ");
            for (int width = NARROWEST; width <= WIDEST; width++) {
                String wrapped = help(commandLine, width, args);
                assertThat(wrapped.replaceAll("\\s+", " ")).as("%s at %d columns", args, width).isEqualTo(unwrapped);
                for (String line : wrapped.lines().toList()) {
                    if (line.length() > width) {
                        assertThat(line.strip()).as("%s at %d columns", args, width).doesNotContain(" ");
                    }
                }
            }
        }
    }

    /** What picocli's own wrapping split at 80 columns, whole at every width. */
    @Test
    void theRootsHelpKeepsItsPathsAndUrlsWhole() {
        CommandLine root = commandLine(List.of("--help"));
        for (int width = NARROWEST; width <= WIDEST; width++) {
            Set<String> words = words(help(root, width, List.of("--help")));
            assertThat(words).as("at %d columns", width).contains("$RETORT_HOME/.retort/).", ".retort/.",
                    "postgresql://user:password@host:5432/db,", "jdbc:postgresql://host:5432/db", "e.g.",
                    "~/.pgpass");
        }
        List<String> history = List.of("history", "--help");
        assertThat(words(help(commandLine(history), 80, history))).contains("002:004,", "003:,", ":current.");
    }

    /** {@code retort --help}, each verb's {@code --help}, and {@code retort help VERB}. */
    private static List<List<String>> everyHelp() {
        List<List<String>> helps = new ArrayList<>();
        helps.add(List.of("--help"));
        for (String verb : Main.VERBS.keySet()) {
            helps.add(List.of(verb, "--help"));
        }
        helps.add(List.of("help", "upgrade"));
        return helps;
    }

    /** The command line that {@code retort ARGS} runs, with the help's width set by the test, not the terminal. */
    private static CommandLine commandLine(List<String> args) {
        CommandLine commandLine = Main.commandLine(Migrations::all, Map.of(), Path.of("."),
                args.toArray(String[]::new));
        commandLine.setUsageHelpAutoWidth(false);
        return commandLine;
    }

    private static String help(CommandLine commandLine, int width, List<String> args) {
        commandLine.setUsageHelpWidth(width);
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute(args.toArray(String[]::new))).as("%s", args).isZero();
        return out.toString();
    }

    private static Set<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).collect(Collectors.toSet());
    }
}
