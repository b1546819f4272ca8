package dev.retort.engine;

import java.util.Locale;

/** Which way a step moves the database along the chain. */
public enum Direction {
    UPGRADE, DOWNGRADE;

    /** The word used in output and in {@code retort_history}: {@code upgrade} or {@code downgrade}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
