package dev.retort.cli;

import dev.retort.engine.RetortException;

/** The database URL cannot be read. One line, naming what is wrong and what would work; never the password. */
public class InvalidUrlException extends RetortException {

    private final String problem;

    public InvalidUrlException(String message) {
        this(message, message);
    }

    /** @param problem what is wrong, without the URL: for a message that names the database otherwise */
    InvalidUrlException(String message, String problem) {
        super(message);
        this.problem = problem;
    }

    String problem() {
        return problem;
    }
}
