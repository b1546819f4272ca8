package dev.retort.bench;

import dev.retort.data.SeedReads;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;

/**
 * The four operations of the seed's performance table, as the data layer runs them ({@link SeedReads}: the same
 * SQL text), each with the seed's before and after figures and how the bench picks its parameters:
 * <ol>
 *   <li>user lookup by email: the sign-in check, {@code email = ? AND deleted_at IS NULL AND is_active}, for the
 *       email of a random user that is active and not deleted (so one row comes back);</li>
 *   <li>active customers by type: {@code status = 'active'} of one type, not deleted, newest 50 by
 *       {@code created_at}; the type is individual or business, half the time each;</li>
 *   <li>user audit trail: one user's entries, not deleted, newest 100; the user is drawn uniformly from all users,
 *       so about 30 % have no entries at all and a few have thousands;</li>
 *   <li>recent audit events: entries of the last hour, not deleted, newest 100.</li>
 * </ol>
 */
enum SeedQuery {

    USER_BY_EMAIL("user lookup by email", SeedReads.ACTIVE_USER_BY_EMAIL, 50, 2) {
        @Override
        void bind(PreparedStatement query, Population population, SplittableRandom random) throws SQLException {
            query.setString(1, population.userEmail(activeUser(population, random)));
        }
    },

    ACTIVE_CUSTOMERS_BY_TYPE("active customers by type", SeedReads.activeCustomersOfType("individual"), 200, 8) {
        @Override
        String sql(SplittableRandom random) {
            return SeedReads.activeCustomersOfType(random.nextBoolean() ? "individual" : "business");
        }

        @Override
        void bind(PreparedStatement query, Population population, SplittableRandom random) {
            // The type is in the SQL.
        }
    },

    USER_AUDIT_TRAIL("user audit trail", SeedReads.USER_AUDIT_TRAIL, 1000, 20) {
        @Override
        void bind(PreparedStatement query, Population population, SplittableRandom random) throws SQLException {
            query.setObject(1, population.userId(1 + random.nextLong(population.scale().users())));
        }
    },

    RECENT_AUDIT_EVENTS("recent audit events", SeedReads.RECENT_AUDIT_EVENTS, 5000, 50) {
        @Override
        void bind(PreparedStatement query, Population population, SplittableRandom random) throws SQLException {
            query.setDouble(1, 3600.0);
        }
    };

    private final String title;
    private final String sql;
    private final double seedBeforeMs;
    private final double seedAfterMs;

    SeedQuery(String title, String sql, double seedBeforeMs, double seedAfterMs) {
        this.title = title;
        this.sql = sql;
        this.seedBeforeMs = seedBeforeMs;
        this.seedAfterMs = seedAfterMs;
    }

    String title() {
        return title;
    }

    /** The SQL as the report shows it: for the customers' query, the one for individual customers. */
    String sql() {
        return sql;
    }

    /**
     * The SQL of one execution, drawn from {@code random} before {@link #bind}: the same every time but for the
     * customers' query, which the data layer runs as one statement per type.
     */
    String sql(SplittableRandom random) {
        return sql;
    }

    double seedBeforeMs() {
        return seedBeforeMs;
    }

    double seedAfterMs() {
        return seedAfterMs;
    }

    /** Sets the parameters of one execution, drawn from {@code random}. */
    abstract void bind(PreparedStatement query, Population population, SplittableRandom random) throws SQLException;

    /** A user number drawn uniformly among the active users that are not soft-deleted. */
    private static long activeUser(Population population, SplittableRandom random) {
        while (true) {
            long n = 1 + random.nextLong(population.scale().users());
            if (!population.userDeleted(n) && population.user(n).active()) {
                return n;
            }
        }
    }
}
