package dev.retort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retort.bench.BenchDatabase;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code retort bench} end to end at a tiny scale against the test server: the JSON document has the documented
 * fields with positive numbers, the charts are PNG images, {@value BenchDatabase#NAME} is gone afterwards and the
 * database of --url has not been touched. No timing is asserted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchCommandTest {

    @TempDir
    Path home;

    /** PostgreSQL finds a deadlock after deadlock_timeout (1 s by default); plain DDL and writers make several. */
    private static String url(TestDatabase database) {
        return database.jdbcUrl() + "&options=-c%20deadlock_timeout%3D50ms";
    }

    private static List<String> benchDatabases(TestDatabase server) throws SQLException {
        return server.column("SELECT datname FROM pg_database WHERE datname = '" + BenchDatabase.NAME + "'");
    }

    @Test
    void benchAtATinyScalePrintsItsDocumentWritesItsChartsAndLeavesNothingBehind() throws Exception {
        TestDatabase target = TestPostgres.newDatabase("bench_target");
        Path out = home.resolve("results");

        Cli.Result result = Cli.shipped(home).runOn(url(target), "--json", "bench", "--scale", "2000,2000,20000",
                "--writers", "2", "--writer-rate", "400", "--baseline", "0s", "--executions", "20", "--warm-up", "2", "--cell-time", "2s",
                "--out", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode document = new ObjectMapper().readTree(result.out());
        assertThat(document.path("scale").path("users").asLong()).isEqualTo(2_000);
        assertThat(document.path("scale").path("audit_logs").asLong()).isEqualTo(20_000);
        assertThat(document.path("load").path("rows").asLong()).isEqualTo(24_000);
        assertThat(document.path("queries")).hasSize(4).allSatisfy(query -> {
            assertThat(query.path("name").asText()).isNotBlank();
            for (String column : List.of("before_ms", "after_ms", "proposed_007_ms")) {
                for (String percentile : List.of("p50", "p95", "p99")) {
                    assertThat(query.path(column).path(percentile).asDouble()).as(column + "." + percentile)
                            .isPositive();
                }
                assertThat(query.path(column).path("runs").asLong()).isEqualTo(20);
            }
            assertThat(query.path("improvement").asDouble()).isPositive();
            assertThat(query.path("index").asText()).isNotBlank().doesNotContain("Seq Scan");
            assertThat(query.path("before_plan").asText()).contains("Seq Scan");
            assertThat(query.path("seed").path("improvement").asDouble()).isGreaterThanOrEqualTo(25);
        });
        // At this scale the planner may prefer either index for a user's trail; which one is the 1m run's story.
        assertThat(document.path("queries").get(2).path("index_007").asText()).startsWith("ix_audit_logs_user_");
        for (String mode : List.of("migration", "plain")) {
            JsonNode migration = document.path(mode);
            assertThat(migration.path("duration_ms").asLong()).as(mode).isPositive();
            assertThat(migration.path("writer_rate").asInt()).as(mode).isEqualTo(400);
            assertThat(migration.path("writer_max_ms").asDouble()).as(mode).isPositive();
            assertThat(migration.path("writer_p99_ms").asDouble()).as(mode).isPositive();
            assertThat(migration.path("writer_errors").isIntegralNumber()).as(mode).isTrue();
            assertThat(migration.path("revisions").size()).as(mode).isPositive();
            assertThat(migration.path("per_second").size()).as(mode).isPositive();
        }
        assertThat(document.path("migration").path("reached").asText()).isEqualTo("006");
        assertThat(document.path("migration").path("writer_errors").asLong()).isZero();
        assertThat(document.path("charts")).hasSize(2);
        for (JsonNode chart : document.path("charts")) {
            BufferedImage image = ImageIO.read(Path.of(chart.asText()).toFile());
            assertThat(image).as(chart.asText()).isNotNull();
            assertThat(image.getWidth()).isPositive();
            assertThat(image.getHeight()).isPositive();
        }
        assertThat(out.resolve("bench.json")).exists();
        assertThat(Files.readString(out.resolve("bench.md"))).contains("| user audit trail |",
                "p50 in ms, log scale", "2 writers at 400 transactions/s each: the worst transaction of each");
        assertThat(benchDatabases(target)).isEmpty();
        assertThat(target.tables()).as("the --url database is untouched").isEmpty();
    }

    @Test
    void anExistingBenchDatabaseIsRefusedUnlessReplaceIsGiven() throws SQLException, IOException {
        TestDatabase target = TestPostgres.newDatabase("bench_refuse");
        target.execute("CREATE DATABASE " + BenchDatabase.NAME);
        try {
            Cli.Result result = Cli.shipped(home).runOn(url(target), "bench", "--scale", "200,200,200");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.err()).contains("retort_bench already exists", "--replace");
            assertThat(benchDatabases(target)).containsExactly(BenchDatabase.NAME);
        } finally {
            target.execute("DROP DATABASE IF EXISTS " + BenchDatabase.NAME);
        }
    }

    @Test
    void aUrlNamingTheBenchDatabaseItselfIsRefused() throws SQLException {
        TestDatabase target = TestPostgres.newDatabase("bench_self");
        target.execute("CREATE DATABASE " + BenchDatabase.NAME);
        try {
            Cli.Result result = Cli.shipped(home).runOn(new TestDatabase(BenchDatabase.NAME, target.port()).jdbcUrl(),
                    "bench", "--replace");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(result.err()).contains("names the database retort_bench");
            assertThat(benchDatabases(target)).containsExactly(BenchDatabase.NAME);
        } finally {
            target.execute("DROP DATABASE IF EXISTS " + BenchDatabase.NAME);
        }
    }

    /**
     * Before, the URL was only checked once connected: with no retort_bench there yet, the user got exit 4 and
     * "database retort_bench does not exist … createdb", advice that led to the refusal above.
     */
    @Test
    void aUrlNamingABenchDatabaseThatDoesNotExistIsRefusedWithoutConnecting() throws SQLException {
        TestDatabase target = TestPostgres.newDatabase("bench_self_absent");

        Cli.Result result = Cli.shipped(home).runOn(new TestDatabase(BenchDatabase.NAME, target.port()).jdbcUrl(),
                "bench", "--scale", "200,200,200");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines()).containsExactly("retort: error: The URL names the database retort_bench, "
                + "which the bench creates and drops. Point --url at another database on that server (e.g. postgres); "
                + "the bench only uses it to create retort_bench beside it.");
        assertThat(benchDatabases(target)).isEmpty();
    }

    /** The bench's own errors are written for the reader, not "an unexpected error; run again with --debug". */
    @Test
    void aRoleThatMayNotCreateDatabasesIsToldWhatTheBenchNeeds() throws SQLException {
        TestDatabase target = TestPostgres.newDatabase("bench_nocreatedb");
        String role = target.name() + "_nocreatedb";
        target.execute("CREATE ROLE " + role + " LOGIN NOCREATEDB");
        try {
            Cli.Result result = Cli.shipped(home).runOn("postgresql://" + role + "@localhost:" + target.port() + "/"
                    + target.name(), "bench", "--scale", "200,200,200");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err().lines().filter(line -> line.startsWith("retort: error:")))
                    .containsExactly("retort: error: Could not run CREATE DATABASE retort_bench: permission denied to "
                            + "create database (SQLSTATE 42501). The bench needs a role that may create databases "
                            + "(CREATEDB).");
            assertThat(benchDatabases(target)).isEmpty();
        } finally {
            target.execute("DROP ROLE " + role);
        }
    }

    @Test
    void aBadScaleIsAUsageErrorThatSaysWhatItTakes() {
        Cli.Result result = Cli.shipped(home).run("bench", "--scale", "huge");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("'huge' is not a scale", "small", "1m", "5000,5000,20000");
    }

    @Test
    void aNegativeWriterRateIsAUsageErrorOfOneLine() {
        Cli.Result result = Cli.shipped(home).run("bench", "--writer-rate", "-5");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines()).containsExactly(
                "retort: error: a writer rate is transactions a second, 0 (flat out) to 100000, not -5.");
    }


    /** Without the check, --runs was ignored and a bench of several minutes began: it must be refused before. */
    @Test
    void runsWithoutCliIsRefusedBeforeTheBenchStarts() throws SQLException {
        TestDatabase target = TestPostgres.newDatabase("bench_runs");

        Cli.Result result = Cli.shipped(home).run("--url", target.jdbcUrl(), "bench", "--runs", "5");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines()).containsExactly("retort: error: --runs counts the timed runs of --cli: add "
                + "--cli, or leave out --runs. See 'retort bench --help'.");
        assertThat(benchDatabases(target)).isEmpty();
    }

    @Test
    void aQueryTableOptionWithCliIsRefusedRatherThanIgnored() throws SQLException {
        TestDatabase target = TestPostgres.newDatabase("bench_cli_scale");

        Cli.Result result = Cli.shipped(home).run("--url", target.jdbcUrl(), "bench", "--cli", "--scale", "1m");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines()).containsExactly("retort: error: --scale sets up the query table and the "
                + "migration under writers, which --cli does not run: leave it out, or leave out --cli. See 'retort "
                + "bench --help'.");
        assertThat(benchDatabases(target)).isEmpty();
    }

    @Test
    void aCountBelowItsMinimumNamesTheOption() {
        assertThat(Cli.shipped(home).run("bench", "--writers", "0").err().lines())
                .containsExactly("retort: error: writers must be at least 1, not 0.");
        assertThat(Cli.shipped(home).run("bench", "--executions", "0").err().lines())
                .containsExactly("retort: error: executions must be at least 1, not 0.");
        assertThat(Cli.shipped(home).run("bench", "--cli", "--runs", "0").err().lines())
                .containsExactly("retort: error: --runs must be at least 1, not 0. See 'retort bench --help'.");
    }
}
