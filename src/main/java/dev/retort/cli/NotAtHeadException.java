package dev.retort.cli;

import dev.retort.engine.RetortException;

/**
 * {@code current --check-heads} found the database short of the head, or a step left half done there. Exit 6, a code
 * of its own: a pipeline's gate tells "the migration has not run" from a database it could not read (1) or reach (4).
 */
final class NotAtHeadException extends RetortException {

    NotAtHeadException(String message) {
        super(message);
    }
}
