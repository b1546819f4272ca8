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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * upgrade and downgrade warn, as current does, of applied revisions whose SQL has changed since they ran here: most
 * often a skeleton from {@code revision -m}, applied while still empty, then filled in. Nothing would ever run what it
 * says now, and "Already at head" would hide it.
 */
class EditedSinceRunTest {

    private static final String NO_SQL_CHECKSUM = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path home;

    private TestDatabase database;
    private final R002AddOrdersTable orders = new R002AddOrdersTable();
    private Cli cli;

    /** A revision whose SQL the test writes, as an engineer fills in a skeleton. Empty to begin with. */
    static final class R002AddOrdersTable implements Revision {

        private List<String> up = List.of();
        private List<String> down = List.of();

        void fillIn(List<String> upgrade, List<String> downgrade) {
            up = upgrade;
            down = downgrade;
        }

        @Override
        public String id() {
            return "002";
        }

        @Override
        public String revises() {
            return "001";
        }

        @Override
        public String message() {
            return "add orders table";
        }

        @Override
        public void upgrade(MigrationContext context) {
            up.forEach(context::execute);
        }

        @Override
        public void downgrade(MigrationContext context) {
            down.forEach(context::execute);
        }
    }

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("edited_since_run");
        cli = Cli.shipped(home).withRevisions(List.of(Migrations.all().get(0), orders));
    }

    private Cli.Result retort(String... args) {
        return cli.runOn(database.postgresUrl(), args);
    }

    @Test
    void aSkeletonAppliedEmptyThenFilledInIsToldWithHowToRunItForReal() throws SQLException {
        assertThat(retort("upgrade", "head").exitCode()).isEqualTo(ExitCodes.OK);
        orders.fillIn(List.of("CREATE TABLE orders (id int)"), List.of("DROP TABLE orders"));

        Cli.Result again = retort("upgrade", "head");

        assertThat(again.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(again.out()).endsWith("Already at 002 (head): nothing to upgrade.\n");
        assertThat(again.err()).matches("retort: warning: revision 002 ran here with no SQL at all \\(\\d{4}-\\d\\d-\\d\\d "
                + "\\d\\d:\\d\\d:\\d\\d UTC\\), as an empty skeleton applied before it was filled in would: none of the "
                + "SQL it has now ran here\\. If nothing of 002 is in the database, stamp 001, then upgrade head, to "
                + "run it for real \\(from a revision after 002, downgrade 002 first\\)\\.\n");
        assertThat(retort("--json", "upgrade", "head").out()).contains("""
                  "edited_revisions" : [ {
                    "revision" : "002",\
                """, """
                    "recorded_checksum" : "%s",\
                """.formatted(NO_SQL_CHECKSUM), """
                    "ran_empty" : true
                  } ]
                }""");

        assertThat(retort("stamp", "001").exitCode()).isEqualTo(ExitCodes.OK);
        Cli.Result forReal = retort("upgrade", "head");
        assertThat(forReal.out()).contains("Running upgrade 001 -> 002, add orders table");
        assertThat(forReal.err()).isEmpty();
        assertThat(database.tables()).contains("orders");
        assertThat(retort("upgrade", "head").err()).isEmpty();
    }

    @Test
    void aRevisionEditedAfterItRanIsToldBeforeADowngradeAndItsDryRun() {
        orders.fillIn(List.of("CREATE TABLE orders (id int)"), List.of("DROP TABLE orders"));
        assertThat(retort("upgrade", "head").err()).isEmpty();
        orders.fillIn(List.of("CREATE TABLE orders (id bigint)"), List.of("DROP TABLE orders"));
        String warning = "retort: warning: revision 002's SQL has changed since it ran here (";

        assertThat(retort("downgrade", "base", "--dry-run").err()).startsWith(warning).hasLineCount(1);
        assertThat(retort("--json", "downgrade", "base", "--dry-run").out())
                .contains("\"edited_revisions\" : [ {", "\"ran_empty\" : false");
        Cli.Result downgrade = retort("downgrade", "base");

        assertThat(downgrade.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(downgrade.err()).startsWith(warning).hasLineCount(1);
        assertThat(downgrade.out()).contains("Running downgrade 001 -> , create customers table");
    }
}
