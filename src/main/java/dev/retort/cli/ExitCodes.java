package dev.retort.cli;

import dev.retort.bench.BenchRefusedException;
import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.InvalidTargetException;
import dev.retort.engine.LockNotAcquiredException;
import dev.retort.engine.RevisionGraphException;

/** Every exit code Retort returns, and which error gives which: the one place that decides. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** A migration or database error; a failed step was rolled back. */
    public static final int FAILED = 1;
    /**
     * Bad usage or input: unknown verb or option, bad target, bad URL, a revision list that is not one straight chain
     * (two revisions revising the same one), a revision that {@code revision -m} will not write, a bench that will not
     * start (its database exists, or the URL names it). Nothing was changed.
     */
    public static final int USAGE = 2;
    /** {@code verify} found the live schema differs from what its revision should be. */
    public static final int DRIFT = 3;
    /** Cannot connect or authenticate (or the embedded PostgreSQL cannot start). */
    public static final int CANNOT_CONNECT = 4;
    /** The migration lock was not had within {@code --lock-wait}. */
    public static final int LOCK_NOT_ACQUIRED = 5;

    private ExitCodes() {
    }

    public static int of(Throwable error) {
        if (error instanceof InvalidTargetException || error instanceof RevisionGraphException
                || error instanceof InvalidUrlException || error instanceof RevisionRefusedException
                || error instanceof BenchRefusedException) {
            return USAGE;
        }
        if (error instanceof ConnectionFailedException) {
            return CANNOT_CONNECT;
        }
        if (error instanceof LockNotAcquiredException) {
            return LOCK_NOT_ACQUIRED;
        }
        return FAILED;
    }
}
