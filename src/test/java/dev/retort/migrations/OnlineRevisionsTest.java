package dev.retort.migrations;

import dev.retort.engine.BlockingSession;
import dev.retort.engine.LockPolicy;
import dev.retort.engine.LockRetry;
import dev.retort.engine.LocksUnavailableException;
import dev.retort.engine.MigrationContext;
import dev.retort.engine.MigrationFailedException;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.engine.Step;
import dev.retort.engine.UnfinishedStep;
import dev.retort.engine.StepProgress;
import dev.retort.bench.PlainRevisions;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Revisions 004–006 run online: they end in exactly the schema the plain DDL makes, they wait for table locks only
 * briefly and try again, they undo themselves when they fail, and a rerun finishes what an interrupted run began.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OnlineRevisionsTest {

    private static final LockPolicy QUICK = new LockPolicy(Duration.ofMillis(200), 2, Duration.ofSeconds(30),
            Duration.ZERO);

    private final TestDatabase database = TestPostgres.newDatabase("online");
    private final List<Connection> blockers = new ArrayList<>();

    @AfterEach
    void endBlockers() throws SQLException {
        for (Connection blocker : blockers) {
            blocker.close();
        }
    }

    private Migrator migrator(MigrationListener listener, LockPolicy policy) {
        return new Migrator(database.dataSource(), new RevisionGraph(Migrations.all()), listener, Duration.ofSeconds(5),
                policy);
    }

    private Migrator migrator() {
        return migrator(MigrationListener.SILENT, QUICK);
    }

    /** At 006, the last revision both have: a project's own revisions after it have no plain twin. */
    @Test
    void onlineRevisionsEndInExactlyTheSchemaOfThePlainOnes() throws SQLException {
        TestDatabase plain = TestPostgres.newDatabase("plain");
        new Migrator(plain.dataSource(), new RevisionGraph(PlainRevisions.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("006");

        migrator().upgrade("006");

        assertThat(database.schema()).isEqualTo(plain.schema()).doesNotContain("NOT VALID", "INVALID");
    }

    @Test
    void eachStatementOfAnOnlineStepLeavesAProgressRowThenTheStepItsSuccessRow() throws SQLException {
        migrator().upgrade("004");

        assertThat(database.column("SELECT outcome || ' ' || coalesce(part, '-') FROM retort_history"
                + " WHERE revision = '004' ORDER BY finished_at")).containsExactly(
                "progress 1/6: ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by)"
                        + " REFERENCES users (id) ON DELETE RESTRICT NOT VALID",
                "progress 2/6: ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_created_by",
                "progress 3/6: ALTER TABLE customers ADD CONSTRAINT fk_customers_updated_by FOREIGN KEY (updated_by)"
                        + " REFERENCES users (id) ON DELETE SET NULL NOT VALID",
                "progress 4/6: ALTER TABLE customers VALIDATE CONSTRAINT fk_customers_updated_by",
                "progress 5/6: CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by ON customers (created_by)",
                "progress 6/6: CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_updated_by ON customers (updated_by)",
                "success -");
    }

    @Test
    void aValidationThatFailsIsUndoneAndLeavesTheDatabaseExactlyAtThePreviousRevision() throws SQLException {
        migrator().upgrade("005");
        String before = database.schema();
        // A row that revision 006's name check refuses, written before the check exists.
        database.execute("INSERT INTO customers (name, email, customer_type) VALUES (' ', 'a@example.com', 'individual')");

        assertThatThrownBy(() -> migrator().upgrade("006"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("ck_customers_name_not_empty")
                .hasMessageContaining("SQLSTATE 23514")
                .hasMessageEndingWith("Undone: the database is still at 005.");

        assertThat(migrator().current()).isEqualTo("005");
        assertThat(database.schema()).isEqualTo(before);
        assertThat(database.column("SELECT outcome FROM retort_history WHERE revision = '006'"
                + " AND part IS NULL")).containsExactly("failed");
    }

    @Test
    void aRerunSkipsWhatAnInterruptedRunDidAndRebuildsTheIndexItLeftInvalid() throws SQLException {
        migrator().upgrade("003");
        // What a run killed inside 004's first index build leaves: both keys added (one not yet validated) and an
        // INVALID index. A unique build over duplicate values fails the same way a killed one does.
        database.execute("INSERT INTO customers (name, email, customer_type) VALUES"
                + " ('a', 'a@example.com', 'individual'), ('b', 'b@example.com', 'individual')");
        database.execute("ALTER TABLE customers ADD CONSTRAINT fk_customers_created_by FOREIGN KEY (created_by)"
                + " REFERENCES users (id) ON DELETE RESTRICT");
        database.execute("ALTER TABLE customers ADD CONSTRAINT fk_customers_updated_by FOREIGN KEY (updated_by)"
                + " REFERENCES users (id) ON DELETE SET NULL NOT VALID");
        assertThatThrownBy(() -> database.execute(
                "CREATE UNIQUE INDEX CONCURRENTLY ix_customers_created_by ON customers ((1))"))
                .isInstanceOf(SQLException.class);
        assertThat(database.column("SELECT indisvalid FROM pg_index"
                + " WHERE indexrelid = 'ix_customers_created_by'::regclass")).containsExactly("f");
        List<String> notes = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void statementSkipped(Step step, String sql, String reason) {
                notes.add(reason);
            }
        };

        migrator(listener, QUICK).upgrade("head");

        // The key added valid is not validated again (that would take its locks to do nothing); the other one is.
        assertThat(notes).containsExactly(
                "constraint fk_customers_created_by on customers is already there",
                "valid constraint fk_customers_created_by on customers is already there",
                "constraint fk_customers_updated_by on customers is already there",
                "index ix_customers_created_by was left INVALID by an interrupted build: dropping it to build it again");
        TestDatabase clean = TestPostgres.newDatabase("clean");
        new Migrator(clean.dataSource(), new RevisionGraph(Migrations.all()), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("head");
        assertThat(database.schema()).isEqualTo(clean.schema());
    }

    /** A downgrade that fails, and whose undoing fails too, leaves part of its revision reverted, not applied. */
    @Test
    void aFailedDowngradeWhoseUndoingFailsTooSaysPartOfTheRevisionIsReverted() {
        Revision flaky = new Revision() {
            public String id() { return "001"; }
            public String revises() { return null; }
            public String message() { return "flaky"; }
            public boolean online() { return true; }
            public void upgrade(MigrationContext context) {
                context.execute("CREATE TABLE IF NOT EXISTS flaky (id int)");
                // Divides by zero only once alembic_version says 001: when it runs to undo the failed downgrade.
                context.execute("SELECT 1 / (1 - (SELECT count(*) FROM alembic_version WHERE version_num = '001'))");
            }
            public void downgrade(MigrationContext context) {
                context.execute("DROP TABLE IF EXISTS flaky");
                context.execute("SELECT 1 / 0");
            }
        };
        Migrator migrator = new Migrator(database.dataSource(), new RevisionGraph(List.of(flaky)),
                MigrationListener.SILENT, Duration.ofSeconds(5));
        migrator.upgrade("head");

        assertThatThrownBy(() -> migrator.downgrade("base"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("Undoing it failed too (division by zero")
                .hasMessageContaining("): part of 001 is reverted while alembic_version still says 001.");
        // alembic_version says 001 as if nothing happened: only the history tells that the step is half done.
        UnfinishedStep unfinished = migrator.status().unfinished();
        assertThat(unfinished.left()).isEqualTo(UnfinishedStep.Left.UNDO_FAILED);
        assertThat(unfinished.describe()).isEqualTo("downgrade 001 -> <base>");
        assertThat(unfinished.finishingCommand()).isEqualTo("downgrade base");
    }

    @Test
    void aStatementThatTimesOutOnALockIsTriedAgainAndTheListenerHearsWhoBlockedIt() throws SQLException {
        migrator().upgrade("003");
        Connection blocker = holdLock("customers", "ROW EXCLUSIVE", "the-blocker");
        List<LockRetry> retries = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void retrying(LockRetry retry) {
                retries.add(retry);
                commit(blocker); // the blocking transaction ends while Retort pauses
            }
        };

        migrator(listener, QUICK).upgrade("004");

        assertThat(retries).singleElement().satisfies(retry -> {
            assertThat(retry.statement()).contains("ADD CONSTRAINT fk_customers_created_by");
            assertThat(retry.attempt()).isEqualTo(1);
            assertThat(retry.attempts()).isEqualTo(3);
            assertThat(retry.lockTimeout()).isEqualTo(Duration.ofMillis(200));
            assertThat(retry.blockers()).extracting(BlockingSession::applicationName).containsExactly("the-blocker");
            assertThat(retry.blockers().get(0).query()).isEqualTo("LOCK TABLE customers IN ROW EXCLUSIVE MODE");
            assertThat(retry.blockers().get(0).queryStart()).isBeforeOrEqualTo(java.time.Instant.now());
            assertThat(retry.blockers().get(0).describe(java.time.Instant.now())).contains(", query started ");
        });
        assertThat(migrator().current()).isEqualTo("004");
    }

    @Test
    void whenTheTriesRunOutAtTheFirstStatementNothingIsLeftAndTheErrorNamesTheBlocker() throws SQLException {
        migrator().upgrade("003");
        String before = database.schema();
        Connection blocker = holdLock("customers", "ROW EXCLUSIVE", "the-blocker");
        int blockerPid = TestPostgres.backendPid(blocker);

        assertThatThrownBy(() -> migrator().upgrade("head"))
                .isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("could not get its locks in 3 tries")
                .hasMessageContaining("blocked by pid " + blockerPid + " (the-blocker), idle in transaction")
                .hasMessageEndingWith("None of it was applied: the database is still at 003.")
                .cause().isInstanceOf(LocksUnavailableException.class);

        assertThat(migrator().current()).isEqualTo("003");
        assertThat(database.schema()).isEqualTo(before);
    }

    @Test
    void aStatementThatBlocksNoQueryWaitsPatientlyInsteadOfTimingOut() throws SQLException {
        migrator().upgrade("003");
        // An open snapshot makes CREATE INDEX CONCURRENTLY wait, but blocks nobody's reads or writes.
        Connection longReport = openLongReport();
        List<String> started = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void statementStarting(Step step, int number, int count, String sql) {
                if (sql.contains("CREATE INDEX CONCURRENTLY")) {
                    started.add(sql);
                    if (started.size() == 1) {
                        endWhenItWaits(longReport);
                    }
                }
            }
        };

        migrator(listener, new LockPolicy(Duration.ofMillis(100), 0, Duration.ofSeconds(30), Duration.ZERO))
                .upgrade("004");

        assertThat(started).hasSize(2);
        assertThat(migrator().current()).isEqualTo("004");
    }

    @Test
    void aLongIndexBuildReportsItsPhaseWhileItRuns() throws SQLException {
        migrator().upgrade("003");
        Connection longReport = openLongReport();
        List<StepProgress> reports = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void progress(StepProgress progress) {
                reports.add(progress);
                if (progress.index() != null && progress.index().phase().startsWith("waiting for old snapshots")) {
                    commit(longReport); // the report ends; the build can finish
                }
            }
        };

        migrator(listener, QUICK).upgrade("004");

        assertThat(reports).isNotEmpty().allSatisfy(report -> {
            assertThat(report.step().revision().id()).isEqualTo("004");
            assertThat(report.elapsed()).isGreaterThanOrEqualTo(StepProgress.AFTER);
        });
        assertThat(reports).anySatisfy(report -> {
            assertThat(report.statement()).contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_customers_created_by");
            assertThat(report.index().describe()).isEqualTo("waiting for old snapshots");
        });
    }

    /** A report's session: a REPEATABLE READ transaction whose snapshot stays open until the test commits it. */
    private Connection openLongReport() throws SQLException {
        Connection longReport = database.connect("long-report");
        blockers.add(longReport);
        longReport.setAutoCommit(false);
        execute(longReport, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        execute(longReport, "SELECT count(*) FROM customers");
        return longReport;
    }

    /** A session with an open transaction holding {@code mode} on {@code table}, closed after the test. */
    private Connection holdLock(String table, String mode, String applicationName) throws SQLException {
        Connection connection = database.connect(applicationName);
        blockers.add(connection);
        connection.setAutoCommit(false);
        execute(connection, "LOCK TABLE " + table + " IN " + mode + " MODE");
        return connection;
    }

    /**
     * Ends {@code session}'s transaction from another thread once the index build waits for it, as a report that
     * finishes would: the build must still be waiting then, not have given up.
     */
    private void endWhenItWaits(Connection session) {
        Thread ender = new Thread(() -> {
            try (Connection watcher = database.connect()) {
                int pid = TestPostgres.backendPid(session);
                while (!waitedFor(watcher, pid)) {
                    Thread.onSpinWait();
                }
                session.commit();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        ender.setDaemon(true);
        ender.start();
    }

    private static boolean waitedFor(Connection watcher, int pid) throws SQLException {
        try (Statement statement = watcher.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE " + pid
                     + " = ANY (pg_blocking_pids(pid))")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    private static void commit(Connection connection) {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }


    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

}
