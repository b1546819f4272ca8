package dev.retort.engine;

/** A database error outside any migration step (reading the version, writing history). */
public class DatabaseException extends RetortException {

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
