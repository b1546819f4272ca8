package dev.retort.engine;

import java.sql.SQLException;
import java.util.Optional;

/** The one unchecked base of every error Retort reports; its message is written for the person who ran it. */
public class RetortException extends RuntimeException {

    /** Causes looked through for a SQLSTATE: far more than Retort ever nests, and a guard against a cycle. */
    private static final int CAUSES_LOOKED_AT = 16;

    public RetortException(String message) {
        super(message);
    }

    public RetortException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The SQLSTATE of the PostgreSQL error behind this one, e.g. {@code 23514} for a row a new check refused,
     * {@code 42501} for a privilege the role lacks, {@code 55P03} for a table lock not had: the first one among its
     * causes. Empty when no database error caused it (a bad target, a revision Retort does not know). For a caller
     * that decides by code what to do, where the message is written for a person.
     */
    public Optional<String> sqlState() {
        Throwable cause = getCause();
        for (int i = 0; cause != null && i < CAUSES_LOOKED_AT; i++, cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }
}
