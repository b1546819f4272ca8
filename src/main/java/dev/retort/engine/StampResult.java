package dev.retort.engine;

/**
 * What a stamp did.
 *
 * @param from    what alembic_version held, its rows joined by {@code ", "}; {@code null} for none
 * @param to      the revision it holds now, {@code null} for base
 * @param written whether the stamp was written: not when alembic_version already held exactly {@code to}
 * @param warning what the stamp left as it was, to be told: a step an earlier run left half done; else null
 */
public record StampResult(String from, String to, boolean written, String warning) {
}
