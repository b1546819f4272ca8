package dev.retort.bench;

import dev.retort.Retort;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code retort bench} on a database of its own (empty when it starts; {@link BenchDatabase} makes it):
 * <ol>
 *   <li>load the generated data at revision 003 ({@link BulkLoad});</li>
 *   <li>migrate 003 → 006 with the plain DDL while writers run, then downgrade to 003 with the engine; migrate
 *       003 → 006 with the engine, online, while writers run ({@link MigrationUnderLoad});</li>
 *   <li>write the generated soft deletes, now that the columns exist ({@link SoftDeletes}), vacuum, analyze;</li>
 *   <li>time the seed's four queries at 006: the "after" column ({@link QueryTimer});</li>
 *   <li>apply the proposed revision 007 with the engine and time them again: the third column;</li>
 *   <li>drop every index but the primary keys, and unique constraints ({@link SecondaryObjects}), and time them a
 *       last time: the "before" column, on exactly the same rows. With {@code keep}, the indexes are then built
 *       again, so that the database is left at 007 as the engine made it.</li>
 * </ol>
 * "Before" comes last so that the indexes of "after" are the ones the engine's online revisions built, and no index
 * needs building twice.
 */
public final class Bench {

    private Bench() {
    }

    public static BenchResult run(DataSource database, BenchOptions options, Narration narration) {
        Instant started = Instant.now();
        double loadAverage = Machine.loadAverage();
        Population population = new Population(options.seed(), options.scale(), started);
        String server = Jdbc.value(database, """
                SELECT 'PostgreSQL ' || current_setting('server_version') || ', shared_buffers '
                       || current_setting('shared_buffers') || ', maintenance_work_mem '
                       || current_setting('maintenance_work_mem') || ', max_wal_size ' || current_setting('max_wal_size')
                       || ', synchronous_commit ' || current_setting('synchronous_commit')""");
        narration.say("Bench on %s; %d cores, load average %.2f.", server, Machine.cores(), loadAverage);

        narration.say("Loading at revision 003: %,d users, %,d customers, %,d audit log entries (seed %d) …",
                options.scale().users(), options.scale().customers(), options.scale().auditLogs(), options.seed());
        BulkLoad.Result load = BulkLoad.loadAt003(database, population, options.streams(), narration);
        narration.say("Loaded in %s (copy %s, indexes and keys %s, vacuum and analyze %s); load average %.2f.",
                BulkLoad.seconds(load.total()), BulkLoad.seconds(load.copy()), BulkLoad.seconds(load.indexes()),
                BulkLoad.seconds(load.analyze()), Machine.loadAverage());

        MigrationUnderLoad.Report plain = migrate(MigrationUnderLoad.Mode.PLAIN, database, population, options,
                narration);
        Retort.using(database).downgrade("003");
        BulkLoad.analyze(database, options.streams());
        MigrationUnderLoad.Report online = migrate(MigrationUnderLoad.Mode.ONLINE, database, population, options,
                narration);
        if (!online.succeeded()) {
            throw new BenchException("The online migration did not reach 006, so there is no \"after\" to "
                    + "measure: " + online.failure());
        }

        narration.say("Writing the generated soft deletes (3 % of each table) …");
        long deleted = SoftDeletes.apply(database, population, options.streams());
        BulkLoad.analyze(database, options.streams());
        narration.say("  %,d rows soft-deleted; vacuumed and analyzed.", deleted);

        Map<SeedQuery, Cell> after = cells("after (revision 006)", database, population, options, narration);
        narration.say("Applying the proposed revision 007 (%s, %s) …", ProposedR007NewestFirstIndexes.AUDIT_TRAIL_INDEX,
                ProposedR007NewestFirstIndexes.ACTIVE_CUSTOMERS_INDEX);
        Retort.using(database).withRevisions(ProposedR007NewestFirstIndexes.chain()).upgrade("head");
        Map<SeedQuery, Cell> proposed = cells("with 007", database, population, options, narration);
        narration.say("Dropping every index but the primary keys …");
        SecondaryObjects secondary = SecondaryObjects.readAndDrop(database, false);
        Map<SeedQuery, Cell> before = cells("before (primary keys only)", database, population, options, narration);
        if (options.keep()) {
            narration.say("Building the indexes again for --keep …");
            BulkLoad.restore(database, secondary, options.streams());
        }

        List<BenchResult.QueryRow> rows = new ArrayList<>();
        for (SeedQuery query : SeedQuery.values()) {
            rows.add(new BenchResult.QueryRow(query, before.get(query).latency(), after.get(query).latency(),
                    proposed.get(query).latency(), before.get(query).plan(), after.get(query).plan(),
                    proposed.get(query).plan()));
        }
        return new BenchResult(options, started, server, Machine.cores(), loadAverage, load, rows, plain, online);
    }

    private record Cell(Latency latency, String plan) {
    }

    private static MigrationUnderLoad.Report migrate(MigrationUnderLoad.Mode mode, DataSource database,
                                                     Population population, BenchOptions options,
                                                     Narration narration) {
        narration.say("Migrating 003 -> 006 %s with %s (%s s alone first) …", mode.word(),
                MigrationUnderLoad.writersDescribed(options.writers(), options.writerRate()),
                options.baseline().toSeconds());
        MigrationUnderLoad.Report report = MigrationUnderLoad.run(mode, database, population,
                options.migrationSettings(), narration);
        WriterReport writers = report.writersReport();
        narration.say("  %s: %s in %s; writers during it: p99 %.1f ms, max %.1f ms, %d errors; load average %.2f.",
                mode.word(), report.outcome(),
                BulkLoad.seconds(report.duration()), writers.during().p99(), writers.during().max(),
                writers.errorsDuringCount(), Machine.loadAverage());
        return report;
    }

    private static Map<SeedQuery, Cell> cells(String column, DataSource database, Population population,
                                              BenchOptions options, Narration narration) {
        checkpoint(database);
        Map<SeedQuery, Cell> cells = new EnumMap<>(SeedQuery.class);
        for (SeedQuery query : SeedQuery.values()) {
            narration.say("Timing %s, %s …", query.title(), column);
            QueryTimer.Timing timing = QueryTimer.time(database, query, population, options.cellSettings());
            Latency latency = timing.latency();
            // The plan the runs ended on: their generic plan if they settled on it, else EXPLAIN's custom plans.
            String plan = timing.genericPlanReads().map(reads -> reads + " (generic plan)")
                    .orElseGet(() -> QueryTimer.planReads(database, query, population));
            narration.say("  %,d runs: p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (%s); load average %.2f", latency.count(),
                    latency.p50(), latency.p95(), latency.p99(), plan, latency.loadAverage());
            cells.put(query, new Cell(latency, plan));
        }
        return cells;
    }

    /**
     * Writes the dirty buffers out before a column is timed, so that what the step before it wrote (an index
     * build, the soft deletes) is not flushed in the background while the column's queries run. Best effort:
     * CHECKPOINT needs a superuser or pg_checkpoint (PostgreSQL 15), and without either the column is timed all the
     * same.
     */
    private static void checkpoint(DataSource database) {
        Jdbc.run(database, connection -> {
            try {
                Jdbc.execute(connection, "CHECKPOINT");
            } catch (SQLException e) {
                if (!Jdbc.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        });
    }
}
