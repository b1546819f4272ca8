package dev.retort.cli;

import dev.retort.bench.Bench;
import dev.retort.bench.CliBench;
import dev.retort.bench.CliBenchResult;
import dev.retort.bench.BenchDatabase;
import dev.retort.bench.BenchOptions;
import dev.retort.bench.BenchRefusedException;
import dev.retort.bench.BenchReport;
import dev.retort.bench.BenchResult;
import dev.retort.bench.Charts;
import dev.retort.bench.Narration;
import dev.retort.bench.Scale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
        "Reproduce the seed's performance table on generated data, and measure what 003 -> 006 costs writers "
                + "while it runs.",
        "",
        "Creates the database " + BenchDatabase.NAME + " on the server of --url (or on the embedded PostgreSQL), "
                + "loads it at revision 003 with COPY, migrates it to 006 under writer threads with plain DDL and "
                + "then with Retort's online revisions, times the seed's four queries before (primary keys only) "
                + "and after (006), and with the proposed revision 007, and drops " + BenchDatabase.NAME
                + " at the end unless --keep. The database named by --url is only used to create and drop it.",
        "",
        "Prints a markdown report (or one JSON document with --json) and writes it, with PNG charts, to --out. "
                + "Takes about three minutes at --scale small and seven at --scale 1m on 2 cores."})
final class BenchCommand implements Callable<Integer> {

    static final String DEFAULT_OUT = "bench-results";
    /** bench's own options that --cli takes too; any other sets up the query table or the writers. */
    private static final Set<String> BOTH_MODES = Set.of("--cli", "--runs", "--keep", "--replace");

