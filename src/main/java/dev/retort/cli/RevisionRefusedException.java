package dev.retort.cli;

import dev.retort.engine.RetortException;

/** {@code retort revision} would not write: a message that names nothing, a file already there, no marker. Exit 2. */
final class RevisionRefusedException extends RetortException {

    RevisionRefusedException(String message) {
        super(message);
    }
}
