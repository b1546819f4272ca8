package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CREATE INDEX CONCURRENTLY that waits out an old snapshot (a report in a repeatable-read transaction, say) reports
 * whom it waits for in its progress, so the operator need not wait for the build to give up to learn it.
 */
class WaitingProgressTest {

    private final TestDatabase database = TestPostgres.newDatabase("waiting_progress");

    @Test
    void anIndexBuildWaitingForAnOldSnapshotNamesItsSession() throws SQLException {
        List<Revision> revisions = List.of(FakeRevision.table("001", null), FakeRevision.online("002", "001",
                List.of("CREATE INDEX CONCURRENTLY ix_t001 ON t001 (id)"), List.of("DROP INDEX CONCURRENTLY ix_t001")));
        new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5)).upgrade("001");
        List<StepProgress> seen = new CopyOnWriteArrayList<>();

        try (Connection report = database.connect("nightly-report")) {
            report.setAutoCommit(false);
            report.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            int pid;
            try (Statement statement = report.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                pid = rows.getInt(1);
            }
            MigrationListener endsTheReportOnceNamed = new MigrationListener() {
                @Override
                public void progress(StepProgress progress) {
                    seen.add(progress);
                    if (!progress.waitingFor().isEmpty()) {
                        try {
                            report.rollback();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };

            new Migrator(database.dataSource(), new RevisionGraph(revisions), endsTheReportOnceNamed,
                    Duration.ofSeconds(5)).upgrade("head");

            assertThat(seen).anySatisfy(progress -> {
                assertThat(progress.waitingFor()).extracting(BlockingSession::pid).containsExactly(pid);
                assertThat(progress.describeWaiting()).isEqualTo("waiting for pid " + pid + " (nightly-report), "
                        + "idle in transaction");
            });
        }
    }
}
