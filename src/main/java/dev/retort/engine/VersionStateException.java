package dev.retort.engine;

/**
 * {@code alembic_version} holds something this Retort cannot follow (an unknown revision, or several rows), or sits
 * where it cannot (in a schema other than the one the search_path would create new tables in).
 */
public class VersionStateException extends RetortException {

    public VersionStateException(String message) {
        super(message);
    }
}
