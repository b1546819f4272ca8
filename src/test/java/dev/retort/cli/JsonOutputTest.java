package dev.retort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** --json: every verb prints exactly one JSON document on stdout, with the README's field names. */
class JsonOutputTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path home;

    private TestDatabase database;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("json");
    }

    /** Runs with --url and --json, checks the exit code, and parses stdout as one document. */
    private JsonNode json(int exitCode, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--url", database.postgresUrl(), "--json"));
        all.addAll(List.of(args));
        Cli.Result result = Cli.shipped(home).run(all.toArray(String[]::new));
        assertThat(result.exitCode()).as("exit code of %s; stderr: %s", all, result.err()).isEqualTo(exitCode);
        return MAPPER.readTree(result.out());
    }

    @Test
    void upgradeListsItsStepsWithTheirTimesAndNarratesOnStderrOnly() throws IOException {
        Cli.Result raw = Cli.shipped(home).runOn(database.postgresUrl(), "--json", "upgrade", "002");
        JsonNode upgrade = MAPPER.readTree(raw.out());

        assertThat(raw.err()).contains("Running upgrade 001 -> 002, create users table ... ");
        assertThat(upgrade.get("database").asText()).isEqualTo(database.postgresUrl());
        assertThat(upgrade.get("from").isNull()).isTrue();
        assertThat(upgrade.get("to").asText()).isEqualTo("002");
        assertThat(upgrade.get("steps")).hasSize(2);
        assertThat(upgrade.get("steps").get(1).get("revision").asText()).isEqualTo("002");
        assertThat(upgrade.get("steps").get(1).get("direction").asText()).isEqualTo("upgrade");
        assertThat(upgrade.get("steps").get(1).get("from").asText()).isEqualTo("001");
        assertThat(upgrade.get("steps").get(1).get("message").asText()).isEqualTo("create users table");
        assertThat(upgrade.get("steps").get(1).get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(upgrade.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(upgrade.get("note").isNull()).isTrue();

        JsonNode again = json(ExitCodes.OK, "upgrade", "002");
        assertThat(again.get("steps")).isEmpty();
        assertThat(again.get("note").asText()).isEqualTo("Already at 002: nothing to upgrade.");
    }

    @Test
    void currentHistoryHeadsAndShowDescribeRevisions() throws IOException {
        json(ExitCodes.OK, "upgrade", "head");

        JsonNode current = json(ExitCodes.OK, "current");
        assertThat(current.get("revision").asText()).isEqualTo(ProjectHead.id());
        assertThat(current.get("head").asBoolean()).isTrue();
        assertThat(current.get("label").asText()).isEqualTo(ProjectHead.label());
        assertThat(current.get("applied").get("by").asText()).isEqualTo("postgres");
        assertThat(current.get("applied").get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(current.get("applied").get("checksum").asText()).hasSize(64);
        assertThat(current.get("edited_revisions")).isEmpty();

        JsonNode history = json(ExitCodes.OK, "history", "-v", "-i");
        assertThat(history.get("revisions")).hasSize(ProjectHead.count());
        JsonNode newest = history.get("revisions").get(0);
        assertThat(newest.get("id").asText()).isEqualTo(ProjectHead.id());
        assertThat(newest.get("head").asBoolean()).isTrue();
        assertThat(newest.get("current").asBoolean()).isTrue();
        assertThat(newest.get("applied").get("duration_ms").isIntegralNumber()).isTrue();
        // The seed's last revision, newest of all as shipped, below a project's own revisions otherwise.
        JsonNode r006 = history.get("revisions").get(ProjectHead.count() - 6);
        assertThat(r006.get("id").asText()).isEqualTo("006");
        assertThat(r006.get("revises").asText()).isEqualTo("005");
        assertThat(r006.get("path").asText()).endsWith("R006AddCheckConstraints.java");
        assertThat(r006.get("online").asBoolean()).isTrue();
        assertThat(r006.get("applied").get("duration_ms").isIntegralNumber()).isTrue();

        assertThat(json(ExitCodes.OK, "heads").get("heads").get(0).get("id").asText()).isEqualTo(ProjectHead.id());
        assertThat(json(ExitCodes.OK, "show", "003").get("revision").get("message").asText())
                .isEqualTo("create audit_logs table");
    }

    @Test
    void verifyReportsTheQueriesAndTheDrift() throws IOException, SQLException {
        json(ExitCodes.OK, "upgrade", "head");
        JsonNode clean = json(ExitCodes.OK, "verify");
        database.execute("DROP INDEX ix_customers_deleted_at");
        JsonNode drifted = json(ExitCodes.DRIFT, "verify");

        assertThat(clean.get("matches").asBoolean()).isTrue();
        assertThat(clean.get("revision").asText()).isEqualTo(ProjectHead.id());
        assertThat(clean.get("diff")).isEmpty();
        assertThat(clean.get("queries")).hasSize(4);
        assertThat(clean.get("queries").get(0).get("title").asText()).isEqualTo("Check all tables exist");
        assertThat(clean.get("queries").get(0).get("columns").get(0).asText()).isEqualTo("tablename");
        assertThat(clean.get("queries").get(0).get("rows").get(1).get(0).asText()).isEqualTo("audit_logs");
        assertThat(drifted.get("matches").asBoolean()).isFalse();
        assertThat(drifted.get("diff").toString()).contains("-index ix_customers_deleted_at on customers");
        assertThat(clean.get("drifted_objects")).isEmpty();
        assertThat(drifted.get("drifted_objects")).hasSize(1);
        assertThat(drifted.get("drifted_objects").get(0).toString())
                .isEqualTo("{\"kind\":\"index\",\"name\":\"ix_customers_deleted_at on customers\","
                        + "\"change\":\"missing\"}");
    }

    @Test
    void dryRunSqlStampAndSnapshot() throws IOException {
        JsonNode dryRun = json(ExitCodes.OK, "upgrade", "head", "--dry-run");
        JsonNode sql = json(ExitCodes.OK, "upgrade", "003:004", "--sql");
        JsonNode stamp = json(ExitCodes.OK, "stamp", "001");
        JsonNode snapshot = json(ExitCodes.OK, "snapshot");

        assertThat(dryRun.get("dry_run").asBoolean()).isTrue();
        assertThat(dryRun.get("steps")).hasSize(ProjectHead.count());
        JsonNode firstOnline = dryRun.get("steps").get(3).get("statements").get(0);
        assertThat(firstOnline.get("locks").get(1).get("table").asText()).isEqualTo("users");
        assertThat(firstOnline.get("locks").get(1).get("mode").asText()).isEqualTo("SHARE ROW EXCLUSIVE");
        assertThat(firstOnline.get("locks").get(1).get("blocks_writes").asBoolean()).isTrue();
        assertThat(firstOnline.get("work").asText()).isEqualTo("none");
        assertThat(dryRun.get("steps").get(3).get("sessions_in_the_way")).isEmpty();
        assertThat(sql.get("sql").asText()).startsWith("-- Retort ").contains("VALIDATE CONSTRAINT");
        assertThat(stamp.get("to").asText()).isEqualTo("001");
        assertThat(snapshot.get("snapshot").asText()).isEmpty();
    }

    /**
     * The document is plain ASCII, other characters escaped as JSON allows: a pipeline's container often runs without
     * a locale (POSIX), where Java 17 writes stdout in ASCII and would turn "…" or "é" into "?" in what jq reads.
     */
    @Test
    void documentsAreAsciiWhateverTheLocaleWritesStdoutIn() throws IOException, SQLException {
        json(ExitCodes.OK, "stamp", "006");
        database.execute("UPDATE alembic_version SET version_num = 'abc'");

        Cli.Result unknown = Cli.shipped(home).runOn(database.postgresUrl(), "--json", "current");

        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknown.out()).matches("\\p{ASCII}*").contains("\\u2026");
        assertThat(MAPPER.readTree(unknown.out()).get("error").get("message").asText()).contains("(001 \u2026 006)");
    }

    @Test
    void errorsAreAnErrorDocumentWithTheExitCode() throws IOException {
        JsonNode usage = json(ExitCodes.USAGE, "upgrade");
        JsonNode target = json(ExitCodes.USAGE, "upgrade", "999");
        Cli.Result unreachable = Cli.shipped(home).run("--url", "postgresql://app:s3cret@127.0.0.1:1/app", "--json",
                "current");

        assertThat(usage.get("error").get("code").asInt()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.get("error").get("message").asText())
                .isEqualTo("Missing required parameter: 'TARGET'. See 'retort upgrade --help'.");
        assertThat(target.get("error").get("message").asText()).startsWith("No revision '999'.");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(unreachable.err()).isEmpty();
        assertThat(MAPPER.readTree(unreachable.out()).get("error").get("message").asText())
                .startsWith("Cannot connect to postgresql://app:***@127.0.0.1:1/app").doesNotContain("s3cret");
    }
}
