package dev.retort.engine;

import java.util.Locale;

/**
 * PostgreSQL's table lock modes, weakest first, as the documentation's "Table-Level Lock Modes" lists them; the
 * order is the one PostgreSQL itself numbers them in, so a later mode is never weaker than an earlier one.
 */
public enum LockMode {
    ACCESS_SHARE,
    ROW_SHARE,
    ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    EXCLUSIVE,
    ACCESS_EXCLUSIVE;

    /** As {@code pg_locks.mode} names it, e.g. {@code ShareUpdateExclusiveLock}. */
    public static LockMode ofPgLocks(String mode) {
        String words = mode.replace("Lock", "").replaceAll("([a-z])([A-Z])", "$1_$2");
        return valueOf(words.toUpperCase(Locale.ROOT));
    }

    /** Whether the application's INSERT, UPDATE and DELETE (ROW EXCLUSIVE) must wait while this is held. */
    public boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }

    /** Whether even a plain SELECT (ACCESS SHARE) must wait while this is held. */
    public boolean blocksReads() {
        return this == ACCESS_EXCLUSIVE;
    }

    public LockMode strongest(LockMode other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** As the documentation writes it, e.g. {@code SHARE UPDATE EXCLUSIVE}. */
    @Override
    public String toString() {
        return name().replace('_', ' ');
    }
}
