package dev.retort.engine;

import dev.retort.engine.DdlStatement.CatalogObject;
import dev.retort.engine.DdlStatement.CatalogObject.Kind;
import dev.retort.testing.FakeRevision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The reading of DDL that --dry-run prints and online steps rely on; pg_locks confirms it in RevisionLocksTest. */
class DdlStatementTest {

    private static final SchemaFacts FACTS = SchemaFacts.NONE;

    private static DdlStatement analyze(String sql) {
        return DdlStatement.analyze(sql, FACTS);
    }

    @Test
    void aStatementThatOnlyAddsColumnsIsDoneWhenTheyAllExist() {
        DdlStatement statement = analyze("""
                ALTER TABLE users
                    ADD COLUMN IF NOT EXISTS deleted_at timestamptz NULL,
                    ADD COLUMN IF NOT EXISTS deleted_by uuid NULL""");

        assertThat(statement.creates()).containsExactly(new CatalogObject(Kind.COLUMN, "users", "deleted_at"),
                new CatalogObject(Kind.COLUMN, "users", "deleted_by"));
        assertThat(statement.drops()).isEmpty();
        assertThat(statement.describeLocks()).isEqualTo("ACCESS EXCLUSIVE on users (blocks reads and writes); "
                + "no scan, no rewrite");
    }

    @Test
    void aStatementThatAlsoDoesSomethingElseIsNeverSkipped() {
        DdlStatement statement = analyze("ALTER TABLE users ADD COLUMN a int, ALTER COLUMN b TYPE bigint");

        assertThat(statement.creates()).isEmpty();
        assertThat(statement.work()).isEqualTo(DdlStatement.Work.REWRITE);
        assertThat(statement.describeLocks()).endsWith("; rewrites users");
    }

    @Test
    void dropsAreNamedSoThatAnUndoOfNothingTakesNoLock() {
        assertThat(analyze("DROP INDEX CONCURRENTLY IF EXISTS ix_users_deleted_at").drops())
                .containsExactly(new CatalogObject(Kind.INDEX, null, "ix_users_deleted_at"));
        assertThat(analyze("ALTER TABLE users DROP COLUMN IF EXISTS deleted_by, DROP COLUMN IF EXISTS deleted_at")
                .drops()).extracting(CatalogObject::name).containsExactly("deleted_by", "deleted_at");
        assertThat(analyze("ALTER TABLE customers DROP CONSTRAINT IF EXISTS ck_customers_name_not_empty").drops())
                .containsExactly(new CatalogObject(Kind.CONSTRAINT, "customers", "ck_customers_name_not_empty"));
    }

    @Test
    void anIndexBuiltConcurrentlyRunsOutsideATransactionAndBlocksNoWrites() {
        DdlStatement statement = analyze("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_a ON customers (a)");

        assertThat(statement.outsideTransaction()).isTrue();
        assertThat(statement.createdIndex()).contains("ix_a");
        assertThat(statement.strongestLock()).contains(LockMode.SHARE_UPDATE_EXCLUSIVE);
        assertThat(statement.strongestLock().orElseThrow().blocksWrites()).isFalse();
        assertThat(analyze("CREATE INDEX ix_a ON customers (a)").strongestLock().orElseThrow().blocksWrites()).isTrue();
    }

    @Test
    void addingAForeignKeyLocksTheReferencedTableTooAndScansUnlessNotValid() {
        DdlStatement checked = analyze("ALTER TABLE customers ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES users (id)");
        DdlStatement notValid = analyze("ALTER TABLE customers ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES users (id)"
                + " NOT VALID");

        assertThat(checked.locks()).extracting(Object::toString)
                .containsExactly("SHARE ROW EXCLUSIVE on customers", "SHARE ROW EXCLUSIVE on users");
        assertThat(checked.work()).isEqualTo(DdlStatement.Work.SCAN);
        assertThat(notValid.work()).isEqualTo(DdlStatement.Work.NONE);
    }

    @Test
    void factsFromOtherStatementsNameTheTableOfADroppedIndexAndTheTargetOfAForeignKey() {
        SchemaFacts facts = SchemaFacts.of(List.of(new FakeRevision("001", null, "x",
                List.of("CREATE INDEX ix_a ON customers (a)",
                        "ALTER TABLE customers ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES users (id)"),
                List.of())));

        assertThat(DdlStatement.analyze("DROP INDEX ix_a", facts).locks()).extracting(Object::toString)
                .containsExactly("ACCESS EXCLUSIVE on customers");
        assertThat(DdlStatement.analyze("ALTER TABLE customers DROP CONSTRAINT fk_a", facts).locks())
                .extracting(Object::toString).containsExactly("ACCESS EXCLUSIVE on customers", "ACCESS EXCLUSIVE on users");
    }

    @Test
    void anUnknownStatementIsSaidToBeUnknownAndAssumedTheWorst() {
        DdlStatement statement = analyze("VACUUM FULL customers");

        assertThat(statement.known()).isFalse();
        assertThat(statement.describeLocks()).isEqualTo("unknown statement: assume ACCESS EXCLUSIVE on what it touches");
    }

