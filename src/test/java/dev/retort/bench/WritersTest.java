package dev.retort.bench;

import dev.retort.Retort;
import dev.retort.engine.MigrationResult;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The situation in which plain DDL deadlocks: four writers running the data layer's workload (an audit event, or a
 * customer update with its audit row: customers, audit_logs and a key check on users in one transaction) while
 * 004–006 run. Online, each statement locks one table briefly, so nobody waits in a cycle: the migration reaches
 * 006 and no writer transaction fails. (With the plain revisions instead, writers are deadlock victims, 40P01,
 * and the plain 005 gives up: see the bench's report.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WritersTest {

    private static final Scale SCALE = new Scale("writers", 5_000, 5_000, 20_000);
    private static final Population POPULATION = new Population(3, SCALE, Instant.parse("2026-11-25T12:00:00Z"));

    @Test
    void writersKeepCommittingAndNoneFailsWhile004To006RunOnlineThenSoftDeleteAndRestore() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("bench_writers");
        BulkLoad.loadAt003(database.dataSource(), POPULATION, 2, Narration.silent());
        Writers writers = Writers.start(database.dataSource(), POPULATION, 4, 0);
        assertThat(writers.awaitFinished(200, Duration.ofSeconds(60))).as("writers are running").isTrue();

        long before = writers.finished();
        MigrationResult result = Retort.using(database.dataSource()).upgrade("006");
        long during = writers.finished() - before;
        writers.revisionCommitted("005");
        boolean more = writers.awaitFinished(writers.finished() + 400, Duration.ofSeconds(60));
        List<Writers.Record> records = writers.stop();

        assertThat(result.to()).isEqualTo("006");
        assertThat(more).isTrue();
        assertThat(during).as("writer transactions while 004-006 ran").isPositive();
        assertThat(records).hasSize(4).allSatisfy(record -> assertThat(record.failures()).isEmpty());
        assertThat(Retort.using(database.dataSource()).migrator().liveSchema())
                .isEqualTo(ExpectedSnapshots.at("006").orElseThrow());
        assertThat(database.column("SELECT action FROM audit_logs WHERE user_agent = 'retort-bench-writer'"
                + " GROUP BY action ORDER BY action")).contains("update", "view", "delete");
        assertThat(database.column("SELECT count(*) FROM audit_logs WHERE user_agent = 'retort-bench-writer'"))
                .containsExactly(String.valueOf(records.stream().mapToInt(record -> record.starts().length).sum()));
    }

    /**
     * Paced writers start a transaction every 1/rate seconds whatever happens, and a stall counts for every
     * transaction that came due during it: here audit_logs is locked against inserts for 300 ms, and each writer's
     * transactions due in that time all end after the release (a closed loop would have started one, not some 30).
     */
    @Test
    void pacedWritersSkipNoTransactionAndEveryOneDueDuringAStallEndsAfterIt() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("bench_paced_writers");
        Writers writers = pacedWritersAt003(database);
        long interval = TimeUnit.SECONDS.toNanos(1) / RATE;

        Stall stall = stallAuditLogs(database, () -> { });
        long locked = stall.locked();
        long releasing = stall.releasing();
        assertThat(writers.awaitFinished(writers.finished() + 60, Duration.ofSeconds(60))).isTrue();
        List<Writers.Record> records = writers.stop();

        assertThat(records).hasSize(2).allSatisfy(record -> {
            assertThat(record.failures()).isEmpty();
            assertThat(IntStream.range(1, record.starts().length)
                    .mapToLong(i -> record.starts()[i] - record.starts()[i - 1]).distinct().toArray())
                    .as("gaps between due times").containsExactly(interval);
            int[] dueDuringStall = IntStream.range(0, record.starts().length)
                    .filter(i -> record.starts()[i] > locked && record.starts()[i] < releasing).toArray();
            assertThat(dueDuringStall).as("transactions due while audit_logs was locked").hasSizeGreaterThan(10);
            assertThat(IntStream.of(dueDuringStall).mapToLong(i -> record.ends()[i]))
                    .as("their ends").allSatisfy(end -> assertThat(end).isGreaterThan(releasing));
        });
        assertThat(database.column("SELECT count(*) FROM audit_logs WHERE user_agent = 'retort-bench-writer'"
                + " AND action = 'update' AND NOT (old_values ? 'phone' AND new_values ? 'phone')"))
                .as("updates at 003 recorded without the old and new phone").containsExactly("0");
    }

    /**
     * Writers told to stop while a stall holds them still run every transaction that came due before the stop, so
     * a migration's backlog is measured, not dropped; none due after the stop is started.
     */
    @Test
    void stoppedWritersStillRunTheTransactionsDueBeforeTheStopAndNoneAfter() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("bench_stopped_writers");
        Writers writers = pacedWritersAt003(database);

        Stall stall = stallAuditLogs(database, writers::stopStarting);
        long locked = stall.locked();
        long stopped = stall.releasing();
        List<Writers.Record> records = writers.stop();

        assertThat(records).hasSize(2).allSatisfy(record -> {
            assertThat(record.failures()).isEmpty();
            assertThat(IntStream.range(0, record.starts().length)
                    .filter(i -> record.starts()[i] > locked && record.starts()[i] < stopped).count())
                    .as("transactions due while audit_logs was locked, run after the stop").isGreaterThan(10);
            assertThat(LongStream.of(record.starts()).max().orElseThrow()).as("the last start").isLessThan(stopped);
        });
    }

    /**
     * Writers still queued behind a lock when the stop runs out of patience have their connections aborted: each
     * records the transaction the abort cut short as the stop's doing, not a database error, and ends there, rather
     * than failing the rest of its backlog one transaction at a time.
     */
    @Test
    void writersStillBusyWhenTheStopRunsOutOfPatienceAreAbortedAndRecordedAsSuch() throws Exception {
        TestDatabase database = TestPostgres.newDatabase("bench_abandoned_writers");
        Writers writers = pacedWritersAt003(database);
        AtomicReference<List<Writers.Record>> stopped = new AtomicReference<>();

        stallAuditLogs(database, () -> stopped.set(writers.stop(Duration.ofMillis(50))));

        assertThat(stopped.get()).hasSize(2).allSatisfy(record -> assertThat(record.failures().values())
                .as("each writer's one transaction cut short").containsExactly(Writers.ABANDONED));
        assertThat(writers.ended()).as("no writer goes on with its backlog after the abort").isTrue();
    }

    private static final int RATE = 100;

    /** When a stall began (audit_logs locked) and when it began to end (System.nanoTime). */
    private record Stall(long locked, long releasing) {
    }

    /** Two writers at {@link #RATE} a second each on {@code database}, loaded at 003, past their first transactions. */
    private static Writers pacedWritersAt003(TestDatabase database) throws Exception {
        BulkLoad.loadAt003(database.dataSource(), POPULATION, 2, Narration.silent());
        Writers writers = Writers.start(database.dataSource(), POPULATION, 2, RATE);
        assertThat(writers.awaitFinished(20, Duration.ofSeconds(60))).as("writers are running").isTrue();
        return writers;
    }

    /**
     * Locks audit_logs against the writers' inserts (every transaction of theirs writes one) for 300 ms, runs
     * {@code beforeRelease}, then lets go.
     */
    private static Stall stallAuditLogs(TestDatabase database, Runnable beforeRelease) throws SQLException {
        try (Connection blocker = database.dataSource().getConnection(); Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.execute("LOCK TABLE audit_logs IN SHARE MODE");
            long locked = System.nanoTime();
            sql.execute("SELECT pg_sleep(0.3)");
            beforeRelease.run();
            long releasing = System.nanoTime();
            blocker.commit();
            return new Stall(locked, releasing);
        }
    }
}
