package dev.retort.migrations;

import dev.retort.engine.DdlStatement;
import dev.retort.engine.LockMode;
import dev.retort.engine.RecordingContext;
import dev.retort.engine.Revision;
import dev.retort.engine.SchemaFacts;
import dev.retort.engine.Step;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code --dry-run} says each statement locks is what PostgreSQL really locks: every statement of every
 * revision, both ways, is run inside a transaction and the strongest lock it holds on each existing table, read
 * from {@code pg_locks} before the commit, must be the one {@link DdlStatement} names.
 */
class RevisionLocksTest {

    private final TestDatabase database = TestPostgres.newDatabase("revision_locks");
    private final SchemaFacts facts = SchemaFacts.of(Migrations.all());

    @Test
    void everyStatementTakesTheLocksItsAnalysisNames() throws SQLException {
        List<String> checked = new ArrayList<>();
        try (Connection connection = database.connect()) {
            for (Revision revision : Migrations.all()) {
                checked.addAll(runChecking(connection, Step.up(revision)));
            }
            List<Revision> newestFirst = new ArrayList<>(Migrations.all());
            Collections.reverse(newestFirst);
            for (Revision revision : newestFirst) {
                checked.addAll(runChecking(connection, Step.down(revision)));
            }
        }
        assertThat(checked).as("statements whose locks were read from pg_locks").hasSizeGreaterThan(140);
    }

    @Test
    void concurrentStatementsTakeOnlyShareUpdateExclusiveAndRunOutsideATransaction() {
        for (Revision revision : Migrations.all()) {
            for (Step step : List.of(Step.up(revision), Step.down(revision))) {
                for (String sql : RecordingContext.statementsOf(step)) {
                    DdlStatement statement = DdlStatement.analyze(sql, facts);
                    if (sql.contains("CONCURRENTLY")) {
                        assertThat(statement.outsideTransaction()).as(sql).isTrue();
                        assertThat(statement.locks()).as(sql).isNotEmpty().allSatisfy(lock ->
                                assertThat(lock.mode()).isEqualTo(LockMode.SHARE_UPDATE_EXCLUSIVE));
                    }
                }
            }
        }
    }

    /** Runs the step's statements one by one, checking the locks of each that may run in a transaction. */
    private List<String> runChecking(Connection connection, Step step) throws SQLException {
        List<String> checked = new ArrayList<>();
        for (String sql : RecordingContext.statementsOf(step)) {
            DdlStatement statement = DdlStatement.analyze(sql, facts);
            assertThat(statement.known()).as("recognised: %s", sql).isTrue();
            if (statement.outsideTransaction()) {
                execute(connection, sql);
                continue;
            }
            Map<Long, String> tablesBefore = tables(connection);
            connection.setAutoCommit(false);
            try {
                execute(connection, sql);
                assertThat(heldLocks(connection, tablesBefore)).as("%s: %s", step.describe(), sql)
                        .isEqualTo(expected(statement));
                connection.commit();
            } finally {
                connection.setAutoCommit(true);
            }
            checked.add(sql);
        }
        return checked;
    }

    private static Map<String, LockMode> expected(DdlStatement statement) {
        Map<String, LockMode> locks = new TreeMap<>();
        statement.locks().forEach(lock -> locks.put(lock.table(), lock.mode()));
        return locks;
    }

    /** The strongest lock this session holds on each table that existed before the statement (dropped ones too). */
    private static Map<String, LockMode> heldLocks(Connection connection, Map<Long, String> tables)
            throws SQLException {
        Map<String, LockMode> held = new TreeMap<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT relation::bigint, mode FROM pg_locks "
                     + "WHERE pid = pg_backend_pid() AND locktype = 'relation'")) {
            while (rows.next()) {
                String table = tables.get(rows.getLong(1));
                if (table != null) {
                    held.merge(table, LockMode.ofPgLocks(rows.getString(2)), LockMode::strongest);
                }
            }
        }
        return held;
    }

    private static Map<Long, String> tables(Connection connection) throws SQLException {
        Map<Long, String> tables = new HashMap<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT c.oid::bigint, c.relname FROM pg_class c "
                     + "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'")) {
            while (rows.next()) {
                tables.put(rows.getLong(1), rows.getString(2));
            }
        }
        return tables;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
