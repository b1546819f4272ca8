package dev.retort.engine;

import java.util.List;

/**
 * The SQL a migration would run, as a script for psql, made without any database: {@code upgrade 003:head --sql}.
 *
 * <p>Each revision gets a header comment. A transactional revision is wrapped in {@code BEGIN}/{@code COMMIT}; an
 * online one is not, so that psql in its default autocommit mode runs each statement on its own, as
 * {@code CREATE INDEX CONCURRENTLY} requires. The {@code alembic_version} statements Retort would run are shown
 * as comments: the script changes the schema only, and {@code retort stamp} records where it left it.
 */
public final class OfflineScript {

    private OfflineScript() {
    }

    /**
     * The steps of {@code FROM:TO}. An upgrade may give only {@code TO}, from base, as Alembic does; a downgrade
     * must give both ends, since there is no database to say where it starts.
     */
    public static Plan plan(RevisionGraph graph, Direction direction, String range) {
        String word = direction.word();
        int colon = range.indexOf(':');
        if (colon < 0 && direction == Direction.DOWNGRADE) {
            throw new InvalidTargetException("downgrade --sql needs FROM:TO, e.g. 006:003: without a database there "
                    + "is no current revision to start from.");
        }
        String fromText = colon < 0 ? "base" : range.substring(0, colon).strip();
        String toText = colon < 0 ? range.strip() : range.substring(colon + 1).strip();
        if (fromText.isEmpty() || toText.isEmpty() || RevisionGraph.isRelativeToCurrent(fromText)) {
            throw new InvalidTargetException("'" + range + "' is not a range for --sql: give FROM:TO with FROM an "
                    + "id, base or head (--sql reads no database, so FROM cannot be current, +N or -N), e.g. 003:head "
                    + "or 003:+2.");
        }
        int from = graph.resolve(fromText, () -> {
            throw new InvalidTargetException("--sql reads no database: '" + fromText + "' needs one.");
        });
        int to = graph.resolve(toText, from);
        boolean backwards = direction == Direction.UPGRADE ? to < from : to > from;
        if (backwards) {
            String other = direction == Direction.UPGRADE ? "downgrade" : "upgrade";
            throw new InvalidTargetException(word + " --sql " + range + " goes " + (to < from ? "down" : "up")
                    + " from " + graph.label(from) + " to " + graph.label(to) + "; use " + other + " --sql " + range
                    + ".");
        }
        List<Step> steps = direction == Direction.UPGRADE ? graph.upgradePath(from, to) : graph.downgradePath(from, to);
        return new Plan(graph.idAt(from), graph.idAt(to), steps,
                steps.isEmpty() ? "Nothing to " + word + ": " + graph.label(from) + " to " + graph.label(to) + "." : null,
                null);
    }

    public static String render(RevisionGraph graph, Plan plan, LockPolicy policy) {
        StringBuilder script = new StringBuilder();
        script.append("-- Retort ").append(RetortVersion.get()).append(", offline: ")
                .append(RevisionGraph.labelOf(plan.from())).append(" -> ").append(graph.labelWithHead(plan.to()))
                .append('\n');
        if (plan.steps().isEmpty()) {
            return script.append("-- ").append(plan.note()).append('\n').toString();
        }
        script.append("""
                -- The alembic_version statements Retort would run are comments: after applying this script,
                -- record where it left the database with: retort stamp %1$s
                -- If it stops partway, do not run it again as it is (statements already done may fail, an INVALID
                -- index would be kept): retort stamp the last revision it finished, then retort %2$s %1$s
                -- finishes the job, skipping what is done.
                -- Retort waits at most lock_timeout for each lock and tries again; psql does not. Consider:
                --   \\set ON_ERROR_STOP on
                --   SET lock_timeout = '%3$dms';
                """.formatted(plan.to() == null ? "base" : plan.to(), plan.steps().get(0).direction().word(),
                policy.lockTimeout().toMillis()));
        if (!policy.statementTimeout().isZero()) {
            // Given with --sql, it would otherwise be dropped without a word: the script cannot set it for psql.
            script.append("--   SET statement_timeout = '").append(policy.statementTimeout().toMillis())
                    .append("ms';\n");
        }
        if (plan.from() == null) {
            script.append("\n-- ").append(VersionTable.CREATE.replace("\n", "\n-- ")).append(";\n");
        }
        for (Step step : plan.steps()) {
            boolean online = step.revision().online();
            script.append("\n-- Running ").append(step.describe()).append(online
                    ? " (online: each statement on its own, in autocommit)" : " (one transaction)").append("\n\n");
            if (!online) {
                script.append("BEGIN;\n\n");
            }
            for (String statement : RecordingContext.statementsOf(step)) {
                script.append(statement).append(";\n\n");
            }
            script.append("-- ").append(VersionTable.moveSql(step.from(), step.to())).append('\n');
            if (!online) {
                script.append("\nCOMMIT;\n");
            }
        }
        return script.toString();
    }
}