    @ParentCommand
    RetortCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--scale", paramLabel = "SCALE", converter = ScaleConverter.class, defaultValue = "small",
            description = "small (100,000 users, 100,000 customers, 1,000,000 audit logs), 1m (1,000,000 / "
                    + "1,000,000 / 10,000,000), or USERS,CUSTOMERS,AUDIT_LOGS, e.g. 5000,5000,20000. Default: small.")
    Scale scale;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_SEED,
            description = "The generator's seed: the same seed gives the same rows and query parameters. "
                    + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--writers", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_WRITERS,
            description = "Writer threads during each migration. Default: ${DEFAULT-VALUE}.")
    int writers;

    @Option(names = "--writer-rate", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_WRITER_RATE,
            description = "Transactions each writer starts per second, paced like an application's traffic; "
                    + "latency counts from when each was due. 0: flat out, which on few cores measures the CPU "
                    + "scheduler more than the migration. Default: ${DEFAULT-VALUE}.")
    int writerRate;

    @Option(names = "--baseline", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = BenchOptions.DEFAULT_BASELINE_SECONDS + "s",
            description = "How long the writers run alone before each migration, measured, and again after it. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration baseline;

    @Option(names = "--plain-tries", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_PLAIN_TRIES,
            description = "Tries per revision for the plain DDL, which deadlocks with the writers. Default: "
                    + "${DEFAULT-VALUE}.")
    int plainTries;

    @Option(names = "--executions", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_EXECUTIONS,
            description = "Timed executions per query and column, at least. Default: ${DEFAULT-VALUE}.")
    int executions;

    @Option(names = "--cell-time", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = BenchOptions.DEFAULT_CELL_SECONDS + "s",
            description = "The longest one query's timed executions run in one column, for slow ones. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration cellTime;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "" + BenchOptions.DEFAULT_WARM_UP,
            description = "Untimed executions first. Default: ${DEFAULT-VALUE}.")
    int warmUp;

    @Option(names = "--streams", paramLabel = "N",
            description = "COPY streams loading at once. Default: the cores plus one, at least 2.")
    Integer streams;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where bench.md, bench.json and the PNG charts go. Default: " + DEFAULT_OUT
                    + "/ in the project folder.")
    Path out;

    @Option(names = "--keep",
            description = "Leave " + BenchDatabase.NAME + " in place at the end, at revision 007 with every index.")
    boolean keep;

    @Option(names = "--replace",
            description = "Drop an existing " + BenchDatabase.NAME + " first (left by --keep or by a bench that was "
                    + "killed); without it the bench refuses to start.")
    boolean replace;

    @Option(names = "--cli", description = "Instead of the query table: time whole ./retort processes (upgrade head "
            + "on an empty database, current at head, downgrade base) in " + BenchDatabase.NAME + ", beside psql "
            + "applying the same offline SQL when psql is on the PATH.")
    boolean cli;

    @Option(names = "--runs", paramLabel = "N", description = "With --cli: timed runs of each command, after "
            + CliBench.DEFAULT_WARMUPS + " untimed. Default: " + CliBench.DEFAULT_RUNS + ".")
    int runs = CliBench.DEFAULT_RUNS;

    /**
     * An option of the other mode is refused, not ignored: {@code bench --runs 5} would otherwise start a bench of
     * several minutes, and {@code bench --cli --scale 1m} time the CLI as if no scale had been asked for.
     */
    private void refuseOptionsOfTheOtherMode() {
        ParseResult given = spec.commandLine().getParseResult();
        if (cli) {
            for (OptionSpec option : spec.options()) {
                boolean shared = option.inherited() || option.usageHelp() || option.versionHelp()
                        || BOTH_MODES.contains(option.longestName());
                if (!shared && given.hasMatchedOption(option)) {
                    throw new ParameterException(spec.commandLine(), option.longestName() + " sets up the query "
                            + "table and the migration under writers, which --cli does not run: leave it out, or "
                            + "leave out --cli.");
                }
            }
            if (runs < 1) {
                throw new ParameterException(spec.commandLine(), "--runs must be at least 1, not " + runs + ".");
            }
        } else if (given.hasMatchedOption("--runs")) {
            throw new ParameterException(spec.commandLine(), "--runs counts the timed runs of --cli: add --cli, or "
                    + "leave out --runs.");
        }
    }

    /** The session the bench goes through, refused before connecting if its URL names {@value BenchDatabase#NAME}. */
    private DatabaseSession benchSession() {
        DatabaseSession session = root.session();
        BenchDatabase.refuseAsTheDoor(session.urlDatabase());
        return session;
    }

    /** {@code --cli}: whole processes of the launcher beside this project, in a scratch database of their own. */
    private int timeWholeProcesses() {
        DatabaseSession session = benchSession();
        BenchDatabase.create(session.dataSource(), replace);
        CliBenchResult result;
        try {
            result = new CliBench(root.project().resolve("retort"), session.postgresUrlFor(BenchDatabase.NAME),
                    session.dataSourceFor(BenchDatabase.NAME)).withRuns(runs, CliBench.DEFAULT_WARMUPS).run();
        } finally {
            if (!keep) {
                BenchDatabase.drop(session.dataSource());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (root.json()) {
            Json.print(out, result.json());
        } else {
            out.print(result.markdown());
        }
        return ExitCodes.OK;
    }

    @Override
    public Integer call() {
        refuseOptionsOfTheOtherMode();
        if (cli) {
            return timeWholeProcesses();
        }
        BenchOptions options = options();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseSession session = benchSession();
        String database = session.describe();
        Narration narration = new Narration(err, root.redrawsProgress());
        narration.say("Database: %s; the bench works in %s beside it.", database, BenchDatabase.NAME);
        BenchDatabase.create(session.dataSource(), replace);
        BenchResult result;
        try {
            result = Bench.run(session.dataSourceFor(BenchDatabase.NAME), options, narration);
        } finally {
            if (keep) {
                narration.say("Kept %s (--keep): drop it with DROP DATABASE %s, or run the bench with --replace.",
                        BenchDatabase.NAME, BenchDatabase.NAME);
            } else {
                BenchDatabase.drop(session.dataSource());
            }
        }
        Path folder = out != null ? out : root.project().resolve(DEFAULT_OUT);
        List<Path> charts = Charts.write(result, folder);
        String markdown = BenchReport.markdown(result) + "Charts: " + String.join(", ",
                charts.stream().map(Path::toString).toList()) + "\n";
        Map<String, Object> document = BenchReport.document(result);
        document.put("database", database);
        document.put("kept", keep);
        document.put("charts", charts.stream().map(Path::toString).toList());
        write(folder.resolve("bench.md"), markdown);
        write(folder.resolve("bench.json"), Json.text(document));
        if (root.json()) {
            Json.print(spec.commandLine().getOut(), document);
        } else {
            spec.commandLine().getOut().print(markdown);
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }

    private BenchOptions options() {
        BenchOptions defaults = BenchOptions.defaults(scale);
        try {
            return new BenchOptions(scale, seed, streams == null ? defaults.streams() : streams, writers,
                    writerRate, baseline, plainTries, warmUp, executions, cellTime, keep);
        } catch (IllegalArgumentException e) {
            throw new BenchRefusedException(e.getMessage() + ".");
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code --scale}: small, 1m, or three counts; anything else is a usage error that lists the choices. */
    static final class ScaleConverter implements ITypeConverter<Scale> {
        @Override
        public Scale convert(String value) {
            try {
                return Scale.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
