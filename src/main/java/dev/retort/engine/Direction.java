package dev.retort.engine;

import java.util.Locale;

/** Which way a step moves the database along the chain. */
public enum Direction {
    UPGRADE, DOWNGRADE;

    /** The word used in output and in {@code retort_history}: {@code upgrade} or {@code downgrade}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What part of a step stopped halfway has done: {@code applied} a revision, or {@code reverted} one. */
    public String partDone() {
        return this == UPGRADE ? "applied" : "reverted";
    }

    /** The other way: what undoes a step of this direction. */
    public Direction opposite() {
        return this == UPGRADE ? DOWNGRADE : UPGRADE;
    }

    /** The direction whose {@link #word} this is. */
    public static Direction ofWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
