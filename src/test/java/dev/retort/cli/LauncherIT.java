package dev.retort.cli;

import dev.retort.testing.ProjectHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code ./retort} launcher, as users run it, once {@code mvn package} has built the jar; and its class-data archive. */
class LauncherIT {

    private static final Path JAR = Path.of("target/retort.jar");
    private static final Path ARCHIVE = Path.of("target/retort.jsa");

    @TempDir
    Path home;

    private ScriptRun retort(String... args) throws IOException, InterruptedException {
        return finish(start(Map.of(), args));
    }

    /** With {@code RETORT_JAVA_OPTS=-Xshare:on}, the JVM refuses to start rather than run without the archive. */
    private ScriptRun retortOnTheArchive(String... args) throws IOException, InterruptedException {
        return finish(start(Map.of("RETORT_JAVA_OPTS", "-Xshare:on"), args));
    }

    private Process start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "retort"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("RETORT_HOME", home.toString());
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("RETORT_JAVA_OPTS");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static ScriptRun finish(Process process) throws IOException, InterruptedException {
        return ScriptRun.finish(process, Duration.ofMinutes(2));
    }

    private static void deleteArchive() throws IOException {
        Files.deleteIfExists(ARCHIVE);
        Files.deleteIfExists(Path.of("target/retort.jsa.key"));
    }

