package dev.retort.cli;

import dev.retort.bench.BenchRefusedException;
import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.InvalidTargetException;
import dev.retort.engine.LockNotAcquiredException;
import dev.retort.engine.RevisionGraphException;
import dev.retort.engine.UnrunnableRevisionException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every exit code Retort returns, and which error gives which: the one place that decides. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** A migration or database error; a failed step was rolled back. Or a dry run found what would make it fail. */
    public static final int FAILED = 1;
    /**
     * Bad usage or input: unknown verb or option, bad target, bad URL, a revision list that is not one straight chain
     * (two revisions revising the same one), a revision that PostgreSQL would refuse as it is written (found before
     * anything ran), a revision that {@code revision -m} will not write, a bench that will not start (its database
     * exists, or the URL names it). Nothing was changed.
     */
    public static final int USAGE = 2;
    /** {@code verify} found the live schema differs from what its revision should be. */
    public static final int DRIFT = 3;
    /** Cannot connect or authenticate (or the embedded PostgreSQL cannot start). */
    public static final int CANNOT_CONNECT = 4;
    /** Another runner held the migration lock, or the embedded PostgreSQL, for longer than {@code --lock-wait}. */
    public static final int LOCK_NOT_ACQUIRED = 5;
    /** {@code current --check-heads}: the database is not at the head, or a step was left half done there. */
    public static final int NOT_AT_HEAD = 6;

    /**
     * What each code means, as every command's {@code --help} lists it: a script that runs one verb must not have
     * to find the list under {@code retort --help}. 130 and 143 are the shell's, for a process ended by SIGINT or
     * SIGTERM; Retort says on its way out what that left.
     */
    static final Map<String, String> IN_HELP = helpList();

    private ExitCodes() {
    }

    private static Map<String, String> helpList() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(String.valueOf(OK), "done");
        codes.put(String.valueOf(FAILED), "a migration or database error, or a state Retort cannot work from; the "
                + "message says which, and what a failed step left (rolled back, undone, or half done for a rerun); "
                + "--dry-run: the run would fail (its Would fail: lines)");
        codes.put(String.valueOf(USAGE), "bad usage or input; nothing was changed");
        codes.put(String.valueOf(DRIFT), "verify found drift");
        codes.put(String.valueOf(CANNOT_CONNECT), "cannot connect or authenticate");
        codes.put(String.valueOf(LOCK_NOT_ACQUIRED), "another runner held the migration lock, or the embedded "
                + "PostgreSQL, for longer than --lock-wait");
        codes.put(String.valueOf(NOT_AT_HEAD), "current --check-heads: the database is not at the head, or a step "
                + "was left half done there");
        codes.put("130, 143", "stopped by Ctrl-C or a kill (SIGTERM); it says what that left");
        return Collections.unmodifiableMap(codes);
    }

    public static int of(Throwable error) {
        if (error instanceof InvalidTargetException || error instanceof RevisionGraphException
                || error instanceof UnrunnableRevisionException || error instanceof InvalidUrlException
                || error instanceof RevisionRefusedException
                || error instanceof BenchRefusedException) {
            return USAGE;
        }
        if (error instanceof ConnectionFailedException) {
            return CANNOT_CONNECT;
        }
        if (error instanceof LockNotAcquiredException) {
            return LOCK_NOT_ACQUIRED;
        }
        if (error instanceof NotAtHeadException) {
            return NOT_AT_HEAD;
        }
        return FAILED;
    }
}
