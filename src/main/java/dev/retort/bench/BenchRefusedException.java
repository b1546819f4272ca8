package dev.retort.bench;

/**
 * The bench will not start as asked, and has changed nothing: its database already exists, or the URL names the
 * database the bench would create and drop.
 */
public final class BenchRefusedException extends BenchException {

    public BenchRefusedException(String message) {
        super(message);
    }
}
