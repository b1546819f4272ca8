package dev.retort.engine;

/** The revision list itself is broken: a duplicate id, a missing parent, two revisions claiming one parent. */
public class RevisionGraphException extends RetortException {

    public RevisionGraphException(String message) {
        super(message);
    }
}
