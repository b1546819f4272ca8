package dev.retort.bench;

import dev.retort.Retort;
import dev.retort.migrations.ExpectedSnapshots;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bulk load at a tiny scale: the rows the generator made, in the catalog revision 003 makes, valid for every
 * constraint up to 006, the seed's schema that the bench measures; the soft deletes written once 005 is there; and
 * the indexes dropped for the "before" column built again exactly as they were.
 */
class BulkLoadTest {

    private static final Scale TINY = new Scale("tiny", 2_000, 1_500, 8_000);
    private static final Population POPULATION = new Population(7, TINY, Instant.parse("2026-11-25T12:00:00Z"));

    /** Loaded once; each test that changes it works on a copy, which costs a fraction of loading again. */
    private static TestDatabase loaded;
    private static TestDatabase admin;

    @BeforeAll
    static void load() {
        loaded = TestPostgres.newDatabase("bulk_load");
        BulkLoad.loadAt003(loaded.dataSource(), POPULATION, 2, Narration.silent());
        admin = TestPostgres.newDatabase("bulk_load_admin");
    }

    private static TestDatabase copy(String hint) throws SQLException {
        TestDatabase copy = new TestDatabase(loaded.name() + "_" + hint, loaded.port());
        admin.execute("CREATE DATABASE \"" + copy.name() + "\" TEMPLATE \"" + loaded.name() + "\"");
        return copy;
    }

    @Test
    void theLoadedDatabaseHoldsEveryRowAtRevision003WithItsExactCatalog() throws SQLException {
        assertThat(loaded.column("SELECT version_num FROM alembic_version")).containsExactly("003");
        assertThat(loaded.column("SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM customers)"
                + " || ' ' || (SELECT count(*) FROM audit_logs)")).containsExactly("2000 1500 8000");
        assertThat(loaded.schema()).isEqualTo(ExpectedSnapshots.at("003").orElseThrow());
    }

    @Test
    void rowsAreTheGeneratorsValueForValue() throws SQLException {
        Population.User user = POPULATION.user(17);
        Population.AuditLog entry = POPULATION.auditLog(8_000);

        assertThat(loaded.column("SELECT id || ' ' || role || ' ' || is_active || ' ' || full_name FROM users"
                + " WHERE email = '" + user.email() + "'"))
                .containsExactly(user.id() + " " + user.role() + " " + user.active() + " " + user.fullName());
        assertThat(loaded.column("SELECT action || ' ' || coalesce(user_id::text, '-') FROM audit_logs WHERE id = '"
                + entry.id() + "'")).containsExactly(entry.action() + " "
                + (entry.userId() == null ? "-" : entry.userId().toString()));
        assertThat(loaded.column("SELECT count(*) FROM audit_logs a WHERE a.user_id IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id)")).containsExactly("0");
    }

    @Test
    void everyRowPassesEveryConstraintOf006AndTheSoftDeletesAreWrittenAfter005() throws SQLException {
        TestDatabase database = copy("at_006");

        Retort.using(database.dataSource()).upgrade("006");
        long marked = SoftDeletes.apply(database.dataSource(), POPULATION, 2);

        assertThat(database.schema()).isEqualTo(ExpectedSnapshots.at("006").orElseThrow());
        long expected = LongStream.rangeClosed(1, TINY.users()).filter(POPULATION::userDeleted).count()
                + LongStream.rangeClosed(1, TINY.customers()).filter(POPULATION::customerDeleted).count()
                + LongStream.rangeClosed(1, TINY.auditLogs()).filter(POPULATION::auditLogDeleted).count();
        assertThat(marked).isEqualTo(expected).isPositive();
        assertThat(database.column("SELECT (SELECT count(*) FROM users WHERE deleted_at IS NOT NULL)"
                + " + (SELECT count(*) FROM customers WHERE deleted_at IS NOT NULL)"
                + " + (SELECT count(*) FROM audit_logs WHERE deleted_by IS NOT NULL)"))
                .containsExactly(String.valueOf(expected));
    }

    @Test
    void thePlainRevisionsTakeTheLoadedRowsTo006TooWhenNoWriterIsInTheWay() throws SQLException {
        TestDatabase database = copy("plain");

        Retort.using(database.dataSource()).withRevisions(PlainRevisions.all()).upgrade("head");

        assertThat(database.schema()).isEqualTo(ExpectedSnapshots.at("006").orElseThrow());
    }

