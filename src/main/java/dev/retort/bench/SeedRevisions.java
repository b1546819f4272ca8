package dev.retort.bench;

import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;

import java.util.List;

/**
 * The revisions the bench measures: the shipped ones up to 006, the seed's schema, which its generated rows, its
 * writers and its reads are written for. A project's own revisions after 006 (007, … from {@code revision -m}) are
 * left out: the bench is about the seed, and its proposed 007 would clash with a project's own 007.
 */
final class SeedRevisions {

    /** The seed's last revision, where the bench's migrations end and its "after" column is timed. */
    static final String LAST = "006";

    private SeedRevisions() {
    }

    /** 001 to 006, as {@link Migrations#all()} lists them. */
    static List<Revision> all() {
        List<Revision> revisions = Migrations.all();
        for (int i = 0; i < revisions.size(); i++) {
            if (revisions.get(i).id().equals(LAST)) {
                return revisions.subList(0, i + 1);
            }
        }
        throw new IllegalStateException("Migrations.all() has no revision " + LAST);
    }
}
