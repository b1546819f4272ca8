package dev.retort.engine;

import java.util.List;

/** A revision made of SQL given in the test, for exercising the engine without the real schema. */
record FakeRevision(String id, String revises, String message, List<String> up, List<String> down) implements Revision {

    static FakeRevision of(String id, String revises) {
        return new FakeRevision(id, revises, "revision " + id, List.of(), List.of());
    }

    /** A revision that creates table {@code t<id>} and drops it on the way down. */
    static FakeRevision table(String id, String revises) {
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
