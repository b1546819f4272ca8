package dev.retort.engine;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The runner: moves a database along the revision chain, one transaction per revision.
 *
 * <p>Each step runs its SQL, moves the {@code alembic_version} row and writes its {@code retort_history} row in
 * the same transaction, so a step either happens whole or not at all: a failure leaves the database at the
 * revision the step started from (and a "failed" history row, written after the rollback). Every run that
 * changes anything holds the {@link AdvisoryLock} from before it reads the current revision until after the last
 * commit, so two runners never apply the same revision: the second waits, then finds nothing left to do.
 */
public final class Migrator {

    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(60);
    /** Retort's bookkeeping, left out of schema snapshots: they stay behind when a schema is downgraded to base. */
    public static final Set<String> VERSION_TABLES = Set.of("alembic_version", "retort_history");

    private final DataSource dataSource;
    private final RevisionGraph graph;
    private final MigrationListener listener;
    private final Duration lockWait;
    private final LockPolicy lockPolicy;
    private SchemaFacts facts;

    public Migrator(DataSource dataSource, RevisionGraph graph, MigrationListener listener, Duration lockWait) {
        this(dataSource, graph, listener, lockWait, LockPolicy.DEFAULT);
    }

    /**
     * @param lockWait   how long to wait for another runner's migration lock
     * @param lockPolicy how long each statement may wait for table locks, and how it tries again
     */
    public Migrator(DataSource dataSource, RevisionGraph graph, MigrationListener listener, Duration lockWait,
                    LockPolicy lockPolicy) {
        this.dataSource = dataSource;
        this.graph = graph;
        this.listener = listener;
        this.lockWait = lockWait;
        this.lockPolicy = lockPolicy;
    }

    public RevisionGraph graph() {
        return graph;
    }

