package dev.retort.testing;

import dev.retort.engine.Revision;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;

import java.util.List;

/**
 * What {@code head} is in this project: 006 as Retort ships it, or the newest of a project's own revisions (007,
 * 008, …) once it adds some. Tests of head in general read it here; tests of the seed's own schema target 006 by
 * name instead, so that a project's own revisions fail neither kind for being there.
 */
public final class ProjectHead {

    private static final RevisionGraph GRAPH = new RevisionGraph(Migrations.all());

    private ProjectHead() {
    }

    /** The head's id. */
    public static String id() {
        return GRAPH.head().id();
    }

    /** The head as {@code current} prints it, {@code 006 (head)}: spelt out here, not asked of the code under test. */
    public static String label() {
        return id() + " (head)";
    }

    /**
     * The id {@code revision -m} gives the next revision: 007 as shipped. Spelt out here (three digits, as the
     * shipped ids are), not asked of the code under test.
     */
    public static String nextId() {
        return String.format("%03d", Integer.parseInt(id()) + 1);
    }

    /** How many revisions {@code upgrade head} runs from base. */
    public static int count() {
        return GRAPH.revisions().size();
    }

    /** Every revision's id, oldest first: what {@code upgrade head} runs from base. */
    public static List<String> ids() {
        return idsAfter(null);
    }

    /** The ids after {@code id} (null: base), oldest first: what {@code upgrade head} runs from there. */
    public static List<String> idsAfter(String id) {
        List<Revision> revisions = GRAPH.revisions();
        return revisions.subList(GRAPH.positionOf(id) + 1, revisions.size()).stream().map(Revision::id).toList();
    }
}
