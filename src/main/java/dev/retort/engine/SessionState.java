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
 * <p>A revision may leave more in the session than settings: a session-level advisory lock, a temporary table, a
 * {@code LISTEN}, a {@code WITH HOLD} cursor. Each kind the session held none of when lent is cleared on the way out;
 * a kind the session already held some of, and now holds a different number of, cannot be told apart from the
 * application's own, so the session is aborted instead.
 *
 * <p>Reads only need {@link #transactionOf}: they change no setting, but a pool whose connections are out of autocommit
 * would get them back inside the transaction the reads began.
 *
 * <p>A session that cannot be put back (the connection broke, a setting refuses its old value) is aborted, so that no
 * pool hands it out as it is; closing never throws, since what the run did is done and the caller cannot help it.
 */
final class SessionState implements AutoCloseable {

    /**
     * How many of each kind of {@link Leftover} the session holds, in the enum's order. No index serves pg_class by
     * schema alone, so its scan (thousands of rows in a big database) is made only by a session that has had a
     * temporary schema: most never have.
     */
    private static final String LEFTOVERS = """
            (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
            CASE WHEN pg_my_temp_schema() = 0 THEN 0
                 ELSE (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()) END,
            (SELECT count(*) FROM pg_listening_channels()),
            (SELECT count(*) FROM pg_cursors WHERE is_holdable)""";
    /** One round trip: the leftovers in every row, the settings one a row (none: one row, its name null). */
    private static final String READ = "SELECT s.name, s.setting, " + LEFTOVERS
            + " FROM (SELECT 1) AS always LEFT JOIN pg_settings s ON s.source = 'session'";
    /** One round trip: those set now or before, each set to what it was, or else to its reset value; the leftovers. */
    private static final String RESTORE = """
            SELECT (SELECT count(set_config(s.name, coalesce(b.setting, s.reset_val), false))
                    FROM pg_settings s LEFT JOIN unnest(?::text[], ?::text[]) AS b(name, setting) ON b.name = s.name
                    WHERE (s.source = 'session' OR b.name IS NOT NULL)
                      AND s.setting IS DISTINCT FROM coalesce(b.setting, s.reset_val)),
            """ + LEFTOVERS;

    /** What a session keeps past a transaction besides its settings, and the statement that clears every one. */
    private enum Leftover {
        ADVISORY_LOCKS("SELECT pg_advisory_unlock_all()"),
        TEMPORARY_RELATIONS("DISCARD TEMP"),
        LISTEN_CHANNELS("UNLISTEN *"),
        HELD_CURSORS("CLOSE ALL");

        private final String clear;

        Leftover(String clear) {
            this.clear = clear;
        }
    }

    private final Connection connection;
    private final boolean autoCommit;
    /** Null when only the transaction is put back. */
    private final List<String> names;
    private final List<String> settings;
    /** Of each {@link Leftover}, how many the session held when lent; null with {@code names}. */
    private final long[] leftovers;

    private SessionState(Connection connection, boolean autoCommit, List<String> names, List<String> settings,
                         long[] leftovers) {
        this.connection = connection;
        this.autoCommit = autoCommit;
        this.names = names;
        this.settings = settings;
        this.leftovers = leftovers;
    }

    /** Notes autocommit, the settings the session has set and its leftovers, for a run that may change them. */
    static SessionState of(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        List<String> names = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        long[] leftovers = null;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(READ)) {
            while (rows.next()) {
                if (rows.getString(1) != null) {
                    names.add(rows.getString(1));
                    settings.add(rows.getString(2));
                }
                leftovers = leftovers(rows, 3);
            }
        }
        if (!autoCommit) {
            connection.rollback(); // the read began a transaction; the run starts outside any
        }
        return new SessionState(connection, autoCommit, names, settings, leftovers);
    }

    /** Notes autocommit only, for reads: no round trip. */
    static SessionState transactionOf(Connection connection) throws SQLException {
        return new SessionState(connection, connection.getAutoCommit(), null, null, null);
    }

    private static long[] leftovers(ResultSet row, int firstColumn) throws SQLException {
        long[] counts = new long[Leftover.values().length];
        for (int kind = 0; kind < counts.length; kind++) {
            counts[kind] = row.getLong(firstColumn + kind);
        }
        return counts;
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
                if (!clearedLeftovers(restoreSettings())) {
                    abortQuietly();
                    return;
                }
            }
            connection.setAutoCommit(autoCommit);
        } catch (SQLException | RuntimeException e) {
            abortQuietly();
        }
    }

    /** @return the leftovers the session holds now */
    private long[] restoreSettings() throws SQLException {
        try (PreparedStatement restore = connection.prepareStatement(RESTORE)) {
            Array namesArray = connection.createArrayOf("text", names.toArray());
            Array settingsArray = connection.createArrayOf("text", settings.toArray());
            restore.setArray(1, namesArray);
            restore.setArray(2, settingsArray);
            try (ResultSet row = restore.executeQuery()) {
                row.next();
                return leftovers(row, 2);
            }
        }
    }

    /**
     * Clears what the run left of each kind the session held none of when lent.
     *
     * @return false when a kind it held some of changed: the run's cannot be told from the application's
     */
    private boolean clearedLeftovers(long[] now) throws SQLException {
        for (Leftover kind : Leftover.values()) {
            long lent = leftovers[kind.ordinal()];
            if (now[kind.ordinal()] == lent) {
                continue;
            }
            if (lent > 0) {
                return false;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(kind.clear);
            }
        }
        return true;
    }

    private void abortQuietly() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // Nothing more can be done for it; the pool finds it broken at its next use.
        }
    }
}
