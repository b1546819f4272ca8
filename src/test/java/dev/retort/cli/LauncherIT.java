package dev.retort.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ./retort} launcher, as users run it, once {@code mvn package} has built the jar. */
class LauncherIT {

    @TempDir
    Path home;

    record Run(int exitCode, String out, String err) {
    }

    private Run retort(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "retort"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("RETORT_HOME", home.toString());
        builder.environment().remove("DATABASE_URL");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void runsTheFreshJarWithoutRebuildingIt() throws Exception {
        Run heads = retort("heads");

        assertThat(heads.out()).isEqualTo("006 (head)\n");
        assertThat(heads.err()).as("the jar is fresh: no build").isEmpty();
        assertThat(heads.exitCode()).isZero();
    }

    @Test
    void upgradeHeadThenVerifyOnTheEmbeddedDatabasePrintsTheFourTablesAndAMatch() throws Exception {
        Run upgrade = retort("upgrade", "head");
        Run verify = retort("verify");

        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("-- Check all tables exist\n", "-- Check foreign keys\n",
                "-- Check indexes\n", "-- Check constraints\n").endsWith("OK: the schema matches revision 006 (head).\n");
    }

    @Test
    void errorsReachStderrWithTheirExitCodeAndNoPassword() throws Exception {
        Run failed = retort("--url", "postgresql://deploy:s3cr3t-Pa55@localhost:1/app", "current");

        assertThat(failed.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(failed.err()).startsWith("retort: error: Cannot connect to postgresql://deploy:***@localhost:1/app: ")
                .doesNotContain("s3cr3t-Pa55");
        assertThat(failed.out()).isEmpty();
    }

    @Test
    void versionNamesRetortAndTheEmbeddedPostgres() throws Exception {
        assertThat(retort("--version").out()).startsWith("retort ").contains("embedded PostgreSQL 17");
    }
}
