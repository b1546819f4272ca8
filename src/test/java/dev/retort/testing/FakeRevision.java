package dev.retort.testing;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

import java.util.List;

/** A revision made of SQL given in the test, for exercising the engine without the real schema. */
public record FakeRevision(String id, String revises, String message, List<String> up, List<String> down, boolean online)
        implements Revision {

    /** One that runs in one transaction. */
    public FakeRevision(String id, String revises, String message, List<String> up, List<String> down) {
        this(id, revises, message, up, down, false);
    }

    /** One that runs online: each statement in a short transaction of its own, CONCURRENTLY in none. */
    public static FakeRevision online(String id, String revises, List<String> up, List<String> down) {
        return new FakeRevision(id, revises, "online " + id, up, down, true);
    }

    public static FakeRevision of(String id, String revises) {
        return new FakeRevision(id, revises, "revision " + id, List.of(), List.of());
    }

    /** A revision that creates table {@code t<id>} and drops it on the way down. */
    public static FakeRevision table(String id, String revises) {
        return new FakeRevision(id, revises, "create t" + id, List.of("CREATE TABLE t" + id + " (id int)"),
                List.of("DROP TABLE t" + id));
    }

    @Override
    public void upgrade(MigrationContext context) {
        up.forEach(context::execute);
    }

    @Override
    public void downgrade(MigrationContext context) {
        down.forEach(context::execute);
    }
}
