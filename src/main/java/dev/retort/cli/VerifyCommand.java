package dev.retort.cli;

import dev.retort.Retort;
import dev.retort.Verification;
import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.DatabaseException;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.SqlErrors;
import dev.retort.migrations.SeedVerification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
        "Check the live schema against the revision the database is at.",
        "",
        "Runs four verification queries (tables, foreign keys, indexes, constraints) and prints their "
                + "results as psql does; then compares the live catalog (tables, columns, enums, constraints, indexes, "
                + "policies, comments) with the snapshot shipped for the current revision. Exit 0 when they match, "
                + "with an OK line last; exit 3 with a unified diff naming each object that differs (- expected, "
                + "+ live), closed by a DRIFT line counting them: missing (expected, not live), changed, extra (live "
                + "only). Changes nothing.",
        "",
        "For CI, or a database with many tables, -q prints the verdict alone: the OK line, or the diff and its "
                + "DRIFT lines."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  retort verify -q                 OK, or the drift; exit 0 or 3",
                "  retort verify -q > /dev/null     the exit code alone",
                "  retort --json verify -q          the same as JSON, without the queries' rows"})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-q", "--quiet"},
            description = "Print only the verdict: the OK line, or the DRIFT line, the diff and the line counting it. "
                    + "The four verification queries are not run: at 200 tables they print some 1,300 lines before "
                    + "the verdict, and the foreign-key one (on information_schema) takes seconds. Same exit codes; "
                    + "warnings still go to stderr. With --json, \"queries\" is null.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Retort retort = root.retort(MigrationListener.SILENT, LockPolicy.DEFAULT);
        List<PsqlTable> results = quiet ? List.of() : runSeedQueries();
        Verification verification = retort.verify();
        int exitCode = verification.matches() ? ExitCodes.OK : ExitCodes.DRIFT;
        if (root.json()) {
            Json.print(out, Json.object("revision", verification.revision(), "label", verification.label(),
                    "matches", verification.matches(), "diff", verification.drift().diff(),
                    "drifted_objects", verification.drift().objects().stream().map(object -> Json.object("kind",
                            object.kind(), "name", object.name(), "change",
                            object.change().name().toLowerCase(Locale.ROOT))).toList(),
                    // null, not []: the queries did not run, which [] would read as ran and found nothing.
                    "queries", quiet ? null : queriesJson(results),
                    "edited_revisions", verification.edited().stream().map(Json::edited).toList(),
                    "unfinished_step", Json.unfinished(verification.unfinished())));
            return exitCode;
        }
        for (int i = 0; i < results.size(); i++) {
            out.println("-- " + SeedVerification.QUERIES.get(i).title());
            out.println(results.get(i).render());
        }
        RevisionText.warnings(verification.edited(), verification.unfinished())
                .forEach(spec.commandLine().getErr()::println);
        if (verification.matches()) {
            out.println("OK: the schema matches revision " + verification.label() + ".");
        } else {
            out.println("DRIFT: the schema differs from revision " + verification.label() + " (- expected, + live):");
            verification.drift().diff().forEach(out::println);
            out.println(DriftSummary.line(verification.drift()));
        }
        return exitCode;
    }

    private static List<Object> queriesJson(List<PsqlTable> results) {
        List<Object> queries = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            queries.add(Json.object("title", SeedVerification.QUERIES.get(i).title(),
                    "columns", results.get(i).headers(), "rows", results.get(i).rows()));
        }
        return queries;
    }

    private List<PsqlTable> runSeedQueries() {
        List<PsqlTable> results = new ArrayList<>();
        Connection opened;
        try {
            opened = root.session().dataSource().getConnection();
        } catch (SQLException e) {
            // Not a query that failed: the server could not be reached, or refused the login (exit 4, as any verb).
            throw new ConnectionFailedException(SqlErrors.describe(e), e);
        }
        try (Connection connection = opened;
             Statement statement = connection.createStatement()) {
            for (SeedVerification.Query query : SeedVerification.QUERIES) {
                try (ResultSet rows = statement.executeQuery(query.sql())) {
                    results.add(PsqlTable.of(rows));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("A verification query failed: " + SqlErrors.describe(e), e);
        }
        return results;
    }
}
