package dev.retort.testing;

import dev.retort.Retort;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (zonky's embedded binaries) per major for the whole test JVM, and a fresh database for each
 * caller.
 *
 * <p>Starting PostgreSQL costs seconds; creating a database costs milliseconds. So each server is shared and
 * isolation comes from databases: each test class asks for its own with {@link #newDatabase(String)}, on the default
 * major, or {@link #newDatabase(int, String)}. A server starts when a test first asks for its major and runs until the
 * JVM exits.
 */
public final class TestPostgres {

    /** The major the application embeds; its binaries are on the classpath, the others' in target/pg-binaries. */
    public static final int DEFAULT_MAJOR = 17;

    /** Where Maven copies the other majors' jars; surefire sets it, the fallback serves a run from the IDE. */
    private static final String BINARIES_PROPERTY = "retort.test.postgres.binaries";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Map<Integer, EmbeddedPostgres> SERVERS = new HashMap<>();

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server(int major) {
        EmbeddedPostgres server = SERVERS.get(major);
        if (server == null) {
            server = start(major);
            SERVERS.put(major, server);
        }
        return server;
    }

    private static EmbeddedPostgres start(int major) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (major != DEFAULT_MAJOR) {
            builder.setPgBinaryResolver(new PostgresBinariesJar(binariesJar(major)));
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL " + major + " for tests", e);
        }
    }

    private static Path binariesJar(int major) {
        if (!PostgresVersions.SUPPORTED.contains(major)) {
            throw new IllegalArgumentException("no PostgreSQL " + major + " for tests; supported: "
                    + PostgresVersions.SUPPORTED);
        }
        Path jar = Path.of(System.getProperty(BINARIES_PROPERTY, "target/pg-binaries"), "postgres-" + major + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no PostgreSQL " + major + " binaries at " + jar.toAbsolutePath()
                    + ": mvn generate-test-resources copies them (pom.xml needs a pg-binaries profile for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + "), or test only " + DEFAULT_MAJOR + " with -D" + PostgresVersions.PROPERTY + "=" + DEFAULT_MAJOR);
        }
        return jar;
    }

    /** Creates an empty database on the default major, named after the caller (plus a counter), and returns it. */
    public static TestDatabase newDatabase(String hint) {
        return newDatabase(DEFAULT_MAJOR, hint);
    }

    /** Creates an empty database on the given major, starting its server if no test has yet, and returns it. */
    public static TestDatabase newDatabase(int major, String hint) {
        String name = (hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + DATABASES.incrementAndGet()).toLowerCase();
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        EmbeddedPostgres server = server(major);
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return new TestDatabase(name, server.getPort());
    }

    /** Drops a database made by {@link #newDatabase}, ending any session still connected to it. */
    public static void drop(TestDatabase database) {
        try (Connection connection = serverOnPort(database.port()).getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE \"" + database.name() + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + database.name(), e);
        }
    }

    /** The server process of {@code connection}'s session: what pg_locks and pg_stat_activity name it by. */
    public static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static synchronized EmbeddedPostgres serverOnPort(int port) {
        return SERVERS.values().stream().filter(server -> server.getPort() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no test server on port " + port));
    }

    /** A database of one of the shared test servers. */
    public record TestDatabase(String name, int port) {

        public String jdbcUrl() {
            return "jdbc:postgresql://localhost:" + port + "/" + name + "?user=postgres";
        }

        /** The same database as a libpq-style URL, as users pass it to {@code --url}. */
        public String postgresUrl() {
            return "postgresql://postgres@localhost:" + port + "/" + name;
        }

        public DataSource dataSource() {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setServerNames(new String[] {"localhost"});
            dataSource.setPortNumbers(new int[] {port});
            dataSource.setDatabaseName(name);
            dataSource.setUser("postgres");
            return dataSource;
        }

        public Connection connect() throws SQLException {
            return dataSource().getConnection();
        }

        /** A connection that shows as {@code applicationName} in pg_stat_activity: a session that plays a part. */
        public Connection connect(String applicationName) throws SQLException {
            PGSimpleDataSource dataSource = (PGSimpleDataSource) dataSource();
            dataSource.setApplicationName(applicationName);
            return dataSource.getConnection();
        }

        /** Runs SQL in autocommit on a connection of its own: for setting a scene by hand. */
        public void execute(String sql) throws SQLException {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }

        /** The first column of every row, as text. */
        public List<String> column(String sql) throws SQLException {
            List<String> values = new ArrayList<>();
            try (Connection connection = connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(sql)) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }

        /** What the server says it is, e.g. "16.15": {@code SHOW server_version}. */
        public String serverVersion() throws SQLException {
            return column("SHOW server_version").get(0);
        }

        /** The server's major, from {@code server_version_num} (160010 is 16). */
        public int serverMajor() throws SQLException {
            return Integer.parseInt(column("SHOW server_version_num").get(0)) / 10_000;
        }

        /** The catalog as the engine reads it, Retort's own tables left out: what the snapshots hold. */
        public String schema() {
            return Retort.using(dataSource()).migrator().liveSchema();
        }

        /** The tables in schema public, by name. */
        public List<String> tables() throws SQLException {
            return column("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
        }
    }
}
