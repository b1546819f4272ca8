package dev.retort.bench;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bench --cli} at one timed run, against the test server: the shape of what it reports, never its times. */
class CliBenchIT {

    private TestDatabase database;

    @BeforeEach
    void scratchDatabase() {
        database = TestPostgres.newDatabase("cli_bench");
    }

    @AfterEach
    void dropScratch() {
        TestPostgres.drop(database);
    }

    private CliBench bench() {
        return new CliBench(Path.of("retort"), database.postgresUrl(), database.dataSource()).withRuns(1, 0);
    }

    @Test
    void timesUpgradeCurrentAndDowngradeAsWholeProcessesReportsThemAsATableAndAsDataAndLeavesTheDatabaseEmpty()
            throws Exception {
        CliBenchResult result = bench().withPsql(Optional.empty()).run();

        assertThat(result.rows()).extracting(CliTiming::command)
                .containsExactly("retort upgrade head", "retort current", "retort downgrade base");
        assertThat(result.rows()).allSatisfy(row -> {
            assertThat(row.millis()).hasSize(1).allSatisfy(millis -> assertThat(millis).isPositive());
            assertThat(row.medianMs()).isEqualTo(row.millis().get(0));
        });
        assertThat(result.rows()).extracting(CliTiming::goalMs)
                .containsExactly(CliBench.UPGRADE_GOAL_MS, CliBench.CURRENT_GOAL_MS, null);
        assertThat(result.markdown()).startsWith("| command | median | p90 | goal | load |\n")
                .contains("| retort current | ", "psql not found on PATH");
        assertThat(database.tables()).isEmpty();
        Map<String, Object> json = result.json();
        assertThat(json).containsEntry("runs", 1).containsEntry("warmups", 0).containsEntry("psql", null);
        assertThat((List<?>) json.get("rows")).hasSize(3).allSatisfy(row -> assertThat(((Map<?, ?>) row).keySet()
                .stream().map(String::valueOf).toList()).containsExactly("tool", "command", "median_ms", "p90_ms",
                "goal_ms", "met_goal", "load_average", "runs_ms"));
    }

    @Test
    void psqlAppliesTheSameOfflineSqlWhereItIsOnPath() throws Exception {
        Optional<Path> psql = CliBench.onPath("psql");
        CliBenchResult result = bench().withPsql(psql).run();
        if (psql.isEmpty()) {
            // A machine without psql: its rows are left out, and the table says why.
            assertThat(result.rows()).extracting(CliTiming::tool).containsOnly("retort");
            assertThat(result.markdown()).contains("psql not found");
            return;
        }

        assertThat(result.rows()).extracting(CliTiming::tool)
                .containsExactly("retort", "retort", "retort", "psql", "psql");
        assertThat(result.psql()).isEqualTo(psql.get().toString());
        assertThat(result.markdown()).doesNotContain("psql not found");
        assertThat(database.tables()).isEmpty();
    }

    @Test
    void retortBenchCliRunsItAgainstTheServerOfUrlInAScratchDatabaseOfItsOwn() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine commandLine = dev.retort.cli.Main.commandLine(dev.retort.migrations.Migrations::all,
                java.util.Map.of(), Path.of("").toAbsolutePath());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("--url", database.postgresUrl(), "--json", "bench", "--cli", "--runs", "1");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"retort upgrade head\"", "\"retort current\"", "\"retort downgrade base\"");
        assertThat(database.column("SELECT count(*) FROM pg_database WHERE datname = 'retort_bench'"))
                .containsExactly("0");
    }
}
