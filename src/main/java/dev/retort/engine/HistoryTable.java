package dev.retort.engine;

import org.postgresql.PGConnection;
import org.postgresql.core.Encoding;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code retort_history}: one row per step, successful or not, so an operator can tell what ran, when, by whom.
 * The id is a uuid rather than a serial so that the table owns no sequence.
 */
final class HistoryTable {

    static final String CREATE = """
            CREATE TABLE retort_history (
                id uuid NOT NULL DEFAULT gen_random_uuid(),
                revision varchar(32) NOT NULL,
                direction text NOT NULL,
                from_revision text,
                to_revision varchar(32),
                checksum text,
                started_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                duration_ms bigint NOT NULL,
                db_user text NOT NULL DEFAULT current_user,
                retort_version text NOT NULL,
                outcome text NOT NULL,
                error text,
                part text,
                CONSTRAINT retort_history_pkey PRIMARY KEY (id),
                CONSTRAINT ck_retort_history_direction CHECK (direction IN ('upgrade', 'downgrade', 'stamp')),
                CONSTRAINT ck_retort_history_outcome CHECK (outcome IN ('success', 'failed', 'progress'))
            )""";

    private static final String PART_COMMENT = "COMMENT ON COLUMN retort_history.part IS 'For an online step''s "
            + "progress row, the statement it records, e.g. 3/8: CREATE INDEX CONCURRENTLY ...; NULL for a whole step'";

    /**
     * Brings a table made by Retort 0.1's first cut up to date: {@code part} and the {@code progress} outcome came
     * with online steps.
     */
    private static final List<String> UPGRADES = List.of(
            "ALTER TABLE retort_history ADD COLUMN IF NOT EXISTS part text",
            "ALTER TABLE retort_history DROP CONSTRAINT IF EXISTS ck_retort_history_outcome, ADD CONSTRAINT "
                    + "ck_retort_history_outcome CHECK (outcome IN ('success', 'failed', 'progress'))",
            PART_COMMENT);

    /**
     * {@code current}, {@code verify} and every online step read the newest row (to tell a step left half done): an
     * index keeps that one row away from a scan of the whole history, however long it grows. Only Retort writes the
     * table, under its migration lock, so building it plainly blocks no one.
     */
    private static final List<String> NEWEST_FIRST = List.of(
            "CREATE INDEX ix_retort_history_finished_at ON retort_history (finished_at)",
            "COMMENT ON INDEX ix_retort_history_finished_at IS 'Finds the newest row without a scan: current and each "
                    + "online step read it to tell a step left half done'");

    /**
     * {@code current} and every migration's plan read each revision's latest upgrade or downgrade and the latest stamp
     * to each target ({@link #LATEST}): these two indexes find those rows by revision and by target, one probe each,
     * where without them every command scans and sorts the whole history, which takes a tenth of a second at 100,000
     * rows and grows with it. Partial, so that they hold only the rows they find; each predicate is the query's own,
     * word for word, or the planner could not use it. Built as {@link #NEWEST_FIRST} is, under the migration lock;
     * together, and each only if missing: {@link #presence} looks for each, and a table that lacks either gets it at
     * the next migration.
     */
    private static final List<String> LATEST_FIRST = List.of(
            "CREATE INDEX IF NOT EXISTS ix_retort_history_latest ON retort_history (revision, finished_at)"
                    + " WHERE outcome = 'success' AND direction IN ('upgrade', 'downgrade')",
            "COMMENT ON INDEX ix_retort_history_latest IS 'Finds each revision''s latest successful upgrade or "
                    + "downgrade without a scan: current and each migration''s plan read them'",
            "CREATE INDEX IF NOT EXISTS ix_retort_history_stamp_targets ON retort_history (to_revision, finished_at)"
                    + " WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade')",
            "COMMENT ON INDEX ix_retort_history_stamp_targets IS 'Finds the latest stamp to each revision without a "
                    + "scan: current and each migration''s plan read them'");

    /**
     * The stamps' index of the Retort before this one, on {@code finished_at} alone: it served a read of every stamp,
     * which {@link #LATEST} no longer makes. Dropped only once the index by target exists, so that a role that may not
     * make the new one keeps the old (a scan of the stamps' index beats one of the table).
     */
    private static final String RETIRED_STAMPS_INDEX = "ix_retort_history_stamps";

