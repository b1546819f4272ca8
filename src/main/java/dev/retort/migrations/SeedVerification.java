package dev.retort.migrations;

import dev.retort.engine.CatalogSnapshot;

import java.util.List;

/**
 * The seed's four verification queries (its section "Verification Queries"), which {@code retort verify} runs
 * and prints as psql would. Copied as they are, except for an ORDER BY added where the seed has none (foreign
 * keys) or orders by table only (constraints), so that two runs print the same rows in the same order; and the
 * schema: the seed's {@code 'public'} is the schema the revisions live in ({@link CatalogSnapshot#SCHEMA}), so that a
 * database migrated into another schema (its search_path) is checked there and not found empty.
 */
public final class SeedVerification {

    /** A query with the seed's comment as its title. */
    public record Query(String title, String sql) {
    }

    public static final List<Query> QUERIES = List.of(
            new Query("Check all tables exist", """
                    SELECT tablename FROM pg_tables
                    WHERE schemaname = %s
                    ORDER BY tablename""".formatted(CatalogSnapshot.SCHEMA)),
            new Query("Check foreign keys", """
                    SELECT
                        tc.table_name,
                        kcu.column_name,
                        ccu.table_name AS foreign_table_name,
                        ccu.column_name AS foreign_column_name
                    FROM information_schema.table_constraints AS tc
                    JOIN information_schema.key_column_usage AS kcu
                      ON tc.constraint_name = kcu.constraint_name AND tc.constraint_schema = kcu.constraint_schema
                    JOIN information_schema.constraint_column_usage AS ccu
                      ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
                    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = %s
                    ORDER BY tc.table_name, kcu.column_name""".formatted(CatalogSnapshot.SCHEMA)),
            new Query("Check indexes", """
                    SELECT indexname, tablename
                    FROM pg_indexes
                    WHERE schemaname = %s
                    ORDER BY tablename, indexname""".formatted(CatalogSnapshot.SCHEMA)),
            new Query("Check constraints", """
                    SELECT conname, contype, conrelid::regclass AS table_name
                    FROM pg_constraint
                    WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)
                    ORDER BY conrelid::regclass::text, conname""".formatted(CatalogSnapshot.SCHEMA)));

    private SeedVerification() {
    }
}
