package dev.retort.cli;

import dev.retort.engine.FreshSessions;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * pgjdbc's simple data source, connecting through pgjdbc's driver itself rather than through {@code DriverManager}.
 * The first {@code DriverManager.getConnection} of a process looks for JDBC drivers in every jar on the class path
 * (a service lookup that opens each of them), and a command that lives a fraction of a second pays for that on its
 * first connection for nothing: the driver is known.
 *
 * <p>Each connection is a session of its own, ended by its close ({@link FreshSessions}): a run need not put its
 * settings back.
 */
final class DirectDataSource extends PGSimpleDataSource implements FreshSessions {

    private static final long serialVersionUID = 1L;
    private static final Driver DRIVER = new Driver();

    /** As {@code DriverManager.getConnection(url, user, password)} does, with pgjdbc's driver. */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        Connection connection = DRIVER.connect(getUrl(), properties);
        if (connection == null) {
            throw new SQLException("pgjdbc does not take the URL " + getDescription(), "08001");
        }
        return connection;
    }
}