    @Test
    void theIndexesDroppedForBeforeAreBuiltAgainExactlyAsTheyWere() throws SQLException {
        TestDatabase database = copy("before");
        Retort.using(database.dataSource()).withRevisions(ProposedR007NewestFirstIndexes.chain()).upgrade("head");
        String withEveryIndex = database.schema();

        SecondaryObjects dropped = SecondaryObjects.readAndDrop(database.dataSource(), false);
        assertThat(database.column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                + " AND tablename IN ('users', 'customers', 'audit_logs') ORDER BY indexname"))
                .containsExactly("pk_audit_logs", "pk_customers", "pk_users");
        BulkLoad.restore(database.dataSource(), dropped, 2);

        assertThat(database.schema()).isEqualTo(withEveryIndex)
                .contains(ProposedR007NewestFirstIndexes.AUDIT_TRAIL_INDEX + " on audit_logs",
                        ProposedR007NewestFirstIndexes.ACTIVE_CUSTOMERS_INDEX + " on customers");
    }

    @Test
    void withTheProposedRevision007TheTwoNewestFirstReadsUseItsIndexes() throws SQLException {
        TestDatabase database = copy("r007_plans");
        Retort.using(database.dataSource()).withRevisions(ProposedR007NewestFirstIndexes.chain()).upgrade("head");
        database.execute("ANALYZE");

        assertThat(QueryTimer.planReads(database.dataSource(), SeedQuery.ACTIVE_CUSTOMERS_BY_TYPE, POPULATION))
                .isEqualTo(ProposedR007NewestFirstIndexes.ACTIVE_CUSTOMERS_INDEX);
        assertThat(QueryTimer.planReads(database.dataSource(), SeedQuery.USER_AUDIT_TRAIL, POPULATION))
                .isEqualTo(ProposedR007NewestFirstIndexes.AUDIT_TRAIL_INDEX);
    }

    /**
     * The customers' query has no parameter left (type and limit are in its SQL), so PostgreSQL runs it on its
     * generic plan from the first server-side execution, and the timing says what that plan reads: with nothing to
     * sample, the same as EXPLAIN shows.
     */
    @Test
    void aCellRunOnTheGenericPlanSaysWhatThatPlanReads() throws SQLException {
        TestDatabase database = copy("generic_plan");
        Retort.using(database.dataSource()).upgrade("006");
        database.execute("ANALYZE");

        QueryTimer.Timing timing = QueryTimer.time(database.dataSource(), SeedQuery.ACTIVE_CUSTOMERS_BY_TYPE,
                POPULATION, new QueryTimer.Settings(5, 20, Duration.ofSeconds(10)));

        assertThat(timing.genericPlanReads()).isEqualTo(Optional.of(
                QueryTimer.planReads(database.dataSource(), SeedQuery.ACTIVE_CUSTOMERS_BY_TYPE, POPULATION)));
        assertThat(timing.latency().count()).isEqualTo(20);
    }

    @Test
    void theProposedRevision007IsDowngradedByDroppingItsIndexes() throws SQLException {
        TestDatabase database = copy("r007");
        Retort retort = Retort.using(database.dataSource()).withRevisions(ProposedR007NewestFirstIndexes.chain());
        retort.upgrade("head");
        assertThat(database.column("SELECT indexdef FROM pg_indexes WHERE indexname IN ('"
                + ProposedR007NewestFirstIndexes.AUDIT_TRAIL_INDEX + "', '"
                + ProposedR007NewestFirstIndexes.ACTIVE_CUSTOMERS_INDEX + "') ORDER BY indexname")).containsExactly(
                "CREATE INDEX ix_audit_logs_user_created_at ON public.audit_logs USING btree (user_id, created_at DESC)",
                "CREATE INDEX ix_customers_active_type_created_at ON public.customers USING btree (customer_type, "
                        + "created_at DESC) WHERE ((status = 'active'::customer_status_enum) AND (deleted_at IS NULL))");

        retort.downgrade("006");

        assertThat(database.schema()).isEqualTo(ExpectedSnapshots.at("006").orElseThrow());
    }
}