    @Test
    void noSessionCanHoldALockOnATableTheStepsOwnEarlierStatementCreates() {
        List<DdlStatement> step = DdlStatement.analyzeAll(List.of(
                "CREATE TABLE audit_logs (id int, user_id int REFERENCES users (id))",
                "CREATE INDEX ix_audit_logs_user_id ON audit_logs (user_id)"), FACTS);
        List<DdlStatement> mayExist = DdlStatement.analyzeAll(List.of(
                "CREATE TABLE IF NOT EXISTS audit_logs (id int)",
                "CREATE INDEX ix_audit_logs_id ON audit_logs (id)"), FACTS);

        assertThat(DdlStatement.tablesLockedBy(step)).containsExactly("users");
        assertThat(DdlStatement.tablesLockedBy(mayExist)).containsExactly("audit_logs");
    }

    @Test
    void aQuotedNameKeepsItsCapitalsAndAnUnquotedOneIsFolded() {
        DdlStatement dropped = analyze("ALTER TABLE \"Cust\" DROP COLUMN IF EXISTS \"Note\", DROP COLUMN Other");
        DdlStatement index = analyze("CREATE INDEX CONCURRENTLY \"IxA\" ON \"Cust\" (x)");

        assertThat(dropped.drops()).containsExactly(new CatalogObject(Kind.COLUMN, "\"Cust\"", "\"Note\""),
                new CatalogObject(Kind.COLUMN, "\"Cust\"", "other"));
        assertThat(dropped.tables()).containsExactly("\"Cust\"");
        assertThat(index.creates()).containsExactly(new CatalogObject(Kind.INDEX, null, "\"IxA\""));
        assertThat(index.tables()).containsExactly("\"Cust\"");
    }

    @Test
    void anIndexPostgresNamesIsStillBuiltConcurrentlyOutsideATransaction() {
        DdlStatement unnamed = analyze("CREATE INDEX CONCURRENTLY ON customers (email)");

        assertThat(unnamed.known()).isTrue();
        assertThat(unnamed.outsideTransaction()).isTrue();
        assertThat(unnamed.strongestLock()).contains(LockMode.SHARE_UPDATE_EXCLUSIVE);
        assertThat(unnamed.tables()).containsExactly("customers");
        assertThat(unnamed.creates()).as("nothing a rerun could look for").isEmpty();
        assertThat(DdlStatement.createInCurrentSchema(List.of(analyze("CREATE TABLE \"a\"\"b\" (id int)")))).isTrue();
    }

    @Test
    void commentsBeforeAStatementDoNotHideIt() {
        DdlStatement commented = analyze("-- why: lookups by c\n/* built online */ CREATE INDEX CONCURRENTLY ix_t_c ON t (c)");

        assertThat(commented.known()).isTrue();
        assertThat(commented.outsideTransaction()).isTrue();
        assertThat(commented.createdIndex()).contains("ix_t_c");
    }

    @Test
    void aNameHasOneSpellingWhetherQuotedQualifiedOrDotted() {
        DdlStatement folded = analyze("ALTER TABLE Public.\"customers\" ADD COLUMN \"note\" text");
        DdlStatement qualified = analyze("ALTER TABLE \"App\".\"Cust\" DROP CONSTRAINT \"Ck.A\"");
        DdlStatement dotted = analyze("ALTER TABLE \"a.b\" DROP COLUMN x");
        DdlStatement commented = analyze("COMMENT ON COLUMN app.\"Cust\".\"Note\" IS 'n'");

        assertThat(folded.creates()).containsExactly(new CatalogObject(Kind.COLUMN, "public.customers", "note"));
        assertThat(qualified.drops()).containsExactly(new CatalogObject(Kind.CONSTRAINT, "\"App\".\"Cust\"", "\"Ck.A\""));
        assertThat(dotted.tables()).containsExactly("\"a.b\"");
        assertThat(commented.tables()).containsExactly("app.\"Cust\"");
    }

    @Test
    void theTablesWhoseOwnerAStepNeedsAreThoseItAltersIndexesDropsOrCommentsOn() {
        List<DdlStatement> step = DdlStatement.analyzeAll(List.of(
                "CREATE TABLE audit_logs (id int, user_id int REFERENCES users (id))",
                "ALTER TABLE customers ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES accounts (id) NOT VALID",
                "CREATE INDEX CONCURRENTLY ix_b ON \"Orders\" (b)",
                "COMMENT ON COLUMN invoices.total IS 'gross'",
                "UPDATE settings SET v = 1",
                "DROP TABLE old_things"), FACTS);

        assertThat(DdlStatement.tablesNeedingTheirOwner(step))
                .containsExactly("customers", "\"Orders\"", "invoices", "old_things");
        assertThat(DdlStatement.createInCurrentSchema(step)).isTrue();
        assertThat(DdlStatement.createInCurrentSchema(step.subList(1, step.size()))).isFalse();
        assertThat(DdlStatement.createInCurrentSchema(DdlStatement.analyzeAll(List.of(
                "CREATE TABLE app.t (id int)", "CREATE TEMP TABLE t (id int)", "CREATE EXTENSION pgcrypto"), FACTS)))
                .isFalse();
    }
}
