package dev.retort.cli;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two revisions claiming the same parent (two engineers each ran {@code revision -m} on 006) are the project's
 * mistake, not the database's: every verb refuses in one line, exit 2, naming both revisions and what to do, before
 * it starts the embedded PostgreSQL or reaches a server.
 */
class ForkedChainTest {

    private static final String FORK = "Revisions 007 and 007b both revise 006, which would make two heads; "
            + "Retort keeps one straight chain (007 is src/main/java/dev/retort/cli/ForkedChainTest$R007AddOrders.java"
            + ", 007b is src/main/java/dev/retort/cli/ForkedChainTest$R007bAddInvoices.java). Make one revise the "
            + "other: return \"007\" from 007b's revises(), so that 007b comes after 007.";

    private static TestDatabase database;

    @TempDir
    Path home;

    /** An empty revision, as revision -m writes it. */
    private abstract static class Empty implements Revision {

        @Override
        public String revises() {
            return "006";
        }

        @Override
        public void upgrade(MigrationContext context) {
        }

        @Override
        public void downgrade(MigrationContext context) {
        }
    }

    static final class R007AddOrders extends Empty {

        @Override
        public String id() {
            return "007";
        }

        @Override
        public String message() {
            return "add orders";
        }
    }

    static final class R007bAddInvoices extends Empty {

        @Override
        public String id() {
            return "007b";
        }

        @Override
        public String message() {
            return "add invoices";
        }
    }

    @BeforeAll
    static void database() {
        database = TestPostgres.newDatabase("forked_chain");
    }

    /** The seed's 001 to 006, then the fork: a project's own 007 would take the fork's id. */
    private Cli forked() {
        List<Revision> revisions = new ArrayList<>(Migrations.all().subList(0, 6));
        revisions.add(new R007AddOrders());
        revisions.add(new R007bAddInvoices());
        return Cli.shipped(home).withRevisions(revisions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heads", "history", "history -v -i", "show 003", "show current", "current", "current -v",
            "upgrade head", "upgrade head --dry-run", "upgrade 005:head --sql", "downgrade base", "stamp head",
            "verify", "snapshot", "snapshot --write", "revision -m add_payments"})
    void everyVerbRefusesInOneLineWithExitTwoBeforeTheEmbeddedDatabaseStarts(String verb) {
        Cli.Result result = forked().run(verb.split(" "));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: " + FORK + "\n");
        assertThat(result.out()).isEmpty();
        assertThat(home.resolve(".retort")).as("the embedded PostgreSQL was not started").doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "upgrade head", "stamp head", "verify", "snapshot --write"})
    void aServerIsNotTouched(String verb) throws SQLException {
        List<String> args = new ArrayList<>(List.of("--url", database.postgresUrl()));
        args.addAll(List.of(verb.split(" ")));

        Cli.Result result = forked().run(args.toArray(String[]::new));

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: " + FORK + "\n");
        assertThat(database.tables()).isEmpty();
        assertThat(database.column("SELECT datname FROM pg_database WHERE datname LIKE 'retort_snapshot_%'")).isEmpty();
        assertThat(Files.exists(home.resolve("src"))).isFalse();
    }
}