    /** The revision the database is at, {@code null} at base. Reads only; creates nothing. */
    public String current() {
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            return knownRevision(readVersion(connection));
        } catch (SQLException e) {
            throw new DatabaseException("Could not read alembic_version: " + SqlErrors.describe(e), e);
        }
    }

    /** The live schema as snapshot text, without Retort's own tables (alembic_version, retort_history). */
    public String liveSchema() {
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            return CatalogSnapshot.read(connection).withoutTables(VERSION_TABLES).text();
        } catch (SQLException e) {
            throw new DatabaseException("Could not read the catalog: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * The current revision, the history of the applied ones, which of them were edited since and a step left half
     * done, on one connection: a connection costs more than the queries (a server process started, authentication),
     * and {@code current} needs them all.
     */
    public DatabaseStatus status() {
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            String current = knownRevision(readVersion(connection));
            // Only at base, one more round trip: to say so if the search_path misses the database's schema.
            String elsewhere = current == null ? VersionTable.placement(connection).elsewhere().orElse(null) : null;
            HistoryTable.Presence history = HistoryTable.presence(connection);
            return history.exists() ? statusWithHistory(connection, current, elsewhere, history)
                    : new DatabaseStatus(current, Map.of(), List.of(), null, elsewhere);
        } catch (SQLException e) {
            throw new DatabaseException("Could not read the current revision: " + SqlErrors.describe(e), e);
        }
    }

    /** {@link #status()} where retort_history exists: what it says of the applied revisions and of the newest step. */
    private DatabaseStatus statusWithHistory(Connection connection, String current, String elsewhere,
                                             HistoryTable.Presence presence) {
        try {
            HistoryTable.Reading history = HistoryTable.read(connection, graph, presence);
            Map<String, AppliedRevision> applied = history.applied();
            UnfinishedStep unfinished = history.unfinishedAt(current).orElse(null);
            if (unfinished != null && unfinished.lastRowIsProgress()) {
                // A run at work looks the same in the history as one that stopped; its work session's mark tells
                // them apart (the migration lock would not: anyone may hold it, by hand, to keep runners off).
                List<BlockingSession> runs = BlockingSession.holdingAdvisoryLock(connection, WorkMark.KEY);
                if (!runs.isEmpty()) {
                    unfinished = unfinished.underWayIn(AdvisoryLock.Holder.of(runs.get(0)));
                }
            }
            return new DatabaseStatus(current, applied, edited(graph.positionOf(current), applied), unfinished,
                    elsewhere);
        } catch (SQLException e) {
            throw new DatabaseException("Could not read retort_history: " + SqlErrors.describe(e), e);
        }
    }

    /** The revisions up to {@code position} whose recorded checksum differs from their upgrade's SQL now. */
    private List<EditedRevision> edited(int position, Map<String, AppliedRevision> applied) {
        List<EditedRevision> edited = new ArrayList<>();
        for (int i = 0; i <= position; i++) {
            Revision revision = graph.revisions().get(i);
            AppliedRevision record = applied.get(revision.id());
            if (record == null || record.checksum() == null) {
                continue;
            }
            List<String> sql = RecordingContext.statementsOf(Step.up(revision));
            String shipped = RecordingContext.checksumOf(sql);
            if (!record.checksum().equals(shipped)
                    && !record.checksum().equals(RecordingContext.unmaskedChecksumOf(sql))) {
                edited.add(new EditedRevision(revision.id(), revision.revises(), record.appliedAt(), record.checksum(),
                        shipped));
            }
        }
        return edited;
    }

    private static String readVersion(Connection connection) {
        try {
            return VersionTable.read(connection);
        } catch (SQLException e) {
            throw new DatabaseException("Could not read alembic_version: " + SqlErrors.describe(e), e);
        }
    }

    public MigrationResult upgrade(String target) {
        return migrate(Direction.UPGRADE, target);
    }

    public MigrationResult downgrade(String target) {
        return migrate(Direction.DOWNGRADE, target);
    }

    private MigrationResult migrate(Direction direction, String target) {
        graph.checkTarget(target, direction);
        return underLock((work, watch) -> {
            Plan plan = plan(work, direction, target);
            if (!plan.edited().isEmpty()) {
                listener.editedRevisions(plan.edited());
            }
            if (plan.steps().isEmpty() && plan.undoFirst() == null) {
                return new MigrationResult(plan.from(), plan.to(), List.of(), plan.note(), null, plan.edited());
            }
            List<StepSql> steps = plan.steps().stream().map(step -> StepSql.of(step, facts())).toList();
            // Refused before anything runs: found at its step, it would fail the run with the steps before it applied.
            for (StepSql step : steps) {
                Optional<String> refusal = step.refusal();
                if (refusal.isPresent()) {
                    throw new UnrunnableRevisionException("Nothing was run: " + refusal.get() + ".");
                }
            }
            // One look at where alembic_version is, for the refusal and the warning (they exclude each other).
            VersionTable.Placement placement = VersionTable.placement(work);
            refuseSchemaApart(placement);
            if (plan.from() == null) {
                placement.elsewhere().ifPresent(listener::warning);
            }
            return run(work, watch, plan, steps);
        });
    }

    /**
     * At base, why the search_path may miss the database's schema: another schema holds an alembic_version it does
     * not find (see {@link VersionTable.Placement#elsewhere}). Empty otherwise. Reads only.
     */
    public Optional<String> versionTableElsewhere() {
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            return VersionTable.placement(connection).elsewhere();
        } catch (SQLException e) {
            throw new DatabaseException("Could not look for alembic_version: " + SqlErrors.describe(e), e);
        }
    }

    /** What {@code upgrade} or {@code downgrade} to {@code target} would do now; reads, takes no lock, changes nothing. */
    public Plan plan(Direction direction, String target) {
        graph.checkTarget(target, direction);
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            return plan(connection, direction, target);
        } catch (SQLException e) {
            throw new DatabaseException("Could not read retort_history: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * The plan, with the step an earlier run left half done at the current revision to revert first, unless the
     * plan's first step takes it up itself (what is done is skipped, the rest is done). A target that is the current
     * revision reverts it alone: that is where the operator wants the database, whole. A target the other way
     * (upgrade to a revision behind) changes nothing, that step included.
     */
    private Plan plan(Connection connection, Direction direction, String target) throws SQLException {
        String current = knownRevision(readVersion(connection));
        Plan plan = plan(direction, target, current);
        int at = graph.positionOf(current);
        boolean stays = plan.steps().isEmpty() && graph.resolve(target, at) != at;
        HistoryTable.Presence presence = HistoryTable.presence(connection);
        if (!presence.exists()) {
            return plan;
        }
        HistoryTable.Reading history = HistoryTable.read(connection, graph, presence);
        List<EditedRevision> edited = edited(at, history.applied());
        Optional<UnfinishedStep> left = history.unfinishedAt(current);
        if (stays) {
            // Nothing is done, that step included; but this is where an operator looks, as current would warn.
            return left.map(step -> Plan.nothing(plan.from(), plan.note() + " " + step.describe() + " is left half "
                    + "done: " + step.finishingCommand() + " finishes it, " + step.revertingCommand() + " reverts it."))
                    .orElse(plan).withEdited(edited);
        }
        Optional<Step> halfDone = left
                // The first step takes it up itself: what is done is skipped, the rest is done.
                .filter(step -> plan.steps().isEmpty() || !step.isOf(plan.steps().get(0)))
                .flatMap(this::stepOf);
        return halfDone.map(step -> new Plan(plan.from(), plan.to(), plan.steps(), null, step, edited))
                .orElse(plan.withEdited(edited));
    }

    /** The step left half done, as this project's revisions have it (none, if the revision is no longer among them). */
    private Optional<Step> stepOf(UnfinishedStep left) {
        return graph.find(left.revision())
                .map(revision -> new Step(revision, Direction.ofWord(left.direction()), left.from(), left.to()));
    }

    private Plan plan(Direction direction, String target, String current) {
        int from = graph.positionOf(current);
        int to = graph.resolve(target, from);
        String word = direction.word();
        if (direction == Direction.UPGRADE && to < from) {
            return Plan.nothing(graph.idAt(from), "The database is at " + graph.label(from) + ", ahead of "
                    + graph.label(to) + ": nothing to upgrade. To go back, use downgrade " + targetWord(to) + ".");
        }
        if (direction == Direction.DOWNGRADE && to > from) {
            throw new InvalidTargetException("Cannot downgrade to " + graph.label(to) + ": it is ahead of the "
                    + "current revision " + graph.label(from) + ". To go forward, use upgrade " + targetWord(to) + ".");
        }
        if (to == from) {
            return Plan.nothing(graph.idAt(from), "Already at " + graph.labelWithHead(graph.idAt(from))
                    + ": nothing to " + word + ".");
        }
        List<Step> steps = direction == Direction.UPGRADE ? graph.upgradePath(from, to) : graph.downgradePath(from, to);
        return new Plan(graph.idAt(from), graph.idAt(to), steps, null, null, List.of());
    }

    /** How each of the step's statements locks the tables it touches, for a dry run. */
    public List<DdlStatement> analyze(Step step) {
        return DdlStatement.analyzeAll(RecordingContext.statementsOf(step), facts());
    }

    /**
     * The sessions that would make a step wait right now: idle in a transaction, or in one longer than the lock
     * timeout, while holding a lock on a table that the step's {@code statements} ({@link #analyze}) lock.
     */
    public List<BlockingSession> sessionsInTheWay(List<DdlStatement> statements) {
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            return BlockingSession.holdingLocksOn(connection, DdlStatement.tablesLockedBy(statements),
                    lockPolicy.lockTimeout(), List.of());
        } catch (SQLException e) {
            throw new DatabaseException("Could not read pg_locks: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * What would make {@code plan} fail at once, as one line each: for a dry run. First the steps PostgreSQL would
     * refuse as written ({@link StepSql#refusal}, which a run refuses before its first step), then what the database
     * would refuse ({@link RunObstacles}). Reads, changes nothing.
     */
    public List<String> obstacles(Plan plan) {
        List<String> obstacles = new ArrayList<>();
        Set<String> tables = new LinkedHashSet<>();
        boolean creates = false;
        for (Step step : plan.stepsToRun()) {
            StepSql sql = StepSql.of(step, facts());
            sql.refusal().ifPresent(obstacles::add);
            tables.addAll(DdlStatement.tablesNeedingTheirOwner(sql.statements()));
            creates |= DdlStatement.createInCurrentSchema(sql.statements());
        }
        try (Connection connection = open(); SessionState ignored = SessionState.transactionOf(connection)) {
            obstacles.addAll(RunObstacles.find(connection, tables, creates));
            return obstacles;
        } catch (SQLException e) {
            throw new DatabaseException("Could not check the session's rights: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * Records {@code target} as the current revision without running any migration (Alembic's {@code stamp}).
     * Whatever {@code alembic_version} held is replaced, several rows or an unknown revision included: stamp is
     * how an operator repairs it. A stamp to the revision it already holds writes nothing, unless a step was left
     * half done there: then the stamp is how an operator who settled it by hand says so, and it is told that the
     * step's record is dropped.
     */
    public StampResult stamp(String target) {
        graph.checkTarget(target);
        return underLock((work, watch) -> {
            List<String> stored = VersionTable.readAll(work);
            boolean known = stored.size() <= 1 && (stored.isEmpty() || graph.find(stored.get(0)).isPresent());
            int to = graph.resolve(target, () -> {
                if (!known) {
                    throw new InvalidTargetException("'" + target + "' counts from the current revision, but "
                            + "alembic_version holds " + stored + ". Stamp an id, head or base instead.");
                }
                return graph.positionOf(stored.isEmpty() ? null : stored.get(0));
            });
            String from = stored.isEmpty() ? null : String.join(", ", stored);
            Optional<UnfinishedStep> halfDone = known && HistoryTable.exists(work)
                    ? UnfinishedStep.readAt(work, from) : Optional.empty();
            String warning = halfDone.map(left -> left.describe() + " was left half done by an earlier run: stamping "
                    + "does not undo it, and no longer will it be reported. What it did stays; verify shows it.")
                    .orElse(null);
            List<String> already = to == RevisionGraph.BASE ? List.of() : List.of(graph.idAt(to));
            if (stored.equals(already) && halfDone.isEmpty()) {
                return new StampResult(from, from, false, null);
            }
            createTables(work);
            Instant started = Instant.now();
            work.setAutoCommit(false);
            try {
                VersionTable.replace(work, graph.idAt(to));
                HistoryTable.record(work, new HistoryTable.Entry(targetWord(to), "stamp", from, graph.idAt(to),
                        null, started, Instant.now(), "success", null));
                work.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(work); // alembic_version stays as it was, rows and all
                throw e;
            } finally {
                // Back in autocommit, as every step leaves it: the work mark is let go of outside any transaction.
                autoCommitQuietly(work);
            }
            return new StampResult(from, graph.idAt(to), true, warning);
        });
    }

    /** How a place is named as a target: {@code base} or the id. */
    private String targetWord(int position) {
        return RevisionGraph.targetWordOf(graph.idAt(position));
    }

    /**
     * The stored revision, checked against the chain: an id we do not know means the wrong database, or one migrated
     * by another branch or a newer version (most often: a git checkout of a branch without the newest revisions). The
     * way back is that Retort's downgrade, which drops what those revisions made; a stamp here would leave it all in
     * place under a revision that does not have it, so the message says what stamp does before anyone reaches for it.
     */
    private String knownRevision(String stored) {
        if (stored != null && graph.find(stored).isEmpty()) {
            throw new VersionStateException("The database is at revision '" + stored + "', which is not in this "
                    + "Retort's revisions (" + graph.revisions().get(0).id() + " … " + graph.head().id() + "): "
                    + "another branch or a newer version of the project migrated it, or this is the wrong database. "
                    + "With the Retort that has '" + stored + "' (that branch or version), downgrade to the newest "
                    + "revision both have, e.g. retort downgrade " + graph.head().id() + ", then run this one. Stamp "
                    + "only records a revision and changes no schema: use it only if the schema is already at one of "
                    + "these revisions.");
        }
        return stored;
    }

    /** @param steps the plan's steps, each with its SQL, recorded and read */
    private MigrationResult run(Connection work, Connection watch, Plan plan, List<StepSql> steps)
            throws SQLException {
        createTables(work);
        List<MigrationResult.StepTiming> timings = new ArrayList<>();
        try (StepRunner runner = new StepRunner(work, watch, lockPolicy, listener, facts())) {
            if (plan.undoFirst() != null) {
                runner.undoHalfDone(plan.undoFirst());
            }
            for (StepSql step : steps) {
                stopIfInterrupted(step.step(), timings.size(), steps.size());
                timings.add(new MigrationResult.StepTiming(step.step(), runner.run(step)));
            }
        }
        return new MigrationResult(plan.from(), plan.to(), timings, null, plan.undoFirst(), plan.edited());
    }

    /**
     * An interrupt stops a run between two steps, where the database is at a revision. pgjdbc does not answer one
     * while a statement runs, and a step stopped midway would be rolled back at best, or left half done if online: so
     * the step under way is carried to its end, and the interrupt is looked for here. The flag is left set.
     */
    private static void stopIfInterrupted(Step next, int done, int total) {
        if (Thread.currentThread().isInterrupted()) {
            throw new RunInterruptedException("Interrupted before " + next.describe() + ": the database is at "
                    + RevisionGraph.labelOf(next.from()) + ", after " + done + " of " + total + " steps. Run it again "
                    + "to go on.", next.from());
        }
    }

    /**
     * A run whose search_path puts another schema before the migrated one is refused before it changes anything: its
     * CREATE TABLE would land apart from the other tables, and its ALTER and DROP would find any table of that schema
     * that shares a name with one of them, before theirs (a DBA retest dropped such a table, data and all).
     */
    private static void refuseSchemaApart(VersionTable.Placement placement) {
        Optional<String> apart = placement.apart();
        if (apart.isPresent()) {
            throw new VersionStateException(Character.toUpperCase(apart.get().charAt(0)) + apart.get().substring(1)
                    + ". Nothing was changed.");
        }
    }

    /** What the revisions' SQL says about index and foreign key names; read once, when a run first needs it. */
    private SchemaFacts facts() {
        if (facts == null) {
            facts = SchemaFacts.of(graph.revisions());
        }
        return facts;
    }

    /** A rollback that fails (the connection is gone) must not hide the error that made us roll back. */
    private static void rollbackQuietly(Connection work) {
        try {
            work.rollback();
        } catch (SQLException ignored) {
            // PostgreSQL rolls back an open transaction by itself when the session ends.
        }
    }

    /** After a commit or a rollback; a connection gone by then is the pool's to find. */
    private static void autoCommitQuietly(Connection work) {
        try {
            work.setAutoCommit(true);
        } catch (SQLException ignored) {
            // SessionState aborts a session it cannot put back.
        }
    }

    /** Runs under the lock, in autocommit, so the tables exist before (and whatever happens in) the first step. */
    private static void createTables(Connection work) {
        try {
            VersionTable.createIfMissing(work);
            HistoryTable.createIfMissing(work);
        } catch (SQLException e) {
            throw new DatabaseException("Could not create Retort's tables alembic_version and retort_history: "
                    + SqlErrors.describe(e), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        /** @param watch the connection holding the lock, idle otherwise: free to watch who blocks {@code work} */
        T on(Connection work, Connection watch) throws SQLException;
    }

    /** Runs {@code work} on its own connection while a second connection holds the migration lock. */
    private <T> T underLock(Work<T> work) {
        try (Connection lockConnection = open(); Connection workConnection = open();
             SessionState lockSession = sessionState(lockConnection);
             SessionState workSession = sessionState(workConnection)) {
            // Autocommit until a step begins, whatever the pool's default: the version tables must be created
            // outside any step's transaction, or a failed first step would roll them back with itself.
            workConnection.setAutoCommit(true);
            lockConnection.setAutoCommit(true);
            prepareSession(lockConnection);
            prepareSession(workConnection);
            long deadline = System.nanoTime() + lockWait.toNanos(); // one --lock-wait for both waits
            try (AdvisoryLock ignored = AdvisoryLock.acquire(lockConnection, lockWait, listener::waitingForLock);
                 WorkMark marked = WorkMark.take(workConnection, Duration.ofNanos(Math.max(0, deadline
                         - System.nanoTime())), listener::waitingForEarlierRun)) {
                return work.on(workConnection, lockConnection);
            }
        } catch (SQLException e) {
            throw new DatabaseException("Database error: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * Settings for a run's two sessions, in one round trip.
     *
     * <p>No idle timeout ends them: the lock's session sits idle for the whole run, and the work session between
     * tries and while waiting for the lock, so a server's or role's {@code idle_session_timeout} (or
     * {@code idle_in_transaction_session_timeout}) would end a run halfway and free its lock for another runner.
     *
     * <p>If this process dies (kill -9) while its session runs a long statement, PostgreSQL would only notice when the
     * statement ends; checking every second makes it stop the statement, release its locks and free the migration
     * lock for the next runner promptly. The last two settings exist from PostgreSQL 14; older servers go without.
     */
    private static void prepareSession(Connection connection) throws SQLException {
        String noIdleTimeout = "SELECT set_config('idle_in_transaction_session_timeout', '0', false), CASE WHEN "
                + "current_setting('server_version_num')::int >= 140000 THEN set_config('idle_session_timeout', '0', "
                + "false)";
        String checkClient = " || set_config('client_connection_check_interval', '1s', false)";
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute(noIdleTimeout + checkClient + " END");
            } catch (SQLException e) {
                // A platform without the check (it needs Linux's POLLRDHUP) refuses its value: the run goes on
                // without it, but not without the others.
                throwIfSessionEnded(connection, e);
                statement.execute(noIdleTimeout + " END");
            }
        } catch (SQLException e) {
            // A server that refuses even these (not PostgreSQL, or before 9.6): the run goes on with its defaults.
            throwIfSessionEnded(connection, e);
        }
    }

    /**
     * A session the server ended before these settings (a role's idle_session_timeout shorter than a command's
     * start-up, an administrator) fails every later statement with "This connection has been closed": what ended it
     * is said instead.
     */
    private static void throwIfSessionEnded(Connection connection, SQLException failure) throws SQLException {
        if (connection.isClosed()) {
            throw failure;
        }
    }

    /** What a run puts back on {@code connection}: the settings too, unless closing it ends its session. */
    private SessionState sessionState(Connection connection) throws SQLException {
        return dataSource instanceof FreshSessions ? SessionState.transactionOf(connection)
                : SessionState.of(connection);
    }

    private Connection open() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new ConnectionFailedException(SqlErrors.describe(e), e);
        }
    }
}
