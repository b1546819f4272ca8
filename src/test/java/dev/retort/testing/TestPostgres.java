package dev.retort.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (zonky's embedded binaries) for the whole test JVM, and a fresh database for each caller.
 *
 * <p>Starting PostgreSQL costs seconds; creating a database costs milliseconds. So the server is shared and
 * isolation comes from databases: each test class asks for its own with {@link #newDatabase(String)}.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL for tests", e);
            }
        }
        return server;
    }

    /** Creates an empty database named after the caller (plus a counter) and returns it. */
    public static TestDatabase newDatabase(String hint) {
        String name = (hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + DATABASES.incrementAndGet()).toLowerCase();
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        try (Connection connection = server().getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return new TestDatabase(name, server().getPort());
    }

    /** Drops a database made by {@link #newDatabase}, ending any session still connected to it. */
    public static void drop(TestDatabase database) {
        try (Connection connection = server().getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE \"" + database.name() + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + database.name(), e);
        }
    }

    /** A database of the shared test server. */
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

        /** The tables in schema public, by name. */
        public List<String> tables() throws SQLException {
            return column("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
        }
    }
}
