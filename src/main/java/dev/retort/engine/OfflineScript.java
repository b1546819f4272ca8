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
 * {@code retort upgrade} to finish; where retort_history exists, each revision gets its row there too. First,
 * though, the script checks that the database is where it starts from: applied to another, it would change a schema
 * it was not written for while the version update matched no row. It sets psql's ON_ERROR_STOP, without which psql
 * would go on after that check, and after any failed statement.
 */
public final class OfflineScript {

    /** A psql setting, so that the first failed statement ends the script rather than the statements after it. */
    private static final String ON_ERROR_STOP = "\\set ON_ERROR_STOP on\n";

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
        String note = steps.isEmpty() ? "Nothing to " + word + ": " + graph.label(from) + " to " + graph.label(to) + "."
                : null;
        return new Plan(graph.idAt(from), graph.idAt(to), steps, note, null);
    }

    /**
     * {@code stamp TARGET --sql}: the statements that record {@code target} as the database's revision, whatever
     * alembic_version held, in one transaction, with the stamp's history row where retort_history exists, as
     * {@code retort stamp} writes them, for a server this machine cannot reach. {@code target} is an id, head or
     * base: without a database, nothing counts from the current revision.
     */
    public static String stamp(RevisionGraph graph, String target) {
        if (RevisionGraph.isRelativeToCurrent(target)) {
            throw new InvalidTargetException("stamp --sql reads no database, so '" + target + "' cannot count from "
                    + "the current revision: give an id, head or base.");
        }
        String to = graph.idAt(graph.resolve(target, RevisionGraph.BASE));
        String held = "(SELECT string_agg(version_num, ', ') FROM alembic_version)";
        return "-- Retort " + RetortVersion.get() + ", offline: stamp " + graph.labelWithHead(to) + "\n"
                + "-- Records " + RevisionGraph.labelOf(to) + " as the database's revision without running any "
                + "migration.\n" + ON_ERROR_STOP + "\nBEGIN;\n\n" + VersionTable.CREATE + ";\n\n"
                + ifHistoryExists(HistoryTable.recordSql(SqlText.literal(to == null ? "base" : to), "stamp", held, to,
                        null))
                + "\nDELETE FROM alembic_version;\n"
                + (to == null ? "" : VersionTable.moveSql(null, to) + "\n")
                + "\nCOMMIT;\n";
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
                -- A script for psql. alembic_version moves with each revision, as Retort moves it, and retort_history
                -- gets each revision's row where it exists. The script first stops unless the database is at %4$s,
                -- with no step that a Retort run left half done there.
                -- If it stops partway, do not run it again as it is (statements already done may fail, an INVALID
                -- index would be kept): alembic_version names the last revision it finished, and retort %2$s %1$s
                -- finishes the job, skipping what is done.
                -- Retort waits at most lock_timeout for each lock and tries again; psql does not. Consider:
                --   SET lock_timeout = '%3$dms';
                """.formatted(plan.to() == null ? "base" : plan.to(), plan.steps().get(0).direction().word(),
                policy.lockTimeout().toMillis(), RevisionGraph.labelOf(plan.from())));
        if (!policy.statementTimeout().isZero()) {
            // Given with --sql, it would otherwise be dropped without a word: the script cannot set it for psql.
            script.append("--   SET statement_timeout = '").append(policy.statementTimeout().toMillis())
                    .append("ms';\n");
        }
        script.append(ON_ERROR_STOP).append('\n');
        if (plan.from() == null) {
            script.append(VersionTable.CREATE).append(";\n\n");
        }
        script.append(startsFrom(plan.from()));
        for (Step step : plan.steps()) {
            boolean online = step.revision().online();
            script.append("\n-- Running ").append(step.describe()).append(online
                    ? " (online: each statement on its own, in autocommit)" : " (one transaction)").append("\n\n");
            if (!online) {
                script.append("BEGIN;\n\n");
            }
            List<String> statements = RecordingContext.statementsOf(step);
            for (String statement : statements) {
                script.append(statement).append(";\n\n");
            }
            script.append(recordStep(step, RecordingContext.checksumOf(statements)));
            if (!online) {
                script.append("\nCOMMIT;\n");
            }
        }
        return script.toString();
    }

    /**
     * The script's first statement, after alembic_version exists: it stops the script (ON_ERROR_STOP) unless the
     * database is at {@code from}, and unless a Retort run left a step half done there, which a run of Retort would
     * take up or revert first (the script cannot). PL/pgSQL reads retort_history only once it is known to exist.
     */
    private static String startsFrom(String from) {
        String label = SqlText.literal(RevisionGraph.labelOf(from));
        return """
                DO $retort$ BEGIN
                    IF (SELECT array_agg(version_num) FROM alembic_version) IS DISTINCT FROM %1$s THEN
                        RAISE EXCEPTION 'This script starts from %%, but alembic_version holds %%.', %2$s,
                            (SELECT coalesce(string_agg(version_num, ', '), 'nothing') FROM alembic_version);
                    END IF;
                    IF to_regclass('retort_history') IS NOT NULL THEN
                        IF EXISTS (%3$s) THEN
                            RAISE EXCEPTION 'A Retort run left a step half done at %%: retort current says '
                                'which. Finish or revert it with retort, then apply this script.', %2$s;
                        END IF;
                    END IF;
                END $retort$;
                """.formatted(from == null ? "NULL" : "ARRAY[" + SqlText.literal(from) + "]::varchar[]", label,
                UnfinishedStep.newestRowLeavesOneAtSql(from));
    }

    /**
     * A step's version move and history row, in one statement and so in one transaction even in autocommit (after
     * an online revision's last statement). A move that finds alembic_version changed under the script stops it,
     * rolling a transactional revision back with it.
     */
    private static String recordStep(Step step, String checksum) {
        String moved = step.from() == null ? "" : """
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'alembic_version no longer holds %%: it changed while this script ran.', %s;
                    END IF;
                """.formatted(SqlText.literal(step.from()));
        return "DO $retort$ BEGIN\n    " + VersionTable.moveSql(step.from(), step.to()) + "\n" + moved
                + "    IF to_regclass('retort_history') IS NOT NULL THEN\n        "
                + HistoryTable.recordSql(SqlText.literal(step.revision().id()), step.direction().word(),
                        SqlText.literal(step.from()), step.to(), checksum)
                + "\n    END IF;\nEND $retort$;\n";
    }

    /** {@code sql} run where retort_history exists: a database Retort itself never ran on has none. */
    private static String ifHistoryExists(String sql) {
        return "DO $retort$ BEGIN\n    IF to_regclass('retort_history') IS NOT NULL THEN\n        " + sql
                + "\n    END IF;\nEND $retort$;\n";
    }
}
