package dev.retort.engine;

import java.util.List;

/**
 * The SQL a migration would run, as a script for psql, made without any database: {@code upgrade 003:head --sql}.
 *
 * <p>Each revision gets a header comment. A transactional revision is wrapped in {@code BEGIN}/{@code COMMIT}; an
 * online one is not, so that psql in its default autocommit mode runs each statement on its own, as
 * {@code CREATE INDEX CONCURRENTLY} requires. {@code alembic_version} moves as Retort moves it, as Alembic's
 * offline scripts move it: in a transactional revision's transaction, after an online revision's last statement. So
 * a script applied whole leaves the database at its end, and one that stopped partway says where, for
 * {@code retort upgrade} to finish. First, though, the script checks that the database is where it starts from:
 * applied to another, it would change a schema it was not written for while the version update matched no row.
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
        if (fromText.isEmpty() || toText.isEmpty()) {
            throw new InvalidTargetException("'" + range + "' has no " + (toText.isEmpty() ? "TO" : "FROM") + ": "
                    + "give FROM:TO, e.g. " + (direction == Direction.UPGRADE ? "003:head" : "head:003") + ".");
        }
        if (RevisionGraph.isRelativeToCurrent(fromText)) {
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

    /**
     * {@code stamp TARGET --sql}: the statements that record {@code target} as the database's revision, whatever
     * alembic_version held, in one transaction, for a server this machine cannot reach. {@code target} is an id,
     * head or base: without a database, nothing counts from the current revision.
     */
    public static String stamp(RevisionGraph graph, String target) {
        if (RevisionGraph.isRelativeToCurrent(target)) {
            throw new InvalidTargetException("stamp --sql reads no database, so '" + target + "' cannot count from "
                    + "the current revision: give an id, head or base.");
        }
        String to = graph.idAt(graph.resolve(target, RevisionGraph.BASE));
        return "-- Retort " + RetortVersion.get() + ", offline: stamp " + graph.labelWithHead(to) + "\n"
                + "-- Records " + RevisionGraph.labelOf(to) + " as the database's revision without running any "
                + "migration.\n\nBEGIN;\n\n" + VersionTable.CREATE + ";\n\nDELETE FROM alembic_version;\n"
                + (to == null ? "" : "INSERT INTO alembic_version (version_num) VALUES ('" + to + "');\n")
                + "\nCOMMIT;\n";
    }

    /**
     * A statement that fails unless alembic_version holds {@code from} alone (is empty, for base): with psql's
     * ON_ERROR_STOP, the script stops before it changes anything. One line, so that a reader splitting the script at
     * line-ending semicolons keeps the block whole.
     */
    private static String startsFrom(String from) {
        String wrong = from == null ? "EXISTS (SELECT FROM alembic_version)"
                : "(SELECT array_agg(version_num) FROM alembic_version) IS DISTINCT FROM ARRAY['" + from
                        + "']::varchar[]";
        return "DO $$ BEGIN IF " + wrong + " THEN RAISE EXCEPTION 'This script starts from "
                + RevisionGraph.labelOf(from) + ", but alembic_version holds %', (SELECT coalesce(string_agg("
                + "version_num, ', '), 'nothing') FROM alembic_version); END IF; END $$;\n";
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
                -- alembic_version moves with each revision, as Retort moves it (retort_history gets no rows: Retort
                -- reads what the script applied as stamped). The script first stops unless the database is at %4$s.
                -- If it stops partway, do not run it again as it is (statements already done may fail, an INVALID
                -- index would be kept): alembic_version names the last revision it finished, and retort %2$s %1$s
                -- finishes the job, skipping what is done.
                -- Retort waits at most lock_timeout for each lock and tries again; psql does not. Consider:
                --   \\set ON_ERROR_STOP on
                --   SET lock_timeout = '%3$dms';
                """.formatted(plan.to() == null ? "base" : plan.to(), plan.steps().get(0).direction().word(),
                policy.lockTimeout().toMillis(), RevisionGraph.labelOf(plan.from())));
        if (!policy.statementTimeout().isZero()) {
            // Given with --sql, it would otherwise be dropped without a word: the script cannot set it for psql.
            script.append("--   SET statement_timeout = '").append(policy.statementTimeout().toMillis())
                    .append("ms';\n");
        }
        script.append('\n');
        if (plan.from() == null) {
            script.append(VersionTable.CREATE).append(";\n\n");
        }
        script.append(startsFrom(plan.from())).append('\n');
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
            script.append(VersionTable.moveSql(step.from(), step.to())).append('\n');
            if (!online) {
                script.append("\nCOMMIT;\n");
            }
        }
        return script.toString();
    }
}
