package dev.retort.cli;

import dev.retort.migrations.Migrations;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A command line models only the verb it runs; whenever that is not certain, every verb, as before. */
class VerbsForTest {

    @Test
    void aCommandLineThatNamesAVerbModelsThatVerbOnly() {
        assertThat(Main.verbsFor(new String[] {"current"})).containsExactly(CurrentCommand.class);
        assertThat(Main.verbsFor(new String[] {"--url", "postgresql://db/app", "--json", "upgrade", "head"}))
                .containsExactly(UpgradeCommand.class);
        assertThat(Main.verbsFor(new String[] {"--url=postgresql://db/app", "--lock-wait", "5s", "--debug",
                "downgrade", "base"})).containsExactly(DowngradeCommand.class);
        assertThat(Main.verbsFor(new String[] {"current", "--help"})).containsExactly(CurrentCommand.class);
    }

    /** The version alone needs no verb, and prints the same without them. */
    @Test
    void theVersionAloneModelsNoVerb() {
        assertThat(Main.verbsFor(new String[] {"--version"})).isEmpty();
        assertThat(Main.verbsFor(new String[] {"--json", "-V"})).isEmpty();
        assertThat(Main.verbsFor(new String[] {"-V", "curent"})).containsExactlyElementsOf(Main.VERBS.values());

        StringWriter alone = new StringWriter();
        StringWriter everyVerb = new StringWriter();
        Main.commandLine(Migrations::all, Map.of(), Path.of("."), new String[] {"--version"})
                .setOut(new PrintWriter(alone)).execute("--version");
        Main.commandLine(Migrations::all, Map.of(), Path.of(".")).setOut(new PrintWriter(everyVerb))
                .execute("--version");
        assertThat(alone.toString()).startsWith("retort ").isEqualTo(everyVerb.toString());
    }

    @Test
    void helpUnknownWordsAndAnythingUnsureModelEveryVerb() {
        for (List<String> args : List.of(List.<String>of(), List.of("help", "current"), List.of("-h", "current"),
                List.of("--help"), List.of("-hV"), List.of("curent"), List.of("@args.txt"), List.of("--url"),
                List.of("--lock-wait", "current"), List.of("--bogus", "current"))) {
            assertThat(Main.verbsFor(args.toArray(String[]::new))).as(args.toString())
                    .containsExactlyElementsOf(Main.VERBS.values());
        }
    }

    @Test
    void everyVerbIsListedUnderTheNamePicocliGivesIt() {
        CommandLine everyVerb = Main.commandLine(Migrations::all, Map.of(), Path.of("."));

        assertThat(everyVerb.getSubcommands().keySet()).containsExactlyElementsOf(Main.VERBS.keySet());
        everyVerb.getSubcommands().forEach((name, verb) ->
                assertThat(verb.getCommand().getClass()).as(name).isEqualTo(Main.VERBS.get(name)));
    }
}