    /**
     * Drops {@link #RETIRED_STAMPS_INDEX} in a transaction of its own, waiting at most the first try's lock timeout.
     * {@code DROP INDEX} locks the whole history, against reads too: a transaction that read it and is still open (a
     * DBA's psql, pg_dump) would hold the migration up for as long as it lasts, and every runner's {@code current}
     * would queue behind the drop meanwhile. An index that cannot go at once is left to a later migration.
     */
    private static final String RETIRE_STAMPS_INDEX = "SELECT set_config('lock_timeout', '"
            + LockPolicy.DEFAULT.lockTimeout().toMillis() + "', true);\nDROP INDEX IF EXISTS " + RETIRED_STAMPS_INDEX;

    /** Whether the table has the index {@link #LATEST} walks each revision's latest step down. */
    private static final String STEPS_INDEXED = "to_regclass('ix_retort_history_latest') IS NOT NULL";

    /** Whether the table has the index {@link #LATEST} walks the latest stamp to each target down. */
    private static final String STAMPS_INDEXED = "to_regclass('ix_retort_history_stamp_targets') IS NOT NULL";

    /** Said once, when the table is made, so that a DBA who finds it in psql ({@code \\d+}) knows what it is. */
    private static final List<String> COMMENTS = List.of(
            "COMMENT ON TABLE retort_history IS 'Every migration step Retort ran here, successful or not; alembic_version holds the current revision'",
            "COMMENT ON COLUMN retort_history.revision IS 'The revision the step applied or reverted'",
            "COMMENT ON COLUMN retort_history.direction IS 'upgrade, downgrade, or stamp (version set without running SQL)'",
            "COMMENT ON COLUMN retort_history.from_revision IS 'The revision the database was at before the step (for a stamp, every row alembic_version held); NULL for base'",
            "COMMENT ON COLUMN retort_history.to_revision IS 'The revision the step meant to leave the database at; NULL for base'",
            "COMMENT ON COLUMN retort_history.checksum IS 'SHA-256 of the step''s SQL as it ran, passwords masked, to detect a revision edited after it ran'",
            "COMMENT ON COLUMN retort_history.started_at IS 'When the step began'",
            "COMMENT ON COLUMN retort_history.finished_at IS 'When the step committed or was rolled back'",
            "COMMENT ON COLUMN retort_history.duration_ms IS 'finished_at - started_at, in milliseconds'",
            "COMMENT ON COLUMN retort_history.db_user IS 'The database role that ran the step'",
            "COMMENT ON COLUMN retort_history.retort_version IS 'The Retort version that ran the step'",
            "COMMENT ON COLUMN retort_history.outcome IS 'success; failed (rolled back or undone: the database stayed at from_revision); or progress (one statement of an online step done)'",
            "COMMENT ON COLUMN retort_history.error IS 'PostgreSQL''s error for a failed step; NULL on success'",
            "COMMENT ON COLUMN retort_history.id IS 'Row id: a uuid, so the table owns no sequence'");

    /**
     * The times are the server's: the row ends now by its clock, and began as long before as the step took by
     * Retort's. The newest row tells whether a step was left half done, and runners on hosts whose clocks disagree
     * would otherwise order each other's rows wrong.
     */
    private static final String INSERT = """
            INSERT INTO retort_history (revision, direction, from_revision, to_revision, checksum,
                                        started_at, finished_at, duration_ms, retort_version, outcome, error, part)
            SELECT ?, ?, ?, ?, ?, finished - ? * interval '1 microsecond', finished, ?, ?, ?, ?, ?
            FROM (SELECT clock_timestamp() AS finished) now""";

    /**
     * What is recorded for one step, or for one statement of an online step ({@code part}, outcome
     * {@code progress}). {@code error} is null on success. Of the two times, by this machine's clock, only how
     * long the step took is kept: the row's times are the server's ({@link #INSERT}).
     */
    record Entry(String revision, String direction, String from, String to, String checksum,
                 Instant startedAt, Instant finishedAt, String outcome, String error, String part) {

        Entry(String revision, String direction, String from, String to, String checksum,
              Instant startedAt, Instant finishedAt, String outcome, String error) {
            this(revision, direction, from, to, checksum, startedAt, finishedAt, outcome, error, null);
        }
    }

