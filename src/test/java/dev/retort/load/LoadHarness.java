package dev.retort.load;

import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What a migration costs live traffic, measured by hand against a server of your own:
 *
 * <pre>
 * mvn -q -DskipTests package
 * java -cp 'target/classes:target/test-classes:target/lib/*' dev.retort.load.LoadHarness \
 *     --url 'jdbc:postgresql://127.0.0.1:55432/postgres?user=postgres' --users 1000000 --audit 2000000 --mode plain
 * </pre>
 *
 * <p>Creates a fresh database on that server (the URL's own database is only used to create and drop it), brings it
 * to 003 and loads it ({@link SeedData}), starts the writers ({@link WriterLoad}), lets them warm up, measures them
 * alone as a baseline, then takes the database to the head ({@link MigrationMode}) while they run, stops them and
 * prints a markdown table. The database is dropped afterwards unless {@code --keep-database}.
 */
@Command(name = "load-harness", description = "Writers' latency while Retort migrates 003 -> head, plain or online.")
public final class LoadHarness implements Callable<Integer> {

    static final String WARM_UP_PHASE = "warm-up";
    static final String BASELINE_PHASE = "baseline";
    static final String MIGRATION_PHASE = "migration";
    static final String AFTER_PHASE = "after";

    @Option(names = "--url", required = true,
            description = "jdbc:postgresql:// URL of a database on the server; a fresh database is created beside it.")
    String url;

    @Option(names = "--mode", required = true,
            description = "plain (the foundation's DDL for 004-006) or online (whatever the engine does).")
    MigrationMode mode;

    @Option(names = "--users", defaultValue = "1000000", description = "Users to load (default: ${DEFAULT-VALUE}).")
    long users;

    @Option(names = "--customers", description = "Customers to load (default: as many as users).")
    Long customers;

    @Option(names = "--audit", description = "Audit log entries to load (default: twice the users).")
    Long auditLogs;

    @Option(names = "--writers", defaultValue = "4", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--warm-up", defaultValue = "2", description = "Seconds of writing before the baseline.")
    int warmUpSeconds;

    @Option(names = "--baseline", defaultValue = "3", description = "Seconds of writing alone, measured.")
    int baselineSeconds;

    @Option(names = "--after", defaultValue = "1", description = "Seconds of writing after the migration.")
    int afterSeconds;

    @Option(names = "--attempts", defaultValue = "3",
            description = "Tries per revision (plain) or per upgrade (online) before giving up.")
    int attempts;

    @Option(names = "--keep-database", description = "Leave the loaded database in place afterwards.")
    boolean keepDatabase;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final PrintStream out;

    LoadHarness(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.out).execute(args));
    }

    static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new LoadHarness(out)).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        SeedData.Sizes sizes = new SeedData.Sizes(users, customers == null ? users : customers,
                auditLogs == null ? 2 * users : auditLogs);
        String database = "retort_load_" + mode.word() + "_"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
        execute(dataSource(null, "retort-load"), "CREATE DATABASE " + database);
        try {
            return measure(mode, sizes, database);
        } finally {
            if (keepDatabase) {
                out.println("Kept database " + database + ".");
            } else {
                execute(dataSource(null, "retort-load"), "DROP DATABASE " + database + " WITH (FORCE)");
            }
        }
    }

    private int measure(MigrationMode migrationMode, SeedData.Sizes sizes, String database) throws Exception {
        out.println(serverSettings(database));
        out.printf("Loading %s at 003: %,d users, %,d customers, %,d audit logs …%n", database, sizes.users(),
                sizes.customers(), sizes.auditLogs());
        SeedData.Timings load = SeedData.loadAt003(dataSource(database, "retort-load-seed"), sizes);
        out.printf("Loaded in %s (schema %s, users %s, customers and audit logs %s, indexes %s, vacuum analyze %s).%n",
                LoadReport.seconds(load.total()), LoadReport.seconds(load.schema()), LoadReport.seconds(load.users()),
                LoadReport.seconds(load.customersAndAuditLogs()), LoadReport.seconds(load.indexes()),
                LoadReport.seconds(load.vacuumAnalyze()));
        checkpoint(database);

        WriterLoad writerLoad = WriterLoad.start(dataSource(database, "retort-load-writer"), sizes, writers,
                WARM_UP_PHASE);
        MigrationOutcome migration;
        WriterLoad.Result result;
        try {
            TimeUnit.SECONDS.sleep(warmUpSeconds);
            writerLoad.startPhase(BASELINE_PHASE);
            TimeUnit.SECONDS.sleep(baselineSeconds);
            writerLoad.startPhase(MIGRATION_PHASE);
            out.println("Migrating 003 -> head, " + migrationMode.word() + ", with " + writers + " writers …");
            migration = migrationMode.run(dataSource(database, "retort-load-migration"), attempts);
            writerLoad.startPhase(AFTER_PHASE);
            TimeUnit.SECONDS.sleep(afterSeconds);
        } finally {
            result = writerLoad.stop();
        }
        out.println();
        out.print(LoadReport.markdown(sizes, writers, migration, result));
        return 0;
    }

    /** A checkpoint now, so that the load's dirty pages are not written out in the middle of the measurement. */
    private void checkpoint(String database) {
        try {
            execute(dataSource(database, "retort-load"), "CHECKPOINT");
        } catch (SQLException e) {
            out.println("No checkpoint before measuring (" + e.getMessage().strip() + "); numbers may be noisier.");
        }
    }

    /** What the numbers depend on besides the harness: the server's version and settings, the client's load. */
    private String serverSettings(String database) throws SQLException {
        try (Connection connection = dataSource(database, "retort-load").getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("""
                     SELECT 'PostgreSQL ' || current_setting('server_version')
                            || ', shared_buffers ' || current_setting('shared_buffers')
                            || ', max_wal_size ' || current_setting('max_wal_size')
                            || ', maintenance_work_mem ' || current_setting('maintenance_work_mem')
                            || ', deadlock_timeout ' || current_setting('deadlock_timeout')
                            || ', lock_timeout ' || current_setting('lock_timeout')
                     """)) {
            row.next();
            return String.format(Locale.ROOT, "%s; client: %d cores, load average %.1f", row.getString(1),
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** The server of {@code --url}, on {@code database} (or the URL's own when null). */
    private DataSource dataSource(String database, String applicationName) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        if (database != null) {
            dataSource.setDatabaseName(database);
        }
        dataSource.setApplicationName(applicationName);
        return dataSource;
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
