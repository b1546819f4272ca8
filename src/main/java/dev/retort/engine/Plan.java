package dev.retort.engine;

import java.util.List;

/**
 * The steps a migration would take from where the database is.
 *
 * @param from the revision the database is at, {@code null} for base
 * @param to   the revision it would be at after the steps
 * @param note why there is nothing to do, when there is not; else null
 */
public record Plan(String from, String to, List<Step> steps, String note) {

    static Plan nothing(String at, String note) {
        return new Plan(at, at, List.of(), note);
    }
}
