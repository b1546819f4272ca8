package dev.retort.engine;

import java.util.List;
import java.util.Optional;

/**
 * A step's SQL, recorded once (its revision's code run against a {@link RecordingContext}) and read once
 * ({@link DdlStatement}): the check a run makes before its first step, the step's checksum, the sessions in its way
 * and its online statements all come from it. Recording and reading cost a process that has just started some
 * milliseconds a step, so a run does both for all its steps before the first, and never again.
 *
 * @param sql        the statements, as the revision executes them
 * @param statements each of them read for its locks, in the same order
 */
record StepSql(Step step, List<String> sql, List<DdlStatement> statements) {

    static StepSql of(Step step, SchemaFacts facts) {
        List<String> sql = RecordingContext.statementsOf(step);
        return new StepSql(step, sql, DdlStatement.analyzeAll(sql, facts));
    }

    String checksum() {
        return RecordingContext.checksumOf(sql);
    }

    /**
     * Why PostgreSQL would refuse the step as it is written, if it would: a revision that runs in one transaction
     * holds a statement that PostgreSQL refuses inside a transaction block ({@code CREATE INDEX CONCURRENTLY}), which
     * only an online revision runs outside one. A dry run says it as a "Would fail" line; a run, before its first step.
     */
    Optional<String> refusal() {
        if (step.revision().online()) {
            return Optional.empty();
        }
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i).outsideTransaction()) {
                return Optional.of(step.describe() + " runs in one transaction, but PostgreSQL refuses its statement "
                        + (i + 1) + "/" + statements.size() + " (" + SqlText.abbreviated(sql.get(i), 80) + ") inside "
                        + "a transaction block: make the revision online (override online() to return true, as R004 "
                        + "to R006 do), or drop CONCURRENTLY");
            }
        }
        return Optional.empty();
    }
}
