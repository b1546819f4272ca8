package dev.retort.engine;

/** A target or range that names no revision, or steps past either end of the chain. Nothing was changed. */
public class InvalidTargetException extends RetortException {

    public InvalidTargetException(String message) {
        super(message);
    }
}
