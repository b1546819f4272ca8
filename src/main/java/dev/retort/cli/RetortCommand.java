package dev.retort.cli;

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
import java.util.function.Supplier;

/** The top of the command line: the options every verb shares, and where the database comes from. */
@Command(name = "retort",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Schema migrations for PostgreSQL, with Alembic's verbs.",
                "",
                "With no --url and no DATABASE_URL, Retort runs on an embedded PostgreSQL whose data it keeps in .retort/."},
        subcommands = {
                CurrentCommand.class, HistoryCommand.class, HeadsCommand.class, ShowCommand.class,
                UpgradeCommand.class, DowngradeCommand.class, StampCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  done",
                "  1  a migration or database error (the failed step was rolled back)",
                "  2  bad usage or input (nothing was changed)",
                "  3  verify found drift",
                "  4  cannot connect or authenticate",
                "  5  the migration lock was not had within --lock-wait",
                "",
                "Examples:",
                "  retort upgrade head",
                "  retort --url postgresql://app@db.example.com:5432/app current",
                "  retort downgrade -1"})
public final class RetortCommand {

    private final Supplier<List<Revision>> revisions;
    private final Map<String, String> environment;
    private final Path home;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The database: postgresql://user:password@host:5432/db or jdbc:postgresql://host:5432/db. "
                    + "Default: $DATABASE_URL, else the embedded PostgreSQL in .retort/.")
    String url;

    @Option(names = "--lock-wait", scope = ScopeType.INHERIT, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for another runner's migration lock, e.g. 500ms, 10s, 2m. Default: 60s.")
    Duration lockWait = Migrator.DEFAULT_LOCK_WAIT;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean debug;

    private DatabaseSession session;

    public RetortCommand(Supplier<List<Revision>> revisions, Map<String, String> environment, Path home) {
        this.revisions = revisions;
        this.environment = environment;
        this.home = home;
    }

    /** The revision chain; building it checks it, so a broken list is reported before any database work. */
    RevisionGraph graph() {
        return new RevisionGraph(revisions.get());
    }

    ConnectionUrl connectionUrl() {
        String given = url != null ? url : environment.get("DATABASE_URL");
        return given == null || given.isBlank() ? null : ConnectionUrl.parse(given);
    }

    Duration lockWait() {
        return lockWait;
    }

    /** The database session, opened on first use and closed by {@link Main} when the command ends. */
    DatabaseSession session() {
        if (session == null) {
            session = new DatabaseSession(connectionUrl(), home, lockWait(), spec.commandLine().getErr());
        }
        return session;
    }

    Migrator migrator(MigrationListener listener) {
        RevisionGraph graph = graph();
        Duration wait = lockWait();
        return new Migrator(session().dataSource(), graph, listener, wait);
    }

    void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    boolean debug() {
        return debug;
    }
}
