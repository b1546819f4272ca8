package dev.retort.cli;

import dev.retort.engine.RetortException;

/** The database URL cannot be read. One line, naming what is wrong and what would work; never the password. */
public class InvalidUrlException extends RetortException {

    public InvalidUrlException(String message) {
        super(message);
    }
}
