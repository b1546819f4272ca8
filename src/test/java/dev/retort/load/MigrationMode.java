package dev.retort.load;

import dev.retort.engine.MigrationFailedException;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.MigrationResult;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.Migrator;
import dev.retort.engine.RetortException;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.SqlErrors;
import dev.retort.engine.Step;
import dev.retort.migrations.Migrations;
import dev.retort.bench.PlainRevisions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two ways of taking a database from 003 to the head that the harness compares. Both try a failed revision
 * again, up to {@code attempts} times in all, as an operator would rerun a migration that was rolled back.
 */
public enum MigrationMode {

    /**
     * The foundation's plain DDL ({@link PlainRevisions}: 004–006 as first written), each revision in one transaction with its
     * {@code alembic_version} update, as the engine ran them before online DDL; no lock_timeout, no retry within.
     */
    PLAIN {
        @Override
        public MigrationOutcome run(DataSource dataSource, int attempts) throws SQLException {
            long started = System.nanoTime();
            List<MigrationOutcome.RevisionRun> runs = new ArrayList<>();
            Map<String, Long> errors = new TreeMap<>();
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                String reached = "003";
                for (Revision revision : PlainRevisions.all().subList(3, 6)) {
                    long revisionNanos = 0;
                    SQLException failure = null;
                    int attempt = 0;
                    while (attempt < attempts) {
                        attempt++;
                        long attemptStarted = System.nanoTime();
                        failure = applyOnce(connection, revision);
                        revisionNanos += System.nanoTime() - attemptStarted;
                        if (failure == null) {
                            break;
                        }
                        errors.merge(sqlStateOf(failure), 1L, Long::sum);
                    }
                    runs.add(new MigrationOutcome.RevisionRun(revision.id(), Duration.ofNanos(revisionNanos),
                            attempt, failure == null));
                    if (failure != null) {
                        return new MigrationOutcome(word(), since(started), runs, errors, reached, revision.id()
                                + " failed " + attempt + " times; last: " + SqlErrors.describe(failure));
                    }
                    reached = revision.id();
                }
                return new MigrationOutcome(word(), since(started), runs, errors, reached, null);
            }
        }

        /** One attempt at one revision, in one transaction: null when it committed, else why it was rolled back. */
        private SQLException applyOnce(Connection connection, Revision revision) throws SQLException {
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
    },

    /** Whatever the engine does today: {@code Migrator.upgrade("head")}, rerun from where it stopped if it fails. */
    ONLINE {
        @Override
        public MigrationOutcome run(DataSource dataSource, int attempts) {
            long started = System.nanoTime();
            StepClock clock = new StepClock();
            Migrator migrator = new Migrator(dataSource, new RevisionGraph(Migrations.all()), clock,
                    Migrator.DEFAULT_LOCK_WAIT);
            Map<String, Long> errors = new TreeMap<>();
            String failure = null;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                try {
                    MigrationResult result = migrator.upgrade("head");
                    return new MigrationOutcome(word(), since(started), clock.runs(), errors, result.to(), null);
                } catch (RetortException e) {
                    String state = sqlStateOf(e);
                    errors.merge(state, 1L, Long::sum);
                    failure = (e instanceof MigrationFailedException failed ? failed.step().revision().id() : "run")
                            + " failed " + attempt + " times; last: " + e.getMessage();
                }
            }
            return new MigrationOutcome(word(), since(started), clock.runs(), errors, migrator.current(), failure);
        }
    };

    /** Takes a database at 003 to the head while the caller's writers run; never throws for a rolled-back step. */
    public abstract MigrationOutcome run(DataSource dataSource, int attempts) throws SQLException;

    /** {@code plain} or {@code online}, as on the command line. */
    public String word() {
        return name().toLowerCase();
    }

    /** The SQLSTATE of the first SQLException among {@code error} and its causes, or "-----" if there is none. */
    static String sqlStateOf(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "-----";
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Adds up the engine's steps by revision, failed attempts included, as the engine reports them. */
    private static final class StepClock implements MigrationListener {

        private final Map<String, long[]> byRevision = new LinkedHashMap<>(); // id -> {nanos, attempts, succeeded}

        @Override
        public void stepFinished(Step step, Duration took) {
            add(step, took, true);
        }

        @Override
        public void stepFailed(Step step, Duration took) {
            add(step, took, false);
        }

        private void add(Step step, Duration took, boolean succeeded) {
            long[] figures = byRevision.computeIfAbsent(step.revision().id(), id -> new long[3]);
            figures[0] += took.toNanos();
            figures[1]++;
            figures[2] = succeeded ? 1 : 0;
        }

        List<MigrationOutcome.RevisionRun> runs() {
            List<MigrationOutcome.RevisionRun> runs = new ArrayList<>();
            byRevision.forEach((id, figures) -> runs.add(new MigrationOutcome.RevisionRun(id,
                    Duration.ofNanos(figures[0]), (int) figures[1], figures[2] == 1)));
            return runs;
        }
    }
}
