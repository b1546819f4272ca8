package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code current} reads: the revision, the history and the edited revisions, on a single connection. */
class DatabaseStatusTest {

    private static final List<Revision> TWO_TABLES = List.of(FakeRevision.table("001", null),
            FakeRevision.table("002", "001"));

    private TestDatabase database;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("status");
    }

    @AfterEach
    void dropDatabase() {
        TestPostgres.drop(database);
    }

    private Migrator migrator(List<Revision> revisions) {
        return new Migrator(countingConnections(database.dataSource()), new RevisionGraph(revisions),
                MigrationListener.SILENT, Duration.ofSeconds(5));
    }

    @Test
    void statusReadsTheRevisionTheHistoryAndTheEditedRevisionsOnOneConnection() throws SQLException {
        migrator(TWO_TABLES).upgrade("head");
        database.execute("UPDATE retort_history SET checksum = repeat('0', 64) WHERE revision = '001'");
        connections.set(0);

        DatabaseStatus status = migrator(TWO_TABLES).status();

        assertThat(connections).hasValue(1);
        assertThat(status.current()).isEqualTo("002");
        assertThat(status.applied()).containsOnlyKeys("001", "002");
        assertThat(status.edited()).extracting(EditedRevision::revision).containsExactly("001");
    }

    @Test
    void anEmptyDatabaseIsAtBaseWithNoHistory() {
        DatabaseStatus status = migrator(TWO_TABLES).status();

        assertThat(status.current()).isNull();
        assertThat(status.applied()).isEmpty();
        assertThat(status.edited()).isEmpty();
    }

    private DataSource countingConnections(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
