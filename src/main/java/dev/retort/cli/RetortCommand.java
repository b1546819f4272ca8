package dev.retort.cli;

import dev.retort.Retort;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The top of the command line: the options every verb shares, and where the database comes from. */
@Command(name = "retort",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Schema migrations for PostgreSQL, with Alembic's verbs.",
                "",
                "With no --url and no DATABASE_URL, Retort runs on an embedded PostgreSQL whose data it keeps in "
                        + ".retort/ beside the retort script (or in $RETORT_HOME/.retort/)."},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  DATABASE_URL      the database, when --url is not given",
                "  PGPASSWORD        the password, when the URL has none (then ~/.pgpass)",
                "  PGPASSFILE        the password file to read instead of ~/.pgpass",
                "  PGSSLMODE, …      libpq's TLS settings, for what the URL leaves out",
                "  RETORT_HOME       the folder for the embedded PostgreSQL's .retort/",
                "  RETORT_JAVA_OPTS  JVM options for ./retort, e.g. -Xmx2g",
                "",
                "Examples:",
                "  retort upgrade head",
                "  retort --url postgresql://app@db.example.com:5432/app current",
                "  retort downgrade -1"})
public final class RetortCommand implements Callable<Integer> {

    private final Supplier<List<Revision>> revisions;
    private final Map<String, String> environment;
    private final Folders folders;
    private final EarlyConnection early;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The database: postgresql://user:password@host:5432/db, jdbc:postgresql://host:5432/db "
                    + "or 'host=… dbname=… user=…'. Default: $DATABASE_URL, else the embedded PostgreSQL in .retort/. "
                    + "A password it lacks comes from $PGPASSWORD, else ~/.pgpass ($PGPASSFILE); it never shows in "
                    + "any output.")
    String url;

    @Option(names = "--lock-wait", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for another runner: for its migration lock on the database, or for the "
                    + "embedded PostgreSQL while another retort uses it; e.g. 500ms, 10s, 2m (a bare number is "
                    + "seconds). Default: 60s.")
    Duration lockWait = Migrator.DEFAULT_LOCK_WAIT;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print one JSON document on stdout instead of text (fields: see the README); errors too, "
                    + "as {\"error\": {\"code\": …, \"message\": …}}, with the same exit codes.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean debug;

    private DatabaseSession session;
    private UnaryOperator<MigrationListener> listenerHook = UnaryOperator.identity();
    private RevisionGraph graph;

    /** For a {@code checkout} that keeps the embedded data inside itself, as {@code ./retort} without RETORT_HOME. */
    public RetortCommand(Supplier<List<Revision>> revisions, Map<String, String> environment, Path checkout) {
        this(revisions, environment, Folders.of(checkout), EarlyConnection.NONE);
    }

    RetortCommand(Supplier<List<Revision>> revisions, Map<String, String> environment, Folders folders,
                  EarlyConnection early) {
        this.revisions = revisions;
        this.environment = environment;
        this.folders = folders;
        this.early = early;
    }

    /**
     * {@code retort} alone: the usage, on stderr as for any usage error, since no verb was given; with {@code --json},
     * the error document on stdout too, as every other error gives one.
     */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        if (json) {
            Json.printError(spec.commandLine().getOut(), ExitCodes.USAGE, "No command given. See 'retort --help'.");
        }
        return ExitCodes.USAGE;
    }

    /** The revision chain; building it checks it, so a broken list is reported before any database work. */
    RevisionGraph graph() {
        if (graph == null) {
            graph = new RevisionGraph(revisions.get());
        }
        return graph;
    }

    /**
     * The server to use, or null for the embedded one. An empty {@code --url} or {@code DATABASE_URL} is refused
     * rather than read as "none": {@code --url "$UNSET_VARIABLE"} must never migrate the embedded database instead.
     * A password missing from the URL is taken from {@code PGPASSWORD}, as psql does.
     */
    ConnectionUrl connectionUrl() {
        String source = url != null ? "--url" : "DATABASE_URL";
        String given = url != null ? url : environment.get("DATABASE_URL");
        if (given == null) {
            return null;
        }
        if (given.isBlank()) {
            throw new InvalidUrlException(source + " is empty. Give postgresql://user:password@host:5432/database, or "
                    + (url != null ? "leave --url out" : "unset DATABASE_URL") + " to use the embedded PostgreSQL.");
        }
        return ConnectionUrl.fromEnvironment(given, environment);
    }

    /** The project's checkout: where revision and snapshot --write write, whatever RETORT_HOME says. */
    Path project() {
        return folders.project();
    }

    Duration lockWait() {
        return lockWait;
    }

    /**
     * The database session, opened on first use and closed by {@link Main} when the command ends. The revision list
     * is checked first: a broken one is the project's mistake, reported before any server is started or reached.
     */
    DatabaseSession session() {
        if (session == null) {
            graph();
            ConnectionUrl server = connectionUrl();
            if (server != null && server.password() == null) {
                PasswordFile.followHome(environment);
                PasswordFile.exposed(environment).ifPresent(file -> {
                    spec.commandLine().getErr().println(PasswordFile.warning(file));
                    PasswordFile.ignoreFromNowOn();
                });
            }
            session = new DatabaseSession(server, folders.home(), lockWait(), spec.commandLine().getErr(), early);
        }
        return session;
    }

    Migrator migrator(MigrationListener listener) {
        return migrator(listener, LockPolicy.DEFAULT);
    }

    Migrator migrator(MigrationListener listener, LockPolicy lockPolicy) {
        return retort(listener, lockPolicy).migrator();
    }

    /** The library facade over this command's database: the CLI is one of its users. */
    Retort retort(MigrationListener listener, LockPolicy lockPolicy) {
        return new Retort(session().dataSource(), graph().revisions(), listenerHook.apply(listener), lockWait,
                lockPolicy);
    }

    /**
     * Lets a test harness see (and stop at) every step and statement of a real run, e.g. to kill the process at a
     * statement boundary. Nothing in Retort itself sets it.
     */
    void hookListener(UnaryOperator<MigrationListener> hook) {
        this.listenerHook = hook;
    }

    void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    boolean json() {
        return json;
    }

    /**
     * Whether progress may redraw one line: a terminal (System.console() is there only when stdin and stdout both
     * are one), and no --json.
     */
    boolean redrawsProgress() {
        return System.console() != null && !json;
    }

    boolean debug() {
        return debug;
    }
}
