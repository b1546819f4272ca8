package dev.retort.cli;

import dev.retort.testing.ProjectHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./retort revision -m} in a copy of the project, as a user runs it: the next {@code ./retort} rebuilds with
 * the new revision, which is then the single head, and {@code upgrade head} applies it to the embedded PostgreSQL.
 * With RETORT_HOME set, which moves the embedded data and nothing else, and run from another folder: the revision is
 * still written into the copy, beside the script.
 * Costs one Maven build of the copy (some 10 to 20 s).
 */
class RevisionLauncherIT {

    @TempDir
    Path project;

    @TempDir
    Path home;

    @TempDir
    Path workingDirectory;

    private ScriptRun retort(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", project.resolve("retort").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().put("RETORT_HOME", home.toString());
        builder.environment().remove("DATABASE_URL");
        return ScriptRun.finish(builder.start(), Duration.ofMinutes(5));
    }

    /**
     * The sources, pom.xml and script, and the jar built from them, with their times kept: the copy's jar is fresh
     * until revision writes into src/main.
     */
    private void copyProject() throws IOException {
        ProjectCopy.copy(project, "src/main", "pom.xml", "retort", "target/lib", "target/retort.jar");
    }

    @Test
    void theNextRunBuildsTheNewRevisionAsTheSingleHeadAndUpgradeHeadAppliesIt() throws Exception {
        copyProject();

        ScriptRun revision = retort("revision", "-m", "add orders table");

        assertThat(revision.err()).as("the copied jar is fresh: no build").isEmpty();
        // The revision after the head: 007 as shipped, the next id after a project's own revisions otherwise.
        String next = ProjectHead.nextId();
        String written = "src/main/java/dev/retort/migrations/R" + next + "AddOrdersTable.java";
        assertThat(revision.out()).startsWith("Wrote " + written + " (" + next + ", revises " + ProjectHead.id()
                + ") and added it to Migrations.java.\n");
        assertThat(project.resolve(written)).exists();

        ScriptRun heads = retort("heads");

        assertThat(heads.err()).as("src/main changed: the launcher rebuilds").isEqualTo("building Retort…\n");
        assertThat(heads.out()).isEqualTo(next + " (head)\n");
        assertThat(heads.exitCode()).isZero();

        ScriptRun upgrade = retort("upgrade", "head");

        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        assertThat(upgrade.out()).containsPattern("Running upgrade " + ProjectHead.id() + " -> " + next
                        + ", add orders table \\.\\.\\. \\d+ ms\n")
                .containsPattern("Done: " + (ProjectHead.count() + 1) + " revisions in .+; the database is at " + next
                        + " \\(head\\)\\.\n");
        assertThat(retort("current").out()).isEqualTo(next + " (head)\n");
        assertThat(home.resolve(".retort")).as("the embedded data, under RETORT_HOME").isDirectory();
        assertThat(project.resolve(".retort")).doesNotExist();
        assertThat(home.resolve("src")).as("no sources under RETORT_HOME").doesNotExist();
        assertThat(workingDirectory).as("nothing where it was run from").isEmptyDirectory();
    }
}
