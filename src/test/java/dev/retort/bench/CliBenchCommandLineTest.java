package dev.retort.bench;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench --cli} gives the processes it times the URL without its password, and the password in PGPASSWORD:
 * a command line shows in {@code ps} to every local user, for the minutes the bench runs (security review).
 */
class CliBenchCommandLineTest {

    @TempDir
    Path folder;

    /** postgres:// too, as Heroku writes DATABASE_URL, in either case, as psql and retort --url read both. */
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "postgres", "PostgreSQL"})
    void thePasswordIsKeptOffTheCommandLines(String scheme) throws IOException {
        TestDatabase database = TestPostgres.newDatabase("cli_bench_command_line");
        Path seen = folder.resolve("seen.txt");
        // Stands in for the retort script: records what it was given, and succeeds.
        Path launcher = Files.writeString(folder.resolve("retort"),
                "printf '%s|%s\\n' \"$*\" \"$PGPASSWORD\" >> '" + seen + "'\n");
        String url = scheme + "://deploy:p%40ss%20w0rd@localhost:" + database.port() + "/" + database.name();

        new CliBench(launcher, url, database.dataSource()).withRuns(1, 0).withPsql(Optional.empty()).run();

        assertThat(Files.readAllLines(seen)).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("--url " + scheme + "://deploy@localhost:" + database.port() + "/" + database.name() + " ")
                .endsWith("|p@ss w0rd").doesNotContain("p%40ss"));
    }
}
