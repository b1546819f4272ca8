package dev.retort.bench;

import java.time.Instant;
import java.util.List;

/**
 * Everything one {@code retort bench} run measured; {@link BenchReport} turns it into markdown and JSON, and
 * {@link Charts} into pictures.
 *
 * @param started     when the run began (and the generated data ends)
 * @param server      the server's version and the settings the numbers depend on
 * @param loadAverage the machine's one-minute load average at the start
 * @param queries     the four rows of the seed's table
 * @param plain       the plain migration under writers
 * @param online      the engine's online migration under writers
 */
public record BenchResult(BenchOptions options, Instant started, String server, int cores, double loadAverage,
                          BulkLoad.Result load, List<QueryRow> queries, MigrationUnderLoad.Report plain,
                          MigrationUnderLoad.Report online) {

    /**
     * One row of the query table.
     *
     * @param before     primary keys only
     * @param after      revision 006, the seed's indexes, built by the engine
     * @param proposed   with revision 007 ({@link ProposedR007NewestFirstIndexes}) too
     * @param beforePlan what EXPLAIN shows the "before" plan reading
     * @param afterPlan  the indexes EXPLAIN shows the "after" plan using
     * @param proposedPlan the same with 007
     */
    public record QueryRow(SeedQuery query, Latency before, Latency after, Latency proposed, String beforePlan,
                           String afterPlan, String proposedPlan) {

        /** Before over after, medians. */
        public double improvement() {
            return ratio(before.p50(), after.p50());
        }

        public double proposedImprovement() {
            return ratio(before.p50(), proposed.p50());
        }

        private static double ratio(double slow, double fast) {
            return fast <= 0 ? 0 : slow / fast;
        }
    }
}
