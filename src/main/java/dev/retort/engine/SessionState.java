package dev.retort.engine;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * How a connection from the caller's {@code DataSource} was when Retort took it, put back before Retort lets go of it.
 *
 * <p>A pool hands the same session out again, to the application: a {@code lock_timeout} of 1 s, a
 * {@code statement_timeout} of 0 in place of the role's, or a transaction left open would follow the application's
 * queries for as long as the session lives. Pools put back autocommit at most, never the server's settings. So a run
 * notes the settings the session itself set ({@code pg_settings.source = 'session'}: those a {@code SET} made, the
 * pool's or the application's included), and on the way out sets those back and resets every other one that the run,
 * or a revision, set in the session. Settings of the role, the database or the connection's start-up are the
 * session's reset values, and so come back too.
 *
 * <p>Reads only need {@link #transactionOf}: they change no setting, but a pool whose connections are out of autocommit
 * would get them back inside the transaction the reads began.
 *
 * <p>A session that cannot be put back (the connection broke, a setting refuses its old value) is aborted, so that no
 * pool hands it out as it is; closing never throws, since what the run did is done and the caller cannot help it.
 */
final class SessionState implements AutoCloseable {

    private static final String READ = "SELECT name, setting FROM pg_settings WHERE source = 'session'";
    /** One round trip: those set now or before, each set to what it was, or else to its reset value. */
    private static final String RESTORE = """
            SELECT count(set_config(s.name, coalesce(b.setting, s.reset_val), false))
            FROM pg_settings s LEFT JOIN unnest(?::text[], ?::text[]) AS b(name, setting) ON b.name = s.name
            WHERE (s.source = 'session' OR b.name IS NOT NULL)
              AND s.setting IS DISTINCT FROM coalesce(b.setting, s.reset_val)""";

    private final Connection connection;
    private final boolean autoCommit;
    /** Null when only the transaction is put back. */
    private final List<String> names;
    private final List<String> settings;

    private SessionState(Connection connection, boolean autoCommit, List<String> names, List<String> settings) {
        this.connection = connection;
        this.autoCommit = autoCommit;
        this.names = names;
        this.settings = settings;
    }

    /** Notes autocommit and the settings the session has set, for a run that changes them. One round trip. */
    static SessionState of(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        List<String> names = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(READ)) {
            while (rows.next()) {
                names.add(rows.getString(1));
                settings.add(rows.getString(2));
            }
        }
        if (!autoCommit) {
            connection.rollback(); // the read began a transaction; the run starts outside any
        }
        return new SessionState(connection, autoCommit, names, settings);
    }

    /** Notes autocommit only, for reads: no round trip. */
    static SessionState transactionOf(Connection connection) throws SQLException {
        return new SessionState(connection, connection.getAutoCommit(), null, null);
    }

    @Override
    public void close() {
        try {
            if (connection.isClosed()) {
                return;
            }
            if (!connection.getAutoCommit()) {
                connection.rollback(); // whatever is still open was Retort's, and failed or was read only
            }
            if (names != null) {
                connection.setAutoCommit(true);
                restoreSettings();
            }
            connection.setAutoCommit(autoCommit);
        } catch (SQLException | RuntimeException e) {
            abortQuietly();
        }
    }

    private void restoreSettings() throws SQLException {
        try (PreparedStatement restore = connection.prepareStatement(RESTORE)) {
            Array namesArray = connection.createArrayOf("text", names.toArray());
            Array settingsArray = connection.createArrayOf("text", settings.toArray());
            restore.setArray(1, namesArray);
            restore.setArray(2, settingsArray);
            restore.execute();
        }
    }

    private void abortQuietly() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // Nothing more can be done for it; the pool finds it broken at its next use.
        }
    }
}
