package dev.retort.data;

/**
 * The SQL of the four reads behind the seed's performance table, as this layer runs them with the seed's limits
 * (newest 50 customers, newest 100 entries), for tools that time or explain them ({@code retort bench}). Each
 * one's parameters, in order, are on it; the index the layer expects to serve it is on the method that runs it.
 */
public final class SeedReads {

    /** {@link Users#activeByEmail}: email. */
    public static final String ACTIVE_USER_BY_EMAIL = Users.ACTIVE_BY_EMAIL;

    /** {@link AuditTrail#byUser}, newest 100: user id. */
    public static final String USER_AUDIT_TRAIL = Rows.limitedTo(AuditTrail.BY_USER, 100);

    /** {@link AuditTrail#recent}, newest 100: window in seconds (a double). */
    public static final String RECENT_AUDIT_EVENTS = Rows.limitedTo(AuditTrail.RECENT, 100);

    private SeedReads() {
    }

    /** {@link Customers#activeOfType}, newest 50: no parameter, the type is in the SQL (one statement per type). */
    public static String activeCustomersOfType(String customerType) {
        return Customers.activeOfTypeSql(customerType, 50);
    }
}
