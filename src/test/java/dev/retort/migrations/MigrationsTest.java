package dev.retort.migrations;

import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The list of revisions, without a database: ids, parents, messages, and one statement per execute. */
class MigrationsTest {

    /** The revisions' sources; tests run with the project folder as working directory. */
    private static final Path SOURCES = Path.of("src/main/java/dev/retort/migrations");

    /** The seed's six come first, as shipped; a project's own revisions (007, …) follow them. */
    @Test
    void revisionsFormTheSeedsChainInOrder() {
        List<Revision> revisions = Migrations.all();
        List<Revision> seed = revisions.subList(0, 6);

        assertThat(seed).extracting(r -> r.id() + " <- " + r.revises() + ": " + r.message()).containsExactly(
                "001 <- null: create customers table",
                "002 <- 001: create users table",
                "003 <- 002: create audit_logs table",
                "004 <- 003: add customer foreign keys",
                "005 <- 004: add soft delete columns",
                "006 <- 005: add check constraints");
        assertThat(seed).extracting(r -> r.getClass().getSimpleName()).containsExactly(
                "R001CreateCustomersTable", "R002CreateUsersTable", "R003CreateAuditLogsTable",
                "R004AddCustomerForeignKeys", "R005AddSoftDeleteColumns", "R006AddCheckConstraints");
        assertThat(revisions).allSatisfy(r -> assertThat(r.getClass().getModifiers())
                .matches(m -> Modifier.isPublic(m) && Modifier.isFinal(m), "public final"));
        assertThat(new RevisionGraph(revisions).head()).as("the head is the list's last revision")
                .isSameAs(revisions.get(revisions.size() - 1));
    }

    /**
     * A revision's class left out of the list is not a revision at all: upgrade head would say the database is at
     * the head without running it. Resolving a merge conflict in Migrations.java by taking one side does that.
     */
    @Test
    void everyRevisionSourceIsListedAndEveryListedRevisionHasItsSource() throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.map(file -> file.getFileName().toString()).filter(name -> name.matches("R\\d.*\\.java"))
                    .map(name -> name.substring(0, name.length() - ".java".length())).sorted().toList();
        }
        List<Revision> revisions = Migrations.all();

        assertThat(revisions).extracting(r -> r.getClass().getSimpleName())
                .as("the classes in Migrations.all(), against the R*.java files in %s: add each revision to the "
                        + "list in all(), in order, or remove its file", SOURCES)
                .containsExactlyInAnyOrderElementsOf(sources);
        assertThat(revisions).extracting(Revision::path).as("each revision's source file")
                .allSatisfy(path -> assertThat(Path.of(path)).isRegularFile());
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
