package dev.retort.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Another session that stands in a migration's way, as {@code pg_stat_activity} shows it: enough for an operator
 * to find it (pid, application), judge it (state, how long its transaction has been open) and recognise it (the
 * start of its query).
 *
 * @param transactionStart when its transaction began, or null if it is not in one
 * @param queryStart       when its current (or, when idle, last) query began
 * @param table            the table it holds a lock on, when known
 */
public record BlockingSession(int pid, String applicationName, String state, Instant transactionStart,
                              Instant queryStart, String query, String table) {

    /** What pg_stat_activity shows of another role's session to a role without pg_read_all_stats. */
    private static final String HIDDEN = "<insufficient privilege>";
    private static final String COLUMNS = """
            a.pid, a.application_name, a.state, a.xact_start, a.query_start,
            left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80)""";

    /** The sessions that {@code pid} is waiting for right now ({@code pg_blocking_pids}). */
    static List<BlockingSession> blocking(Connection connection, int pid) throws SQLException {
        String sql = "SELECT " + COLUMNS + ", NULL FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids(?))"
                + " ORDER BY a.xact_start NULLS LAST";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setInt(1, pid);
            return read(query);
        }
    }

    /**
     * Sessions that hold a lock on one of {@code tables} and are idle in a transaction or have had one open longer
     * than {@code olderThan}: a statement that needs a strong lock on those tables will wait for them.
     */
    static List<BlockingSession> holdingLocksOn(Connection connection, Collection<String> tables, Duration olderThan,
                                                Collection<Integer> ours) throws SQLException {
        return lockHolders(connection, tables, ours,
                "(a.state LIKE 'idle in transaction%' OR a.xact_start < clock_timestamp() - ?::interval)",
                olderThan.toMillis() + " milliseconds");
    }

    /**
     * Sessions that hold a lock on one of {@code tables} in a mode that conflicts with {@code wanted}: those a
     * statement asking for {@code wanted} there waits for. Unlike {@link #blocking}, this still answers once the wait
     * has ended, as a lock timeout leaves the holders holding.
     */
    static List<BlockingSession> holdingConflictingLocks(Connection connection, Collection<String> tables,
                                                         LockMode wanted, Collection<Integer> ours)
            throws SQLException {
        String[] modes = Arrays.stream(LockMode.values()).filter(wanted::conflictsWith).map(LockMode::pgLocksName)
                .toArray(String[]::new);
        return lockHolders(connection, tables, ours, "l.mode = ANY (?::text[])", modes);
    }

    /**
     * {@link #holdingConflictingLocks(Connection, Collection, LockMode, Collection)} for each of a statement's
     * {@code locks}, each table by the mode asked for on it: a statement that takes ACCESS EXCLUSIVE on one table
     * and SHARE ROW EXCLUSIVE on another (a foreign key's) waits for the other's writers, never for its readers.
     */
    static List<BlockingSession> holdingConflictingLocks(Connection connection, List<DdlStatement.TableLock> locks,
                                                         Collection<Integer> ours) throws SQLException {
        List<BlockingSession> holders = new ArrayList<>();
        for (DdlStatement.TableLock lock : locks) {
            holders.addAll(holdingConflictingLocks(connection, List.of(lock.table()), lock.mode(), ours));
        }
        return holders;
    }

    /** Other sessions holding a lock on one of {@code tables} that meets {@code condition}, with its one parameter. */
    private static List<BlockingSession> lockHolders(Connection connection, Collection<String> tables,
                                                     Collection<Integer> ours, String condition, Object parameter)
            throws SQLException {
        String sql = "SELECT DISTINCT ON (a.pid, c.relname) " + COLUMNS + ", c.relname"
                + """
                 FROM pg_locks l
                JOIN pg_class c ON c.oid = l.relation
                JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.relation IN (SELECT to_regclass(t) FROM unnest(?::text[]) t)
                  AND a.pid <> pg_backend_pid() AND NOT a.pid = ANY (?::int[])
                """ + "  AND " + condition + "\nORDER BY a.pid, c.relname";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            Object[] names = tables.stream().map(SqlName::quotedParts).toArray();
            query.setArray(1, connection.createArrayOf("text", names));
            query.setArray(2, connection.createArrayOf("int4", ours.toArray()));
            query.setObject(3, parameter);
            return read(query);
        }
    }

    /** The other sessions of this database that hold the advisory lock {@code key} (a bigint key; see AdvisoryLock). */
    static List<BlockingSession> holdingAdvisoryLock(Connection connection, long key) throws SQLException {
        String sql = "SELECT " + COLUMNS + ", NULL"
                + """
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = ? AND l.objid = ?
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND a.pid <> pg_backend_pid()
                ORDER BY a.pid""";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, key >>> 32);
            query.setLong(2, key & 0xffff_ffffL);
            return read(query);
        }
    }

    private static List<BlockingSession> read(PreparedStatement query) throws SQLException {
        List<BlockingSession> sessions = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                sessions.add(new BlockingSession(rows.getInt(1), rows.getString(2), rows.getString(3),
                        instant(rows.getTimestamp(4)), instant(rows.getTimestamp(5)), SqlText.withoutSecrets(rows.getString(6)),
                        rows.getString(7)));
            }
        }
        return sessions;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Each of {@code sessions} {@link #describe described}, as of now, joined by "; ". */
    public static String describeAll(List<BlockingSession> sessions) {
        Instant now = Instant.now();
        return String.join("; ", sessions.stream().map(session -> session.describe(now)).toList());
    }

    /**
     * E.g. {@code pid 4242 (psql), idle in transaction, transaction open 3 min 2 s, query started 3 min 1 s ago:
     * "LOCK TABLE customers"}.
     */
    public String describe(Instant now) {
        String application = applicationName == null || applicationName.isEmpty() ? "" : " (" + applicationName + ")";
        String open = transactionStart == null ? ""
                : ", transaction open " + Durations.format(Duration.between(transactionStart, now));
        String began = queryStart == null ? "" : ", query started " + Durations.format(Duration.between(queryStart, now))
                + " ago";
        String text = query == null || query.isBlank() ? ""
                : query.equals(HIDDEN) ? ": what it runs is hidden from this role (pg_read_all_stats shows it)"
                : ": \"" + query.strip() + "\"";
        return "pid " + pid + application + ", " + (state == null ? "state unknown" : state) + open + began + text;
    }
}
