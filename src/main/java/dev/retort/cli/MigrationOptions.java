package dev.retort.cli;

import dev.retort.engine.Durations;
import dev.retort.engine.LockPolicy;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** The options upgrade and downgrade share: how statements wait for locks, and --dry-run. */
final class MigrationOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", converter = DurationConverter.Timeout.class,
            description = "How long one try of a statement may wait for a table lock (PostgreSQL's lock_timeout), "
                    + "with its unit: 500ms, 2s. "
                    + "While it waits, the application's queries on that table queue behind it, so keep it short. "
                    + "Later tries wait up to 4 times as long. Default: 1s.")
    Duration lockTimeout = LockPolicy.DEFAULT.lockTimeout();

    @Option(names = "--lock-retries", paramLabel = "N",
            description = "How many times a statement that timed out on a lock (or lost a deadlock) is tried again, "
                    + "after pauses that grow from half the lock timeout. 0: never. Default: 9.")
    int lockRetries = LockPolicy.DEFAULT.retries();

    @Option(names = "--retry-window", paramLabel = "DURATION", converter = DurationConverter.Timeout.class,
            description = "No new try starts that could not end within this time from a statement's first try. "
                    + "A statement that does not block the application (CREATE INDEX CONCURRENTLY, VALIDATE "
                    + "CONSTRAINT) waits for its locks this long, in one try. Default: 2m.")
    Duration retryWindow = LockPolicy.DEFAULT.retryWindow();

    @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.Timeout.class,
            description = "Cancel any statement that runs longer (PostgreSQL's statement_timeout), e.g. 10m. "
                    + "Default: 0, no limit: validating a constraint or building an index on a big table takes time.")
    Duration statementTimeout = LockPolicy.DEFAULT.statementTimeout();

    @Option(names = "--dry-run",
            description = "Print the steps and, for each statement, the lock it takes on each table and whether it "
                    + "scans or rewrites it; list sessions that would be in the way, and what would make the run fail "
                    + "(Would fail: lines; then exit 1). Changes nothing.")
    boolean dryRun;

    @Option(names = "--sql",
            description = "Print the SQL instead of running it, without connecting to any database: a script for "
                    + "psql that moves alembic_version as it goes. TARGET is then a range FROM:TO: upgrade 003:head "
                    + "(or only TO, from base), downgrade head:003.")
    boolean sql;

    LockPolicy lockPolicy() {
        if (sql && dryRun) {
            throw new ParameterException(spec.commandLine(), "--sql and --dry-run do not go together: --sql prints "
                    + "the script without a database, --dry-run reads the database and prints each statement's locks.");
        }
        if (lockTimeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--lock-timeout must be more than 0 (PostgreSQL's 0 "
                    + "would wait forever, stalling the application); to wait longer, give e.g. 30s.");
        }
        if (retryWindow.isZero()) {
            throw new ParameterException(spec.commandLine(), "--retry-window must be more than 0 (a statement that "
                    + "does not block the application waits for its locks this long, and PostgreSQL's 0 would wait "
                    + "forever); give e.g. 2m.");
        }
        if (retryWindow.compareTo(lockTimeout) < 0) {
            // The first try would run its whole lock timeout all the same; no retry could ever fit in the window.
            throw new ParameterException(spec.commandLine(), "--retry-window (" + Durations.format(retryWindow)
                    + ") is shorter than --lock-timeout (" + Durations.format(lockTimeout) + "): the first try alone "
                    + "would outlast it, and no retry could follow. Give a longer --retry-window or a shorter "
                    + "--lock-timeout.");
        }
        if (lockRetries < 0) {
            throw new ParameterException(spec.commandLine(), "--lock-retries must be 0 or more, not " + lockRetries
                    + ".");
        }
        return new LockPolicy(lockTimeout, lockRetries, retryWindow, statementTimeout);
    }
}