    /** {@code must be owner of table}, among others. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private HistoryTable() {
    }

    /**
     * Creates the table with its comments and index, unless it exists; brings one made by an older Retort up to date
     * (the part column, the progress outcome, the index), with one look at the catalog when it is.
     */
    static void createIfMissing(Connection connection) throws SQLException {
        if (!exists(connection)) {
            List<String> statements = new ArrayList<>(List.of(CREATE));
            statements.addAll(COMMENTS);
            statements.add(PART_COMMENT);
            statements.addAll(NEWEST_FIRST);
            statements.addAll(LATEST_FIRST);
            executeTogether(connection, statements);
            return;
        }
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_attribute
                               WHERE attrelid = to_regclass('retort_history') AND attname = 'part' AND NOT attisdropped),
                       to_regclass('ix_retort_history_finished_at') IS NOT NULL,
                       """ + STEPS_INDEXED + " AND " + STAMPS_INDEXED + ", to_regclass('" + RETIRED_STAMPS_INDEX
                + "') IS NOT NULL");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            if (!rows.getBoolean(1)) {
                executeAll(connection, UPGRADES);
            }
            if (!rows.getBoolean(2)) {
                executeAll(connection, NEWEST_FIRST);
            }
            boolean readIndexed = rows.getBoolean(3) || addReadIndexes(connection);
            if (readIndexed && rows.getBoolean(4)) {
                retireStampsIndex(connection);
            }
        }
    }

    /**
     * The indexes of {@link #LATEST_FIRST}, on a table made by an older Retort. Only the table's owner may build them,
     * and a role that may write the history without owning it has run migrations until now: without them its commands
     * read the history by a scan, as before, so that role's migration goes on rather than fail over a speed-up.
     *
     * @return whether they were built
     */
    private static boolean addReadIndexes(Connection connection) throws SQLException {
        try {
            executeTogether(connection, LATEST_FIRST);
            return true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            return false;
        }
    }

    /**
     * {@link #RETIRE_STAMPS_INDEX}. A lock not had within its timeout, or a role that does not own the table, leaves
     * the index for a later migration to drop. A runner of the previous Retort builds it again at its next migration:
     * that costs its stamps the index's upkeep, and this Retort a drop at its next migration.
     */
    private static void retireStampsIndex(Connection connection) throws SQLException {
        try {
            executeTogether(connection, List.of(RETIRE_STAMPS_INDEX));
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (!SqlErrors.LOCK_NOT_AVAILABLE.equals(state) && !INSUFFICIENT_PRIVILEGE.equals(state)) {
                throw e;
            }
        }
    }

    /**
     * In one round trip, and so in one implicit transaction: pgjdbc sends the statements of one string together. A new
     * database's first migration runs some twenty (the table, its comments, its indexes); one at a time they cost it
     * some milliseconds.
     */
    private static void executeTogether(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(String.join(";\n", statements));
        }
    }

    private static void executeAll(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * The row {@link #record} writes for a step, as literal SQL, for an offline script: the times are the server's
     * (from {@code startedAt}, an SQL expression, to now), and the version says the row came from a script.
     * {@code from} and {@code revision} are SQL expressions too, for a stamp's, which reads what alembic_version
     * holds.
     */
    static String recordSql(String revision, String direction, String from, String to, String checksum,
                            String startedAt) {
        return "INSERT INTO retort_history (revision, direction, from_revision, to_revision, checksum, started_at,\n"
                + "            finished_at, duration_ms, retort_version, outcome)\n"
                + "        SELECT " + revision + ", " + SqlText.literal(direction) + ", " + from + ", "
                + SqlText.literal(to) + ", " + SqlText.literal(checksum) + ",\n            started, clock_timestamp(), "
                + "(extract(epoch FROM clock_timestamp() - started) * 1000)::bigint, "
                + SqlText.literal(RetortVersion.get() + " --sql") + ", 'success'\n        FROM (SELECT " + startedAt
                + " AS started) step;";
    }

    /** A progress row, as literal SQL, for an offline script: {@code part} says how far the step is. */
    static String progressSql(Step step, String checksum, String part) {
        return "INSERT INTO retort_history (revision, direction, from_revision, to_revision, checksum, started_at,\n"
                + "            finished_at, duration_ms, retort_version, outcome, part)\n"
                + "        VALUES (" + SqlText.literal(step.revision().id()) + ", "
                + SqlText.literal(step.direction().word()) + ", " + SqlText.literal(step.from()) + ", "
                + SqlText.literal(step.to()) + ", " + SqlText.literal(checksum) + ",\n            now(), "
                + "clock_timestamp(), 0, " + SqlText.literal(RetortVersion.get() + " --sql") + ", 'progress', "
                + SqlText.literal(part) + ");";
    }

    static void record(Connection connection, Entry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, entry.revision());
            insert.setString(2, entry.direction());
            insert.setString(3, entry.from());
            insert.setString(4, entry.to());
            insert.setString(5, entry.checksum());
            Duration took = Duration.between(entry.startedAt(), entry.finishedAt());
            insert.setLong(6, took.toNanos() / 1_000);
            insert.setLong(7, took.toMillis());
            insert.setString(8, RetortVersion.get());
            insert.setString(9, entry.outcome());
            String encoding = serverEncoding(connection);
            insert.setString(10, storable(entry.error(), encoding));
            insert.setString(11, storable(entry.part(), encoding));
            insert.executeUpdate();
        }
    }

    /**
     * {@code text} as a database in {@code encoding} can store it. Retort's own messages shorten a statement with an
     * ellipsis (U+2026), which LATIN1, WIN1252 and most other server encodings lack: PostgreSQL refuses the whole row
     * (22P05), and a failed step's row, written quietly, would be lost. So an ellipsis becomes three dots there, and
     * any other character the encoding lacks a question mark. UTF8 and SQL_ASCII (which converts nothing) store
     * anything, as does an encoding Java does not know.
     */
    static String storable(String text, String encoding) {
        if (text == null || encoding == null || text.chars().allMatch(c -> c < 0x80)
                || encoding.equalsIgnoreCase("UTF8") || encoding.equalsIgnoreCase("SQL_ASCII")) {
            return text;
        }
        CharsetEncoder encoder;
        try {
            encoder = Charset.forName(Encoding.getDatabaseEncoding(encoding).name()).newEncoder();
        } catch (RuntimeException unknown) {
            return text;
        }
        String dotted = text.replace("\u2026", "...");
        StringBuilder fitted = new StringBuilder(dotted.length());
        dotted.codePoints().forEach(c -> {
            String character = new String(Character.toChars(c));
            fitted.append(c < 0x80 || encoder.canEncode(character) ? character : "?");
        });
        return fitted.toString();
    }

    /** The server's encoding as it reported it at login (no round trip); null when the driver does not say. */
    private static String serverEncoding(Connection connection) {
        try {
            return connection.unwrap(PGConnection.class).getParameterStatus("server_encoding");
        } catch (SQLException | RuntimeException notPgjdbc) {
            return null;
        }
    }

    /** The newest row, the one that tells whether a step was left half done ({@link UnfinishedStep}). */
    record Row(String revision, String direction, String from, String to, String outcome, String error, String part,
               Instant finishedAt) {
    }

    /**
     * The newest row of the table, the one that tells whether a step was left half done: among rows written in the
     * same microsecond, the step's closing row is newer than its progress rows. {@code part} is read through the row's
     * JSON, so that a table made by Retort 0.1's first cut (no such column, see {@link #UPGRADES}) reads as null there:
     * {@code current} never brings the table up to date, and a look at the catalog first would cost every
     * {@code current} a round trip.
     */
    private static final String NEWEST = """
            SELECT revision, direction, from_revision, to_revision, outcome, error, to_jsonb(newest) ->> 'part',
                   finished_at
            FROM (SELECT * FROM retort_history ORDER BY finished_at DESC, outcome = 'progress' LIMIT 1) newest""";

    /**
     * Each revision's latest successful upgrade or downgrade, found by a scan: the server reads and sorts every
     * successful step to find them. An earlier upgrade or downgrade of a revision is always overridden by its latest,
     * so the rows sent stay one per revision, however long the history grows: every {@code current} and every
     * migration's plan reads them, and a history of years would otherwise cross the network and be parsed on each.
     */
    private static final String LATEST_STEPS_BY_SCAN = """
            SELECT DISTINCT ON (revision) revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
            FROM retort_history
            WHERE outcome = 'success' AND direction IN ('upgrade', 'downgrade')
            ORDER BY revision, finished_at DESC""";

    /**
     * {@link #LATEST_STEPS_BY_SCAN}'s rows through {@code ix_retort_history_latest}, found by revision rather than by a
     * scan of every step ever run. PostgreSQL cannot skip from one revision to the next in an index by itself, so the
     * revisions are walked down, one probe each: the first row, in the index's order backwards, below the last
     * revision found is the next revision's latest step. Ordered by revision as well as finished_at, only that index
     * gives the rows in order; ordered by finished_at alone, the planner may walk the finished_at index back from the
     * newest row until the revision turns up, which for a revision applied years ago is the whole history. Without the
     * index each probe would be a scan of its own: asked for only where it exists ({@link Presence#successes}).
     */
    private static final String LATEST_STEPS_BY_PROBE = """
            (SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
             FROM retort_history
             WHERE outcome = 'success' AND direction IN ('upgrade', 'downgrade')
             ORDER BY revision DESC, finished_at DESC
             LIMIT 1)
            UNION ALL
            SELECT below.*
            FROM latest CROSS JOIN LATERAL (
                SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
                FROM retort_history
                WHERE outcome = 'success' AND direction IN ('upgrade', 'downgrade') AND revision < latest.revision
                ORDER BY revision DESC, finished_at DESC
                LIMIT 1) below""";

    /**
     * The latest stamp to each target (to_revision, null for base), found by a scan. A stamp's mark on the replay
     * ({@link #applied}) depends on its target alone, and it only takes away: every revision after the target. So of
     * two stamps to one target the newer takes away again whatever the older took away and is still applied by then,
     * and the older changes nothing. The rows sent are one per target, however often a DBA stamped: a history with
     * thousands of stamps would otherwise send them all to every command.
     */
    private static final String LATEST_STAMPS_BY_SCAN = """
            SELECT DISTINCT ON (to_revision) revision, direction, to_revision, finished_at, db_user, duration_ms,
                   checksum
            FROM retort_history
            WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade')
            ORDER BY to_revision, finished_at DESC""";

    /**
     * {@link #LATEST_STAMPS_BY_SCAN}'s rows through {@code ix_retort_history_stamp_targets}, one probe per target,
     * walked down as {@link #LATEST_STEPS_BY_PROBE} walks the revisions. Base's stamps, whose target is null, sort
     * apart from every other and no comparison reaches them: they get a probe of their own. Asked for only where the
     * index exists ({@link Presence#successes}).
     */
    private static final String LATEST_STAMPS_BY_PROBE = """
            (SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
             FROM retort_history
             WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade') AND to_revision IS NULL
             ORDER BY to_revision DESC, finished_at DESC
             LIMIT 1)
            UNION ALL
            (SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
             FROM retort_history
             WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade') AND to_revision IS NOT NULL
             ORDER BY to_revision DESC, finished_at DESC
             LIMIT 1)
            UNION ALL
            SELECT below.*
            FROM stamps CROSS JOIN LATERAL (
                SELECT revision, direction, to_revision, finished_at, db_user, duration_ms, checksum
                FROM retort_history
                WHERE outcome = 'success' AND direction NOT IN ('upgrade', 'downgrade')
                      AND to_revision < stamps.to_revision
                ORDER BY to_revision DESC, finished_at DESC
                LIMIT 1) below""";

    /**
     * Whether the table exists, and which of the indexes of {@link #LATEST_FIRST} it has, in one round trip: a command
     * that reads the history asks the first anyway. Each index serves its half of the reading alone, so a table with
     * one of them (the previous Retort's {@code ix_retort_history_latest}, where the role may not build the other)
     * still reads that half through it.
     */
    record Presence(boolean exists, boolean stepsIndexed, boolean stampsIndexed) {

        /** A table an older Retort made, which has none of the read indexes. */
        static final Presence UNINDEXED = new Presence(true, false, false);

        static final Presence INDEXED = new Presence(true, true, true);

        /**
         * The successful steps that decide what is applied now, oldest first, for {@link #applied}: each revision's
         * latest upgrade or downgrade and the latest stamp to each target, through whichever of the indexes the table
         * has. Replaying these gives what replaying every successful step would.
         */
        String successes() {
            return "WITH RECURSIVE latest AS (\n" + (stepsIndexed ? LATEST_STEPS_BY_PROBE : LATEST_STEPS_BY_SCAN)
                    + "),\nstamps AS (\n" + (stampsIndexed ? LATEST_STAMPS_BY_PROBE : LATEST_STAMPS_BY_SCAN) + """
                    )
                    SELECT * FROM latest
                    UNION ALL
                    SELECT * FROM stamps
                    ORDER BY finished_at""";
        }
    }

    /** {@link Presence#successes} for a table without the read indexes: every successful step read to find them. */
    static final String SUCCESSES = Presence.UNINDEXED.successes();

    /** {@link Presence#successes} through both read indexes: one probe per revision and one per stamps' target. */
    static final String LATEST = Presence.INDEXED.successes();

    static Presence presence(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass('retort_history') IS NOT NULL, "
                + STEPS_INDEXED + ", " + STAMPS_INDEXED);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return new Presence(rows.getBoolean(1), rows.getBoolean(2), rows.getBoolean(3));
        }
    }

    /** The newest row of the table, which must exist, if it has one (see {@link #NEWEST}). */
    static Optional<Row> newest(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(NEWEST); ResultSet rows = query.executeQuery()) {
            return newest(rows);
        }
    }

    private static Optional<Row> newest(ResultSet rows) throws SQLException {
        if (!rows.next()) {
            return Optional.empty();
        }
        return Optional.of(new Row(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getString(5), rows.getString(6), rows.getString(7), rows.getTimestamp(8).toInstant()));
    }

    /**
     * What the table says of the applied revisions and of the newest step.
     *
     * @param applied each revision applied now, by id, as {@link #applied} reads it
     * @param newest  the newest row, if the table has one
     */
    record Reading(Map<String, AppliedRevision> applied, Optional<Row> newest) {

        /** What the newest row says is left half done at {@code current}, if anything. */
        Optional<UnfinishedStep> unfinishedAt(String current) {
            return newest.flatMap(row -> UnfinishedStep.of(row, current));
        }
    }

    /**
     * The applied revisions and the newest row, in one round trip (pgjdbc sends the two queries of one string
     * together): {@code current} needs both, and so does every migration's plan, which warns of the revisions edited
     * since they ran as {@code current} does. The table must exist ({@code presence} says whether it has its indexes).
     */
    static Reading read(Connection connection, RevisionGraph graph, Presence presence) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(presence.successes() + ";\n" + NEWEST);
            Map<String, AppliedRevision> applied;
            try (ResultSet rows = statement.getResultSet()) {
                applied = applied(rows, graph);
            }
            statement.getMoreResults();
            try (ResultSet rows = statement.getResultSet()) {
                return new Reading(applied, newest(rows));
            }
        }
    }

    /**
     * For each revision applied now, as the table tells it, its latest successful upgrade: when it was applied, by
     * whom, its SQL's checksum then. The successful steps ({@link Presence#successes}) are replayed in order: a later
     * downgrade of the revision, or a later stamp to a revision before it, means it is not applied that way any more
     * (a stamp back up says nothing of how a revision came to be there).
     */
    static Map<String, AppliedRevision> applied(ResultSet rows, RevisionGraph graph) throws SQLException {
        Map<String, AppliedRevision> applied = new HashMap<>();
        while (rows.next()) {
            String revision = rows.getString(1);
            switch (rows.getString(2)) {
                case "upgrade" -> applied.put(revision, new AppliedRevision(revision,
                        rows.getTimestamp(4).toInstant(), rows.getString(5), rows.getLong(6), rows.getString(7)));
                case "downgrade" -> applied.remove(revision);
                default -> { // a stamp: what comes after its revision in the chain is not applied
                    String stampedTo = rows.getString(3);
                    if (stampedTo == null || graph.find(stampedTo).isPresent()) {
                        int position = graph.positionOf(stampedTo);
                        applied.keySet().removeIf(id -> graph.find(id).isEmpty()
                                || graph.positionOf(id) > position);
                    }
                }
            }
        }
        return applied;
    }

    static boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass('retort_history') IS NOT NULL");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
