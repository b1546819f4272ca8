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

    /**
     * psql's settings the script needs, whatever a psqlrc says: the first failed statement ends the script rather
     * than the statements after it; each statement commits on its own, as {@code CREATE INDEX CONCURRENTLY} must.
     */
    private static final String PSQL_SETTINGS = "\\set ON_ERROR_STOP on\n\\set AUTOCOMMIT on\n";

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
        int to = graph.resolveFrom(toText, from, fromText);
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
        return new Plan(graph.idAt(from), graph.idAt(to), steps, note, null, List.of());
    }

    /**
     * {@code stamp TARGET --sql}: what {@code retort stamp} does, for a server this machine cannot reach, in one
     * transaction under the migration lock: alembic_version replaced, whatever it held, with the stamp's history row
     * where retort_history exists; nothing written when it already holds TARGET alone; a warning when a Retort run
     * left a step half done there, which a stamp does not undo. {@code target} is an id, head or base: without a
     * database, nothing counts from the current revision.
     */
    public static String stamp(RevisionGraph graph, String target) {
        if (RevisionGraph.isRelativeToCurrent(target)) {
            throw new InvalidTargetException("stamp --sql reads no database, so '" + target + "' cannot count from "
                    + "the current revision: give an id, head or base.");
        }
        String to = graph.idAt(graph.resolve(target, RevisionGraph.BASE));
        String held = "(SELECT string_agg(version_num, ', ') FROM alembic_version)";
        String halfDone = UnfinishedStep.newestRowLeavesOneAtSql("(SELECT min(version_num) FROM alembic_version)");
        return "-- Retort " + RetortVersion.get() + ", offline: stamp " + graph.labelWithHead(to) + "\n"
                + "-- Records " + RevisionGraph.labelOf(to) + " as the database's revision without running any "
                + "migration.\n" + PSQL_SETTINGS + "\nBEGIN;\n\n" + VersionTable.CREATE + ";\n\n"
                + """
                DO $retort$
                DECLARE
                    half_done boolean := false;
                BEGIN
                    %1$s
                    %7$s
                    IF to_regclass('retort_history') IS NOT NULL THEN
                        half_done := EXISTS (%2$s);
                    END IF;
                    IF half_done THEN
                        RAISE WARNING 'A Retort run left a step half done here (retort current says which): stamping '
                            'does not undo it, and no longer will it be reported. What it did stays; verify shows it.';
                    ELSIF (SELECT array_agg(version_num) FROM alembic_version) IS NOT DISTINCT FROM %3$s THEN
                        RAISE NOTICE 'Already at %%: nothing to stamp.', %4$s;
                        RETURN;
                    END IF;
                    IF to_regclass('retort_history') IS NOT NULL THEN
                        %5$s
                    END IF;
                    DELETE FROM alembic_version;
                    %6$s
                END $retort$;

                COMMIT;
                """.formatted(takeMigrationLock("pg_try_advisory_xact_lock"), halfDone, versionArray(to),
                SqlText.literal(graph.labelWithHead(to)),
                HistoryTable.recordSql(SqlText.literal(RevisionGraph.targetWordOf(to)), "stamp", held, to, null, "now()"),
                to == null ? "" : VersionTable.moveSql(null, to), noRunAtWork("    "));
    }

    public static String render(RevisionGraph graph, Plan plan, LockPolicy policy) {
        SchemaFacts facts = SchemaFacts.of(graph.revisions());
        List<StepSql> steps = plan.steps().stream().map(step -> StepSql.of(step, facts)).toList();
        // A script PostgreSQL would refuse partway (CONCURRENTLY in one transaction) is not written, as a run refuses it.
        for (StepSql step : steps) {
            step.refusal().ifPresent(refusal -> {
                throw new UnrunnableRevisionException("No script was written: " + refusal + ".");
            });
        }
        StringBuilder script = new StringBuilder();
        script.append("-- Retort ").append(RetortVersion.get()).append(", offline: ")
                .append(RevisionGraph.labelOf(plan.from())).append(" -> ").append(graph.labelWithHead(plan.to()))
                .append('\n');
        if (plan.steps().isEmpty()) {
            return script.append("-- ").append(plan.note()).append('\n').toString();
        }
        script.append("""
                -- A script for psql -f. alembic_version moves with each revision, as Retort moves it, and
                -- retort_history gets each revision's rows where it exists. The script first takes Retort's migration
                -- lock for its session (to its end, or to psql's if it stops), then stops unless the database is at
                -- %4$s, with no step that a Retort run left half done there.
                -- If it stops partway, do not run it again as it is (statements already done may fail, an INVALID
                -- index would be kept): alembic_version names the last revision it finished, and retort %2$s %1$s
                -- finishes the job, skipping what is done.
                -- Retort waits at most lock_timeout for each lock and tries again; psql does not. Consider:
                --   SET lock_timeout = '%3$dms';
                """.formatted(RevisionGraph.targetWordOf(plan.to()), plan.steps().get(0).direction().word(),
                policy.lockTimeout().toMillis(), RevisionGraph.labelOf(plan.from())));
        if (!policy.statementTimeout().isZero()) {
            // Given with --sql, it would otherwise be dropped without a word: the script cannot set it for psql.
            script.append("--   SET statement_timeout = '").append(policy.statementTimeout().toMillis())
                    .append("ms';\n");
        }
        script.append(PSQL_SETTINGS).append('\n');
        if (plan.from() == null) {
            script.append(VersionTable.CREATE).append(";\n\n");
        }
        script.append(startsFrom(plan.from()));
        for (StepSql stepSql : steps) {
            Step step = stepSql.step();
            boolean online = step.revision().online();
            List<String> statements = stepSql.sql();
            String checksum = stepSql.checksum();
            // One line: a revision's message with a line break in it would end the comment, and its next line would run.
            script.append("\n-- Running ").append(step.describe().replaceAll("\\R+", " ")).append(online
                    ? " (online: each statement on its own, in autocommit)" : " (one transaction)").append("\n\n");
            script.append(online ? ifHistoryExists(HistoryTable.progressSql(step, checksum, "?/" + statements.size()
                    + ": run by a --sql script, which does not record how far it got")) + "\n" : "BEGIN;\n\n");
            for (String statement : statements) {
                script.append(statement).append(";\n\n");
            }
            script.append(recordStep(step, checksum));
            if (!online) {
                script.append("\nCOMMIT;\n");
            }
        }
        return script.append("\n-- Done: the migration lock goes back (psql -f ending would let it go too).\n")
                .append("DO $retort$ BEGIN PERFORM pg_advisory_unlock(").append(AdvisoryLock.KEY)
                .append("); END $retort$;\n").toString();
    }

    /**
     * The script's first statement, after alembic_version exists. It takes Retort's migration lock for the psql
     * session (a Retort run would otherwise work beside the script; a run that waits for it names psql's pid), then
     * stops the script (ON_ERROR_STOP) unless the database is at {@code from}, and unless a Retort run left a step
     * half done there, which a run of Retort would take up or revert first (the script cannot). PL/pgSQL reads
     * retort_history only once it is known to exist.
     */
    private static String startsFrom(String from) {
        String label = SqlText.literal(RevisionGraph.labelOf(from));
        return """
                DO $retort$ BEGIN
                    %4$s
                    BEGIN
                        %5$s
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
                    EXCEPTION WHEN raise_exception THEN
                        PERFORM pg_advisory_unlock(%6$d); -- a script that refuses to start keeps no lock
                        RAISE;
                    END;
                END $retort$;
                """.formatted(versionArray(from), label, UnfinishedStep.newestRowLeavesOneAtSql(SqlText.literal(from)),
                takeMigrationLock("pg_try_advisory_lock"), noRunAtWork("        "), AdvisoryLock.KEY);
    }

    /** Takes Retort's migration lock with {@code function} (for the session, or the transaction), or stops. */
    private static String takeMigrationLock(String function) {
        return """
                IF NOT %1$s(%2$d) THEN
                        RAISE EXCEPTION 'Another migration holds Retort''s lock on this database (pid %%): let it finish.',
                            (%3$s);
                    END IF;""".formatted(function, AdvisoryLock.KEY, holders(AdvisoryLock.KEY));
    }

    /**
     * Stops while a Retort run that lost the migration lock is still at work (its work session holds WorkMark); its
     * lines after the first start with {@code indent}, the block's.
     */
    private static String noRunAtWork(String indent) {
        return ("IF EXISTS (%1$s) THEN\n" + indent + "    RAISE EXCEPTION 'A Retort run that lost its migration lock is "
                + "still at work (pid %%): let it end.',\n" + indent + "        (%1$s);\n" + indent + "END IF;")
                .formatted(holders(WorkMark.KEY));
    }

    /** The pids of the other sessions holding the advisory lock {@code key}, as a query. */
    private static String holders(long key) {
        return "SELECT string_agg(pid::text, ', ') FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                + "objsubid = 1 AND classid = " + (key >>> 32) + " AND objid = " + (key & 0xffff_ffffL)
                + " AND pid <> pg_backend_pid() HAVING count(*) > 0";
    }

    /** What {@code array_agg(version_num)} gives when alembic_version holds {@code revision} alone (null: empty). */
    private static String versionArray(String revision) {
        return revision == null ? "NULL" : "ARRAY[" + SqlText.literal(revision) + "]::varchar[]";
    }

    /**
     * A step's version move and history row, in one statement and so in one transaction even in autocommit (after
     * an online revision's last statement). A move that finds alembic_version changed under the script stops it,
     * rolling a transactional revision back with it. An online revision's row counts from its progress row, written
     * before its first statement: so does a Retort run's. That row is the newest of the history, as the script
     * holds the migration lock and its statements write none: read through the history's {@code finished_at} index,
     * one row, where a search by revision would scan the whole history, once per online revision of the script.
     */
    static String recordStep(Step step, String checksum) {
        String moved = step.from() == null ? "" : """
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'alembic_version no longer holds %%: it changed while this script ran.', %s;
                    END IF;
                """.formatted(SqlText.literal(step.from()));
        String started = !step.revision().online() ? "now()" : "coalesce((SELECT started_at FROM (SELECT * FROM "
                + "retort_history ORDER BY finished_at DESC LIMIT 1) newest WHERE outcome = 'progress' AND revision = "
                + SqlText.literal(step.revision().id()) + " AND direction = " + SqlText.literal(step.direction().word())
                + "), now())";
        return "DO $retort$ BEGIN\n    " + VersionTable.moveSql(step.from(), step.to()) + "\n" + moved
                + "    IF to_regclass('retort_history') IS NOT NULL THEN\n        "
                + HistoryTable.recordSql(SqlText.literal(step.revision().id()), step.direction().word(),
                        SqlText.literal(step.from()), step.to(), checksum, started)
                + "\n    END IF;\nEND $retort$;\n";
    }

    /** {@code sql} run where retort_history exists: a database Retort itself never ran on has none. */
    private static String ifHistoryExists(String sql) {
        return "DO $retort$ BEGIN\n    IF to_regclass('retort_history') IS NOT NULL THEN\n        " + sql
                + "\n    END IF;\nEND $retort$;\n";
    }
}
