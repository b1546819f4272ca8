package dev.retort.cli;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revision that runs in one transaction but holds a statement PostgreSQL refuses inside a transaction block
 * ({@code CREATE INDEX CONCURRENTLY}, with online() left as the skeleton has it): the dry run says it would fail, and
 * the run refuses before its first step, so that the revisions before it are not applied without it.
 */
class ConcurrentlyInOneTransactionTest {

    private static final String REFUSAL = "upgrade 003 -> 004, index customers by name runs in one transaction, but "
            + "PostgreSQL refuses its statement 2/2 (CREATE INDEX CONCURRENTLY ix_customers_name ON customers (name)) "
            + "inside a transaction block: make the revision online (override online() to return true, as R004 to "
            + "R006 do), or drop CONCURRENTLY";

    @TempDir
    Path home;

    private TestDatabase database;
    private Cli cli;

    /** Not online, as revision -m writes it: its statements run in one transaction. */
    static final class R004IndexCustomersByName implements Revision {

        @Override
        public String id() {
            return "004";
        }

        @Override
        public String revises() {
            return "003";
        }

        @Override
        public String message() {
            return "index customers by name";
        }

        @Override
        public void upgrade(MigrationContext context) {
            context.execute("COMMENT ON TABLE customers IS 'indexed by name'");
            context.execute("CREATE INDEX CONCURRENTLY ix_customers_name ON customers (name)");
        }

        @Override
        public void downgrade(MigrationContext context) {
            context.execute("DROP INDEX CONCURRENTLY ix_customers_name");
        }
    }

    @BeforeEach
    void databaseAt001() {
        database = TestPostgres.newDatabase("concurrently_in_one_transaction");
        List<Revision> revisions = new ArrayList<>(Migrations.all().subList(0, 3));
        revisions.add(new R004IndexCustomersByName());
        cli = Cli.shipped(home).withRevisions(revisions);
        assertThat(cli.runOn(database.postgresUrl(), "upgrade", "001").exitCode()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void theDryRunSaysItWouldFailAndWhatToDo() {
        Cli.Result result = cli.runOn(database.postgresUrl(), "upgrade", "head", "--dry-run");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("""
                   2. CREATE INDEX CONCURRENTLY ix_customers_name ON customers (name)
                      SHARE UPDATE EXCLUSIVE on customers; reads customers to build the index; PostgreSQL refuses it \
                inside a transaction block
                """).endsWith("\n\nWould fail: " + REFUSAL + ".\n");
        assertThat(cli.runOn(database.postgresUrl(), "--json", "upgrade", "head", "--dry-run").out())
                .contains("\"would_fail\" : [ \"" + REFUSAL + "\" ]");
    }

    @Test
    void theRunRefusesBeforeItsFirstStep() throws SQLException {
        Cli.Result result = cli.runOn(database.postgresUrl(), "upgrade", "head");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("retort: error: Nothing was run: " + REFUSAL + ".\n");
        assertThat(result.out()).doesNotContain("Running upgrade");
        assertThat(cli.runOn(database.postgresUrl(), "current").out()).isEqualTo("001\n");
        assertThat(database.column("SELECT revision || ' ' || outcome FROM retort_history ORDER BY finished_at"))
                .containsExactly("001 success");
    }

    @Test
    void noOfflineScriptIsWrittenForIt() {
        Cli.Result result = cli.run("upgrade", "001:head", "--sql");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("retort: error: No script was written: " + REFUSAL + ".\n");
    }
}
