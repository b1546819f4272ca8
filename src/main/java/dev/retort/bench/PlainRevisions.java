package dev.retort.bench;

import dev.retort.engine.Revision;
import dev.retort.migrations.Migrations;

import java.util.ArrayList;
import java.util.List;

/**
 * The seed's revisions as the foundation first wrote them: 004–006 as plain DDL in one transaction each, the way
 * most migration tools would run them. Kept, unchanged, for two comparisons: the online 004–006 must end in exactly
 * the same schema, and under live writers they must not stall them the way these do.
 */
public final class PlainRevisions {

    private PlainRevisions() {
    }

    /** 001–003 as shipped, then the plain 004–006. */
    public static List<Revision> all() {
        List<Revision> revisions = new ArrayList<>(Migrations.all().subList(0, 3));
        revisions.add(new PlainR004AddCustomerForeignKeys());
        revisions.add(new PlainR005AddSoftDeleteColumns());
        revisions.add(new PlainR006AddCheckConstraints());
        return List.copyOf(revisions);
    }
}
