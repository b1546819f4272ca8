package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On a loaded machine the watch's looks can all come too late to see a statement wait for its lock. The lock timeout
 * leaves the sessions that hold the lock holding it, so the run still names them: here the watch is held back until
 * the statement has given up, so it cannot have seen the wait.
 */
class MissedWatchTest {

    private static final String ADD_COLUMN = "ALTER TABLE t001 ADD COLUMN note text";
    /** One try, waiting long enough that the test's own look at pg_locks sees the wait begin. */
    private static final LockPolicy ONE_TRY = new LockPolicy(Duration.ofSeconds(1), 0, Duration.ofSeconds(30), Duration.ZERO);

    private final TestDatabase database = TestPostgres.newDatabase("missed_watch");
    private final ExecutorService watcher = Executors.newSingleThreadExecutor();

    @AfterEach
    void dropDatabase() {
        watcher.shutdownNow();
        TestPostgres.drop(database);
    }

    @Test
    void aLockTimeoutTheWatchNeverSawStillNamesTheSessionHoldingTheLock() throws Exception {
        List<Revision> revisions = List.of(FakeRevision.table("001", null),
                new FakeRevision("002", "001", "add a note", List.of(ADD_COLUMN), List.of()));
        new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("001");
        AtomicReference<LockRetry> lastTry = new AtomicReference<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void lastTryFailed(LockRetry retry) {
                lastTry.set(retry);
            }
        };

        try (Connection holder = database.connect("nightly-report");
             Connection work = database.connect();
             Connection watch = database.connect();
             Connection looker = database.connect()) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT count(*) FROM t001"); // ACCESS SHARE, held to the end of its transaction
            // The watcher's one thread is busy until the statement has stopped waiting: the watch of its try only
            // starts after that, when there is no wait left to see.
            int workPid = TestPostgres.backendPid(work);
            watcher.submit(() -> {
                awaitWaiting(looker, workPid, true);
                awaitWaiting(looker, workPid, false);
                return null;
            });
            SchemaFacts facts = SchemaFacts.of(revisions);
            try (StepRunner runner = new StepRunner(work, watch, ONE_TRY, listener, facts, watcher)) {
                assertThatThrownBy(() -> runner.run(StepSql.of(Step.up(revisions.get(1)), facts)))
                        .isInstanceOf(MigrationFailedException.class)
                        .cause().isInstanceOf(LocksUnavailableException.class);
            }
            holder.rollback();
        }

        assertThat(lastTry.get().blockers()).extracting(BlockingSession::applicationName)
                .containsExactly("nightly-report");
        assertThat(lastTry.get().blockers().get(0).query()).isEqualTo("SELECT count(*) FROM t001");
    }

    /**
     * Looks at pg_locks until the session's wait for a lock has begun ({@code waiting}) or ended. Not forever: a look
     * that missed the whole wait must not leave the run waiting for its watch, and the test hanging.
     */
    private static void awaitWaiting(Connection looker, int pid, boolean waiting) throws SQLException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (PreparedStatement query = looker.prepareStatement(
                "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = ? AND NOT granted)")) {
            query.setInt(1, pid);
            while (System.nanoTime() < giveUp) {
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1) == waiting) {
                        return;
                    }
                }
            }
        }
    }


    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
