package dev.retort.engine;

import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each try runs under the lock_timeout and statement_timeout the policy gives it, set afresh before every try: a
 * revision's own {@code SET lock_timeout}, or a function's, does not carry over into the statements after it. (Setting
 * them only when they change would save a round trip per statement, but only a statement's text could tell when a
 * revision changed them, and it cannot: a function, a trigger or an event trigger may.)
 */
class SessionTimeoutsTest {

    private TestDatabase database;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.newDatabase("session_timeouts");
    }

    @Test
    void aRevisionsOwnLockTimeoutEndsWithItsStatement() throws SQLException {
        // DO blocks are statements the engine cannot read, so each gets the first try's lock_timeout, like the SET.
        List<Revision> revisions = List.of(FakeRevision.table("001", null), FakeRevision.online("002", "001", List.of(
                "DO $$ BEGIN INSERT INTO t001 SELECT 1 WHERE current_setting('lock_timeout') = '1s'; END $$",
                "SET lock_timeout = '42s'",
                "DO $$ BEGIN INSERT INTO t001 SELECT 3 WHERE current_setting('lock_timeout') = '1s'; END $$"),
                List.of()));

        migrator(database.dataSource(), revisions).upgrade("head");

        assertThat(database.column("SELECT id::text FROM t001 ORDER BY id")).containsExactly("1", "3");
    }

    /** What no reading of the statement's text could catch: a function it calls sets the timeout. */
    @Test
    void aTimeoutThatAFunctionSetsEndsWithTheStatementThatCalledIt() throws SQLException {
        database.execute("CREATE FUNCTION relax() RETURNS void LANGUAGE sql "
                + "AS $$ SELECT set_config('lock_' || 'timeout', '0', false) $$");
        List<Revision> revisions = List.of(FakeRevision.table("001", null), FakeRevision.online("002", "001", List.of(
                "SELECT relax()",
                "DO $$ BEGIN INSERT INTO t001 SELECT 2 WHERE current_setting('lock_timeout') = '1s'; END $$"),
                List.of()));

        migrator(database.dataSource(), revisions).upgrade("head");

        assertThat(database.column("SELECT id::text FROM t001")).containsExactly("2");
    }

    /**
     * A database's (or role's) idle_session_timeout shorter than a command's start-up ends a session before the run
     * turns it off: the error says so, rather than "This connection has been closed" with no cause. (1 ms: the
     * lock's session sits idle at least while the work's session is opened.)
     */
    @Test
    void aSessionEndedBeforeTheRunTurnsTheIdleTimeoutOffSaysWhatEndedIt() throws SQLException {
        database.execute("ALTER DATABASE " + database.name() + " SET idle_session_timeout = 1");

        assertThatThrownBy(() -> migrator(database.dataSource(), List.of(FakeRevision.table("001", null)))
                .upgrade("head")).hasMessageContaining("idle-session timeout (SQLSTATE 57P05)");
    }

    private static Migrator migrator(DataSource dataSource, List<Revision> revisions) {
        return new Migrator(dataSource, new RevisionGraph(revisions), MigrationListener.SILENT, Duration.ofSeconds(5));
    }
}
