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

    /** As {@code pg_locks.mode} names it: {@link #ofPgLocks}'s inverse. */
    public String pgLocksName() {
        StringBuilder name = new StringBuilder();
        for (String word : name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.append("Lock").toString();
    }

    /** Whether the application's INSERT, UPDATE and DELETE (ROW EXCLUSIVE) must wait while this is held. */
    public boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }

    /** Whether even a plain SELECT (ACCESS SHARE) must wait while this is held. */
    public boolean blocksReads() {
        return this == ACCESS_EXCLUSIVE;
    }

    /**
     * Whether a session holding this mode makes one that asks for {@code other} on the same table wait: the
     * documentation's "Conflicting Lock Modes" table, which is symmetric, read from the weaker mode's row.
     */
    public boolean conflictsWith(LockMode other) {
        LockMode weaker = compareTo(other) <= 0 ? this : other;
        LockMode stronger = weaker == this ? other : this;
        return switch (weaker) {
            case ACCESS_SHARE -> stronger == ACCESS_EXCLUSIVE;
            case ROW_SHARE -> stronger.compareTo(EXCLUSIVE) >= 0;
            case ROW_EXCLUSIVE -> stronger.compareTo(SHARE) >= 0;
            case SHARE_UPDATE_EXCLUSIVE -> true;
            case SHARE -> stronger != SHARE;
            case SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE -> true;
        };
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
