package dev.retort.engine;

/** Another runner held the migration lock for longer than we were allowed to wait. Nothing was changed. */
public class LockNotAcquiredException extends RetortException {

    public LockNotAcquiredException(String message) {
        super(message);
    }
}
