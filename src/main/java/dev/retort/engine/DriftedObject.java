package dev.retort.engine;

/**
 * One object of a live schema that differs from the snapshot expected at its revision, as {@link SchemaDrift} found
 * it: what a reader of a long diff wants counted (200 extra tables, one missing index).
 *
 * @param kind   as its snapshot line begins: {@code table}, {@code column}, {@code constraint}, {@code index},
 *               {@code enum}, {@code materialized view}, {@code function}…
 * @param name   as the snapshot writes it; a column's is {@code table.column}, and a constraint's, index's, trigger's or
 *               policy's is {@code name on table}, since most of those are named uniquely per table only; a routine's
 *               includes its arguments
 * @param change how it differs
 */
public record DriftedObject(String kind, String name, Change change) {

    public enum Change {
        /** In the snapshot, not in the live schema: its {@code -} lines only. */
        MISSING,
        /** In both, not the same: {@code -} and {@code +} lines. */
        CHANGED,
        /** In the live schema only: its {@code +} lines only. */
        EXTRA
    }
}
