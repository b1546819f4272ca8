package dev.retort.migrations;

import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The list of revisions, without a database: ids, parents, messages, and one statement per execute. */
class MigrationsTest {

    @Test
    void revisionsFormTheSeedsChainInOrder() {
        List<Revision> revisions = Migrations.all();

        assertThat(revisions).extracting(r -> r.id() + " <- " + r.revises() + ": " + r.message()).containsExactly(
                "001 <- null: create customers table",
                "002 <- 001: create users table",
                "003 <- 002: create audit_logs table",
                "004 <- 003: add customer foreign keys",
                "005 <- 004: add soft delete columns",
                "006 <- 005: add check constraints");
        assertThat(revisions).extracting(r -> r.getClass().getSimpleName()).containsExactly(
                "R001CreateCustomersTable", "R002CreateUsersTable", "R003CreateAuditLogsTable",
                "R004AddCustomerForeignKeys", "R005AddSoftDeleteColumns", "R006AddCheckConstraints");
        assertThat(revisions).allSatisfy(r -> assertThat(r.getClass().getModifiers())
                .matches(m -> Modifier.isPublic(m) && Modifier.isFinal(m), "public final"));
        assertThat(new RevisionGraph(revisions).head().id()).isEqualTo("006");
    }

    @Test
    void everyExecuteCarriesOneStatementAndEveryUpgradeHasADowngrade() {
        for (Revision revision : Migrations.all()) {
            RecordingContext up = new RecordingContext();
            RecordingContext down = new RecordingContext();
            revision.upgrade(up);
            revision.downgrade(down);

            assertThat(up.statements()).as("upgrade of %s", revision.id()).isNotEmpty()
                    .noneMatch(MigrationsTest::hasSemicolonOutsideLiterals);
            assertThat(down.statements()).as("downgrade of %s", revision.id()).isNotEmpty()
                    .noneMatch(MigrationsTest::hasSemicolonOutsideLiterals);
        }
    }

    private static boolean hasSemicolonOutsideLiterals(String sql) {
        return sql.replaceAll("'(?:[^']|'')*'", "''").contains(";");
    }
}
