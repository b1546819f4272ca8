package dev.retort.engine;

/** The database could not be reached or refused the login. Nothing was changed. */
public class ConnectionFailedException extends RetortException {

    public ConnectionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