    @Test
    void theFirstRunDumpsTheClassDataArchiveSilentlyAndTheNextRunsMapIt() throws Exception {
        deleteArchive();

        ScriptRun first = retort("heads");

        assertThat(first.err()).as("no build, and the archive is made without a word").isEmpty();
        assertThat(first.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(ARCHIVE).isNotEmptyFile();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).as("the archive carries the time of the jar it serves")
                .isEqualTo(Files.getLastModifiedTime(JAR));

        ScriptRun mapped = retortOnTheArchive("heads");

        assertThat(mapped.err()).isEmpty();
        assertThat(mapped.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(mapped.exitCode()).isZero();
    }

    @Test
    void anArchiveOlderThanTheJarIsDumpedAgain() throws Exception {
        retort("heads");
        FileTime jarTime = Files.getLastModifiedTime(JAR);
        Files.setLastModifiedTime(ARCHIVE, FileTime.fromMillis(jarTime.toMillis() - 60_000));

        ScriptRun run = retortOnTheArchive("heads");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isEqualTo(jarTime);
    }

    @Test
    void anArchiveTrainedWithOtherJavaOptionsIsDumpedAgain() throws Exception {
        retort("heads");
        Path key = Path.of("target/retort.jsa.key");
        Path log = Path.of("target/retort.jsa.log");
        String fresh = Files.readString(key);
        String jar = JAR.toAbsolutePath().toString();
        // As an earlier launcher wrote it: the Java and the jar, not the options the archive was trained with.
        Files.writeString(key, fresh.substring(0, fresh.indexOf(jar) + jar.length()) + "\n");
        Files.delete(log);

        ScriptRun run = retortOnTheArchive("heads");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(log).as("trained and dumped again").exists();
        assertThat(Files.readString(key)).isEqualTo(fresh).contains("-Djava.locale.providers=SPI");
    }

    @Test
    void anArchiveTheJvmRefusesIsNeverFatal() throws Exception {
        retort("heads");
        FileTime jarTime = Files.getLastModifiedTime(JAR);
        try {
            // Fresh by its time and key, but not an archive: the JVM refuses it and Retort runs without one.
            Files.write(ARCHIVE, "not a class-data archive".getBytes(StandardCharsets.UTF_8));
            Files.setLastModifiedTime(ARCHIVE, jarTime);

            ScriptRun run = retort("heads");

            assertThat(run.out()).isEqualTo(ProjectHead.label() + "\n");
            assertThat(run.err()).isEmpty();
            assertThat(run.exitCode()).isZero();
        } finally {
            deleteArchive();
        }
    }

    @Test
    void twoLaunchersFindingNoArchiveBothRunAndLeaveOneThatWorks() throws Exception {
        deleteArchive();

        Process one = start(Map.of(), "heads");
        Process two = start(Map.of(), "heads");
        ScriptRun first = finish(one);
        ScriptRun second = finish(two);

        assertThat(List.of(first, second)).allSatisfy(run -> {
            assertThat(run.out()).isEqualTo(ProjectHead.label() + "\n");
            assertThat(run.exitCode()).isZero();
        });
        assertThat(retortOnTheArchive("heads").exitCode()).isZero();
        try (Stream<Path> target = Files.list(Path.of("target"))) {
            assertThat(target.map(Path::toString)).as("no half-written archive left behind")
                    .noneMatch(name -> name.matches(".*retort\\.jsa\\.\\d+.*"));
        }
    }

    @Test
    void runsTheFreshJarWithoutRebuildingIt() throws Exception {
        ScriptRun heads = retort("heads");

        assertThat(heads.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(heads.err()).as("the jar is fresh: no build").isEmpty();
        assertThat(heads.exitCode()).isZero();
    }

    /**
     * Installed as a link on the PATH ({@code ln -s …/retort ~/bin/retort}), through a relative link to a link: the
     * launcher found its project beside the link, and tried to build one there ("there is no POM in this directory").
     */
    @Test
    void runsThroughSymbolicLinksFromTheProjectTheyPointAt() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path other = Files.createDirectories(home.resolve("other"));
        Files.createSymbolicLink(bin.resolve("retort"), Path.of("retort").toAbsolutePath());
        Path link = Files.createSymbolicLink(other.resolve("retort"), Path.of("../bin/retort"));
        ProcessBuilder builder = new ProcessBuilder("bash", link.toString(), "heads").directory(home.toFile());
        builder.environment().put("RETORT_HOME", home.toString());
        builder.environment().remove("RETORT_JAVA_OPTS");

        ScriptRun heads = finish(builder.start());

        assertThat(heads.err()).as("no build beside the link").isEmpty();
        assertThat(heads.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(heads.exitCode()).isZero();
    }

    /**
     * A relative link in a folder reached through a link of its own (~/bin a link to ~/dotfiles/bin, as GNU stow
     * makes it): the kernel reads the relative link from the real folder, and so must the launcher. Read logically,
     * its .. climbed out of the linked folder into another one (here an empty decoy), and tried to build a project
     * there.
     */
    @Test
    void followsARelativeLinkFromTheRealFolderOfTheLink() throws Exception {
        Path real = Files.createDirectories(home.resolve("dotfiles/bin"));
        Path target = real.relativize(Path.of("retort").toAbsolutePath());
        Files.createSymbolicLink(real.resolve("retort"), target);
        // As deep below home as the link climbs, so that a logical reading of it lands inside home, on the decoy.
        Path linked = home;
        for (Path step : target) {
            linked = step.toString().equals("..") ? linked.resolve("d") : linked;
        }
        Files.createDirectories(linked);
        Files.createSymbolicLink(linked.resolve("bin"), real);
        Path decoy = linked.resolve("bin").resolve(target).normalize().getParent();
        assertThat(decoy).as("the decoy is in the test's folder").startsWithRaw(home);
        Files.createDirectories(decoy);
        ProcessBuilder builder = new ProcessBuilder("bash", linked.resolve("bin/retort").toString(), "heads")
                .directory(home.toFile());
        builder.environment().put("RETORT_HOME", home.toString());
        builder.environment().remove("RETORT_JAVA_OPTS");

        ScriptRun heads = finish(builder.start());

        assertThat(heads.err()).as("no build in the decoy").isEmpty();
        assertThat(heads.out()).isEqualTo(ProjectHead.label() + "\n");
        assertThat(heads.exitCode()).isZero();
    }

    @Test
    void upgradeHeadThenVerifyOnTheEmbeddedDatabasePrintsTheFourTablesAndAMatch() throws Exception {
        ScriptRun upgrade = retort("upgrade", "head");
        ScriptRun verify = retort("verify");

        assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("-- Check all tables exist\n", "-- Check foreign keys\n",
                "-- Check indexes\n", "-- Check constraints\n")
                .endsWith("OK: the schema matches revision " + ProjectHead.label() + ".\n");
    }

    @Test
    void errorsReachStderrWithTheirExitCodeAndNoPassword() throws Exception {
        ScriptRun failed = retort("--url", "postgresql://deploy:s3cr3t-Pa55@localhost:1/app", "current");

        assertThat(failed.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(failed.err()).startsWith("retort: error: Cannot connect to postgresql://deploy:***@localhost:1/app: ")
                .doesNotContain("s3cr3t-Pa55");
        assertThat(failed.out()).isEmpty();
    }

    @Test
    void theBenchRunsOnTheOptimisingCompilerAndEveryOtherVerbOnTheQuickOne() throws Exception {
        Map<String, String> printFlags = Map.of("RETORT_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        ScriptRun bench = finish(start(printFlags, "bench", "--help"));
        ScriptRun heads = finish(start(printFlags, "heads"));

        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("Usage: retort bench").doesNotContain("TieredStopAtLevel", "UseSerialGC",
                "SharedArchiveFile");
        assertThat(heads.out()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", ProjectHead.label());
    }

    @Test
    void versionNamesRetortAndTheEmbeddedPostgres() throws Exception {
        assertThat(retort("--version").out()).startsWith("retort ").contains("embedded PostgreSQL 17");
    }
}
