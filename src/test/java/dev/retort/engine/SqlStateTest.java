package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A library caller reads the SQLSTATE behind a failure from the exception itself, not by walking its causes. */
class SqlStateTest {

    private final TestDatabase database = TestPostgres.newDatabase("sql_state");

    @AfterEach
    void dropDatabase() {
        TestPostgres.drop(database);
    }

    private Migrator migrator(List<Revision> revisions, LockPolicy policy) {
        return new Migrator(database.dataSource(), new RevisionGraph(revisions), MigrationListener.SILENT,
                Duration.ofSeconds(5), policy);
    }

    @Test
    void aStepThatPostgreSqlRefusedCarriesItsSqlState() {
        List<Revision> revisions = List.of(new FakeRevision("001", null, "a check the row breaks", List.of(
                "CREATE TABLE t001 (id int)", "INSERT INTO t001 VALUES (-1)",
                "ALTER TABLE t001 ADD CONSTRAINT ck_t001_id CHECK (id > 0)"), List.of("DROP TABLE t001")));

        MigrationFailedException failure = catchThrowableOfType(
                () -> migrator(revisions, LockPolicy.DEFAULT).upgrade("head"), MigrationFailedException.class);

        assertThat(failure.sqlState()).contains("23514");
    }

    /** The lock timeout's code, from below the engine's own wrapping of a statement that gave up on its lock. */
    @Test
    void aStepThatNeverHadItsLockCarriesTheLockTimeoutsSqlState() throws Exception {
        List<Revision> revisions = List.of(FakeRevision.table("001", null),
                new FakeRevision("002", "001", "add a note", List.of("ALTER TABLE t001 ADD COLUMN note text"),
                        List.of()));
        migrator(revisions, LockPolicy.DEFAULT).upgrade("001");
        LockPolicy oneShortTry = new LockPolicy(Duration.ofMillis(50), 0, Duration.ofSeconds(30), Duration.ZERO);

        try (Connection holder = database.connect(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            statement.execute("LOCK TABLE t001 IN ACCESS SHARE MODE");
            MigrationFailedException failure = catchThrowableOfType(
                    () -> migrator(revisions, oneShortTry).upgrade("head"), MigrationFailedException.class);
            holder.rollback();

            assertThat(failure.sqlState()).contains("55P03");
        }
    }

    @Test
    void aFailureNoDatabaseErrorCausedHasNone() {
        InvalidTargetException failure = catchThrowableOfType(
                () -> migrator(List.of(FakeRevision.table("001", null)), LockPolicy.DEFAULT).upgrade("009"),
                InvalidTargetException.class);

        assertThat(failure.sqlState()).isEmpty();
    }
}
