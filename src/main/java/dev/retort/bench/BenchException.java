package dev.retort.bench;

/** The bench could not go on: what failed, in words for the person who ran it. */
public class BenchException extends RuntimeException {

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }

    public BenchException(String message) {
        super(message);
    }
}
