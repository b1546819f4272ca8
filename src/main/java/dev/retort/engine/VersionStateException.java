package dev.retort.engine;

/** {@code alembic_version} holds something this Retort cannot follow: an unknown revision, or several rows. */
public class VersionStateException extends RetortException {

    public VersionStateException(String message) {
        super(message);
    }
}
