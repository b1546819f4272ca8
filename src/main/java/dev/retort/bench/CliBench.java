package dev.retort.bench;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code retort bench --cli}: how long a whole {@code retort} process takes, start to exit, as a user or a deploy
 * script runs it: {@code upgrade head} on an empty database, {@code current} at head, {@code downgrade base}; and
 * beside them psql applying the same SQL ({@code upgrade head --sql}, then {@code downgrade head:base --sql}), the
 * floor any tool that starts a process and talks to PostgreSQL stands on.
 *
 * <p>Retort runs through its launcher, the {@code retort} script, exactly as typed: its checks that the jar and the
 * class-data archive are fresh are part of what a user waits for. The warm-up rounds (untimed) let it build either
 * if needed. Each round runs every command once, in turn, so that the machine's load, which drifts, weighs on every
 * row alike; between rounds, and at the end, the scratch database is emptied again (Retort's two bookkeeping
 * tables dropped: its downgrade removes everything else). The times include starting the process from Java (a few milliseconds, the
 * same for every row).
 *
 * <p>The database must be a scratch one: every round migrates it up and down and drops {@code alembic_version} and
 * {@code retort_history}. The URL is given to {@code retort --url} and to psql alike, so it is the
 * {@code postgresql://user:password@host:port/database} form that both read; its password, if any, goes to them in
 * {@code PGPASSWORD}, not on their command lines, which every local user can read in {@code ps}.
 */
public final class CliBench {

    public static final int DEFAULT_RUNS = 10;
    public static final int DEFAULT_WARMUPS = 1;
    /** The issue's goals for whole processes on a server: {@code upgrade head} and {@code current}. */
    public static final long UPGRADE_GOAL_MS = 250;
    public static final long CURRENT_GOAL_MS = 150;
    private static final long PROCESS_TIMEOUT_SECONDS = 600;

    /**
     * {@code postgresql://user:password@}: the password, as the URL spells it, kept off command lines. Heroku's
     * {@code postgres://} too, in any case, as psql and {@code retort --url} read them.
     */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)^(postgres(?:ql)?://[^:@/]*):([^@/]*)@");

    private final Path launcher;
    private final String url;
    /** {@link #url} without its password: what the commands are given. */
    private final String commandUrl;
    /** {@link #url}'s password, decoded, for the commands' {@code PGPASSWORD}; or null. */
    private final String password;
    private final DataSource scratch;
    private final int runs;
    private final int warmups;
    private final Optional<Path> psql;

    /**
     * @param launcher the {@code retort} script
     * @param url      the scratch database, as {@code postgresql://…}
     * @param scratch  the same database, for emptying it between rounds
     */
    public CliBench(Path launcher, String url, DataSource scratch) {
        this(launcher, url, scratch, DEFAULT_RUNS, DEFAULT_WARMUPS, onPath("psql"));
    }

    private CliBench(Path launcher, String url, DataSource scratch, int runs, int warmups, Optional<Path> psql) {
        if (runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("runs must be at least 1 and warm-ups at least 0, not " + runs + " and "
                    + warmups);
        }
        this.launcher = launcher;
        this.url = url;
        Matcher userInfo = URL_PASSWORD.matcher(url);
        boolean hasPassword = userInfo.find();
        this.commandUrl = hasPassword ? userInfo.replaceFirst("$1@") : url;
        this.password = hasPassword
                ? URLDecoder.decode(userInfo.group(2).replace("+", "%2B"), StandardCharsets.UTF_8) : null;
        this.scratch = scratch;
        this.runs = runs;
        this.warmups = warmups;
        this.psql = psql;
    }

    /** Timed runs of each command, and untimed rounds before them. */
    public CliBench withRuns(int timedRuns, int warmupRounds) {
        return new CliBench(launcher, url, scratch, timedRuns, warmupRounds, psql);
    }

    /** The psql to run, or none to leave its rows out; by default the first psql on PATH. */
    public CliBench withPsql(Optional<Path> psqlExecutable) {
        return new CliBench(launcher, url, scratch, runs, warmups, psqlExecutable);
    }

    public CliBenchResult run() {
        emptyScratch();
        Map<String, Timings> rows = new LinkedHashMap<>();
        rows.put("upgrade head", new Timings("retort", "retort upgrade head", UPGRADE_GOAL_MS));
        rows.put("current", new Timings("retort", "retort current", CURRENT_GOAL_MS));
        rows.put("downgrade base", new Timings("retort", "retort downgrade base", null));
        Path upgradeScript = null;
        Path downgradeScript = null;
        try {
            if (psql.isPresent()) {
                upgradeScript = offlineScript("upgrade", "head");
                downgradeScript = offlineScript("downgrade", "head:base");
                rows.put("psql upgrade", new Timings("psql", "psql -f (upgrade head --sql)", null));
                rows.put("psql downgrade", new Timings("psql", "psql -f (downgrade head:base --sql)", null));
            }
            for (int round = 0; round < warmups + runs; round++) {
                boolean timed = round >= warmups;
                for (String verb : List.of("upgrade head", "current", "downgrade base")) {
                    rows.get(verb).add(timed, time(retort(verb.split(" "))));
                }
                emptyScratch();
                if (psql.isPresent()) {
                    rows.get("psql upgrade").add(timed, time(psql(upgradeScript)));
                    rows.get("psql downgrade").add(timed, time(psql(downgradeScript)));
                }
            }
            emptyScratch(); // the last round's script leaves alembic_version, empty, as Retort's downgrade does
        } finally {
            deleteQuietly(upgradeScript);
            deleteQuietly(downgradeScript);
        }
        List<CliTiming> timings = rows.values().stream().map(Timings::result).toList();
        return new CliBenchResult(runs, warmups, psql.map(Path::toString).orElse(null), timings);
    }

    /** A command's timings and the one-minute load average seen before each timed run. */
    private static final class Timings {
        private final String tool;
        private final String command;
        private final Long goalMs;
        private final List<Double> millis = new ArrayList<>();
        private final List<Double> loads = new ArrayList<>();

        Timings(String tool, String command, Long goalMs) {
            this.tool = tool;
            this.command = command;
            this.goalMs = goalMs;
        }

        void add(boolean timed, Run run) {
            if (timed) {
                millis.add(run.millis());
                loads.add(run.loadBefore());
            }
        }

        CliTiming result() {
            return new CliTiming(tool, command, goalMs, millis, loads);
        }
    }

    private record Run(double millis, double loadBefore) {
    }

    private List<String> retort(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString(), "--url", commandUrl));
        command.addAll(List.of(args));
        return command;
    }

    private List<String> psql(Path script) {
        return List.of(psql.orElseThrow().toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script.toString(),
                commandUrl);
    }

    /** Starts the command and waits for it to exit: the time a user waits. Its output is thrown away. */
    private Run time(List<String> command) {
        double load = Machine.loadAverage();
        Path errors = temporaryFile("retort-cli-bench", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile());
            builder.environment().remove("DATABASE_URL");
            if (password != null) {
                builder.environment().put("PGPASSWORD", password);
            }
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(describe(command) + " did not end within " + PROCESS_TIMEOUT_SECONDS
                        + " s");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (process.exitValue() != 0) {
                throw new IllegalStateException(describe(command) + " failed with exit code " + process.exitValue()
                        + ": " + Files.readString(errors, StandardCharsets.UTF_8).strip());
            }
            return new Run(millis, load);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + describe(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + describe(command), e);
        } finally {
            deleteQuietly(errors);
        }
    }

    /** The offline SQL, as Retort prints it without a database: what psql applies. */
    private Path offlineScript(String verb, String range) {
        Path script = temporaryFile("retort-cli-bench-" + verb, ".sql");
        List<String> command = List.of("bash", launcher.toString(), verb, range, "--sql");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(script.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not print the offline SQL");
            }
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        }
    }

    /** After {@code downgrade base} only Retort's bookkeeping is left; psql's downgrade leaves nothing. */
    private void emptyScratch() {
        try (Connection connection = scratch.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS alembic_version, retort_history");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not empty the scratch database: " + e.getMessage(), e);
        }
    }

    /** The command for a message: the URL, which may hold a password, left out. */
    private String describe(List<String> command) {
        return String.join(" ", command.stream().map(word -> word.equals(commandUrl) ? "URL" : word).toList());
    }

    /** The first executable {@code name} on PATH, as a shell would find it. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            Path candidate = Path.of(folder.isEmpty() ? "." : folder, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path temporaryFile(String prefix, String suffix) {
        try {
            return Files.createTempFile(prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary file", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; the system cleans its temporary folder
        }
    }
}
