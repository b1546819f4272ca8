package dev.retort.bench;

import dev.retort.Retort;
import dev.retort.engine.LockRetry;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.RetortException;
import dev.retort.engine.SqlErrors;
import dev.retort.engine.SqlText;
import dev.retort.engine.Step;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Takes a loaded database from 003 to 006 while {@link Writers} run: first the writers alone for a warm-up second
 * and a measured baseline, then the migration, then the baseline's length again after it; the writers' figures
 * and each revision's time come back as a {@link Report}.
 *
 * <p>Two ways to migrate, side by side:
 * <ul>
 *   <li>{@link Mode#PLAIN}: the foundation's plain DDL ({@link PlainRevisions}), each revision in one transaction
 *       with its alembic_version update, as most migration tools run it: no lock timeout, locks on several tables
 *       held until commit. Writers that touch two tables deadlock with it; PostgreSQL then aborts one side, and a
 *       revision that lost is tried again, up to a fixed number of tries, as an operator would rerun it. Each
 *       statement is capped at ten minutes, so nothing waits for ever.</li>
 *   <li>{@link Mode#ONLINE}: the engine itself, {@code Retort.upgrade("006")} over {@link SeedRevisions}: 004–006
 *       online, statement by statement, under lock timeouts with retries.</li>
 * </ul>
 */
final class MigrationUnderLoad {

    enum Mode {
        PLAIN, ONLINE;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How the writers run around the migration.
     *
     * @param writers    writer threads
     * @param writerRate transactions each writer starts per second; 0: as many as it can
     * @param baseline   how long the writers run alone before the migration, measured, and again after it
     * @param plainTries how many times a plain revision is tried before the run gives up
     */
    record Settings(int writers, int writerRate, Duration baseline, int plainTries) {

        Settings {
            if (writers < 1) {
                throw new IllegalArgumentException("writers must be at least 1, not " + writers);
            }
            if (plainTries < 1) {
                throw new IllegalArgumentException("plain tries must be at least 1, not " + plainTries);
            }
            if (baseline.isNegative()) {
                throw new IllegalArgumentException("the baseline must be 0 s or more");
            }
            if (writerRate < 0 || writerRate > MAX_WRITER_RATE) {
                throw new IllegalArgumentException("a writer rate is transactions a second, 0 (flat out) to "
                        + MAX_WRITER_RATE + ", not " + writerRate);
            }
        }
    }

    /**
     * One revision of a run. Times are seconds from the migration's start.
     *
     * @param tries    plain: transactions tried; online: statements' lock tries beyond the first, plus one
     * @param error    the last failed try's error, or null
     */
    record RevisionRun(String revision, double startSeconds, double endSeconds, int tries, boolean succeeded,
                       String error) {

        double durationMs() {
            return (endSeconds - startSeconds) * 1000;
        }
    }

    /**
     * @param duration  from the migration's first statement to its last commit (or to giving up)
     * @param reached   the revision the database was at when the migration ended
     * @param failure   why the migration stopped short of 006, or null
     */
    record Report(Mode mode, int writers, int writerRate, Duration duration, List<RevisionRun> revisions,
                  String reached, String failure, WriterReport writersReport) {

        boolean succeeded() {
            return failure == null;
        }

        /** "reached 006", or "gave up at 004": the outcome as the narration, the report and the charts word it. */
        String outcome() {
            return (succeeded() ? "reached " : "gave up at ") + reached;
        }

        String writersDescribed() {
            return MigrationUnderLoad.writersDescribed(writers, writerRate);
        }
    }

    /** Far above what one connection can do; the cap keeps a writer's interval at whole microseconds. */
    static final int MAX_WRITER_RATE = 100_000;
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final String PLAIN_STATEMENT_TIMEOUT = "10min";

    private MigrationUnderLoad() {
    }

    /** "4 writers at 250 transactions/s each", or "4 writers flat out". */
    static String writersDescribed(int writers, int writerRate) {
        return writers + (writers == 1 ? " writer" : " writers")
                + (writerRate == 0 ? " flat out" : " at " + writerRate + " transactions/s each");
    }

    /**
     * A warning when paced writers managed, alone, fewer transactions than asked (under nine in ten): they are
     * falling behind before any migration, so every latency after that measures their backlog, not the migration.
     */
    static Optional<String> shortfall(Settings settings, long transactions, Duration baseline) {
        double asked = (double) settings.writers() * settings.writerRate();
        if (settings.writerRate() == 0 || settings.baseline().isZero() || baseline.isZero()) {
            return Optional.empty();
        }
        double done = transactions / (baseline.toNanos() / 1e9);
        if (done >= 0.9 * asked) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "  warning: alone, the writers ran %,.0f transactions a second "
                + "of the %,.0f asked: they fall behind, and their latencies then measure that backlog, not the "
                + "migration; a lower --writer-rate fits this machine.", done, asked));
    }

    static Report run(Mode mode, DataSource dataSource, Population population, Settings settings,
                      Narration narration) {
        Writers writers = Writers.start(dataSource, population, settings.writers(), settings.writerRate());
        long baselineStart;
        long migrationStart;
        long migrationEnd;
        Outcome outcome;
        List<Writers.Record> records;
        try {
            pause(WARM_UP);
            baselineStart = System.nanoTime();
            long finishedBefore = writers.finished();
            pause(settings.baseline());
            migrationStart = System.nanoTime();
            shortfall(settings, writers.finished() - finishedBefore, Duration.ofNanos(migrationStart - baselineStart))
                    .ifPresent(narration::say);
            outcome = mode == Mode.PLAIN
                    ? plain(dataSource, settings.plainTries(), writers, migrationStart, narration)
                    : online(dataSource, writers, migrationStart, narration);
            migrationEnd = System.nanoTime();
            pause(settings.baseline());
        } finally {
            records = writers.stop();
        }
        return new Report(mode, settings.writers(), settings.writerRate(),
                Duration.ofNanos(migrationEnd - migrationStart), outcome.revisions(), outcome.reached(),
                outcome.failure(), WriterReport.of(records, baselineStart, migrationStart, migrationEnd));
    }

    private record Outcome(List<RevisionRun> revisions, String reached, String failure) {
    }

    private static Outcome plain(DataSource dataSource, int tries, Writers writers, long origin,
                                 Narration narration) {
        List<RevisionRun> runs = new ArrayList<>();
        String reached = "003";
        try (Connection connection = dataSource.getConnection()) {
            Jdbc.execute(connection, "SET statement_timeout = '" + PLAIN_STATEMENT_TIMEOUT + "'");
            connection.setAutoCommit(false);
            for (Revision revision : PlainRevisions.all().subList(3, 6)) {
                Step step = Step.up(revision);
                narration.say("  plain: running %s …", step.describe());
                double start = seconds(origin);
                SQLException failure = null;
                int attempt = 0;
                while (attempt < tries) {
                    attempt++;
                    failure = applyOnce(connection, revision);
                    if (failure == null) {
                        break;
                    }
                    narration.say("    try %d of %d rolled back: %s", attempt, tries, SqlErrors.describe(failure));
                }
                String error = failure == null ? null : SqlErrors.describe(failure);
                runs.add(new RevisionRun(revision.id(), start, seconds(origin), attempt, failure == null, error));
                if (failure != null) {
                    return new Outcome(runs, reached, revision.id() + " failed " + attempt + " times; last: " + error);
                }
                reached = revision.id();
                writers.revisionCommitted(reached);
            }
            return new Outcome(runs, reached, null);
        } catch (SQLException e) {
            return new Outcome(runs, reached, "the plain migration's connection failed: " + SqlErrors.describe(e));
        }
    }

    /** One try of one revision in one transaction: null when it committed, else why it was rolled back. */
    private static SQLException applyOnce(Connection connection, Revision revision) throws SQLException {
        try (Statement statement = connection.createStatement();
             PreparedStatement version = connection.prepareStatement(
                     "UPDATE alembic_version SET version_num = ? WHERE version_num = ?")) {
            for (String sql : RecordingContext.statementsOf(Step.up(revision))) {
                statement.execute(sql);
            }
            version.setString(1, revision.id());
            version.setString(2, revision.revises());
            if (version.executeUpdate() != 1) {
                throw new IllegalStateException("alembic_version is not at " + revision.revises());
            }
            connection.commit();
            return null;
        } catch (SQLException e) {
            connection.rollback();
            return e;
        }
    }

    private static Outcome online(DataSource dataSource, Writers writers, long origin, Narration narration) {
        StepClock clock = new StepClock(writers, origin, narration);
        Retort retort = Retort.using(dataSource).withRevisions(SeedRevisions.all()).withListener(clock);
        try {
            retort.upgrade(SeedRevisions.LAST);
            return new Outcome(clock.runs(), retort.current(), null);
        } catch (RetortException e) {
            return new Outcome(clock.runs(), retort.current(), e.getMessage());
        }
    }

    /** The engine's steps as revision runs, and the writers told when 005 has committed. */
    private static final class StepClock implements MigrationListener {

        private final Writers writers;
        private final long origin;
        private final Narration narration;
        private final List<RevisionRun> runs = new ArrayList<>();
        /** The step running now (the engine runs one at a time): when it started, NaN if none, and its retries. */
        private double stepStart = Double.NaN;
        private int retries;

        StepClock(Writers writers, long origin, Narration narration) {
            this.writers = writers;
            this.origin = origin;
            this.narration = narration;
        }

        @Override
        public synchronized void stepStarted(Step step) {
            narration.say("  online: running %s …", step.describe());
            stepStart = seconds(origin);
            retries = 0;
        }

        @Override
        public synchronized void retrying(LockRetry retry) {
            narration.say("    %s (try %d of %d): %s", retry.deadlock() ? "deadlock victim" : "no lock within "
                    + retry.lockTimeout().toMillis() + " ms", retry.attempt(), retry.attempts(),
                    SqlText.oneLine(retry.statement()));
            retries++;
        }

        @Override
        public synchronized void stepFinished(Step step, Duration took) {
            end(step, true);
            writers.revisionCommitted(step.revision().id());
        }

        @Override
        public synchronized void stepFailed(Step step, Duration took) {
            end(step, false);
        }

        private void end(Step step, boolean succeeded) {
            double now = seconds(origin);
            runs.add(new RevisionRun(step.revision().id(), Double.isNaN(stepStart) ? now : stepStart, now,
                    1 + retries, succeeded, null));
            stepStart = Double.NaN;
            retries = 0;
        }

        synchronized List<RevisionRun> runs() {
            return List.copyOf(runs);
        }
    }

    private static double seconds(long origin) {
        return (System.nanoTime() - origin) / 1e9;
    }

    private static void pause(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("The bench was interrupted.", e);
        }
    }
}
