package dev.retort.engine;

/** The one unchecked base of every error Retort reports; its message is written for the person who ran it. */
public class RetortException extends RuntimeException {

    public RetortException(String message) {
        super(message);
    }

    public RetortException(String message, Throwable cause) {
        super(message, cause);
    }
}
