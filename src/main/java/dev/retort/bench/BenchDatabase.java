package dev.retort.bench;

import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.SqlErrors;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database the bench works in, {@value #NAME}, on the server of the URL: created at the start, dropped at the
 * end. The URL's own database is only the door to the server (CREATE and DROP DATABASE are run from it); nothing
 * in it is read or written.
 *
 * <p>It refuses rather than guesses: a {@value #NAME} that already exists was left by {@code --keep} or by a bench
 * that was killed, or belongs to a bench running now, so it is dropped only when asked ({@code replace}); and a URL
 * that names {@value #NAME} itself is refused, since the bench would drop the database it was pointed at.
 */
public final class BenchDatabase {

    public static final String NAME = "retort_bench";

    private BenchDatabase() {
    }

    /** Creates {@value #NAME} on the server of {@code server}; with {@code replace}, drops an existing one first. */
    public static void create(DataSource server, boolean replace) {
        refuseAsTheDoor(query(server, "SELECT current_database()"));
        boolean exists = "t".equals(query(server, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '"
                + NAME + "')"));
        if (exists && !replace) {
            throw new BenchRefusedException("The database " + NAME + " already exists on that server: left by "
                    + "bench --keep, by a bench that was killed, or in use by a bench running now. Drop it "
                    + "(DROP DATABASE " + NAME + "), or run the bench with --replace to drop it first.");
        }
        if (exists) {
            execute(server, "DROP DATABASE " + NAME + " WITH (FORCE)");
        }
        execute(server, "CREATE DATABASE " + NAME);
    }

    /**
     * Refuses {@code database} as the door to the server if it is {@value #NAME} itself. Called with the URL's own
     * database before connecting, so that a URL naming a {@value #NAME} that does not exist yet is refused for what
     * it is rather than reported missing (with advice to create it); and with the server's answer once connected.
     */
    public static void refuseAsTheDoor(String database) {
        if (NAME.equals(database)) {
            throw new BenchRefusedException("The URL names the database " + NAME + ", which the bench creates and "
                    + "drops. Point --url at another database on that server (e.g. postgres); the bench only uses it "
                    + "to create " + NAME + " beside it.");
        }
    }

    /** Drops {@value #NAME}, ending any session still in it; nothing if it is not there. */
    public static void drop(DataSource server) {
        execute(server, "DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
    }

    private static String query(DataSource server, String sql) {
        try (Connection connection = connect(server); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            throw new BenchException("Could not run " + sql + ": " + SqlErrors.describe(e), e);
        }
    }

    private static void execute(DataSource server, String sql) {
        try (Connection connection = connect(server); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new BenchException("Could not run " + sql + ": " + SqlErrors.describe(e)
                    + (Jdbc.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())
                    ? ". The bench needs " + SqlErrors.MAY_CREATE_DATABASES + "." : ""), e);
        }
    }

    /** As the engine does: a server that cannot be reached is a connection failure (exit 4), not a bench failure. */
    private static Connection connect(DataSource server) {
        try {
            return server.getConnection();
        } catch (SQLException e) {
            throw new ConnectionFailedException(SqlErrors.describe(e), e);
        }
    }
}
