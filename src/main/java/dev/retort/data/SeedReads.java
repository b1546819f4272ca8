package dev.retort.data;

/**
 * The SQL of the four reads behind the seed's performance table, exactly as this layer runs them, for tools that
 * time or explain them ({@code retort bench}). Each constant's parameters, in order, and the index the layer expects
 * to serve it are on the method that runs it.
 */
public final class SeedReads {

    /** {@link Users#activeByEmail}: email. */
    public static final String ACTIVE_USER_BY_EMAIL = Users.ACTIVE_BY_EMAIL;

    /** {@link Customers#activeOfType}: customer type, limit. */
    public static final String ACTIVE_CUSTOMERS_OF_TYPE = Customers.ACTIVE_OF_TYPE;

    /** {@link AuditTrail#byUser}: user id, limit. */
    public static final String USER_AUDIT_TRAIL = AuditTrail.BY_USER;

    /** {@link AuditTrail#recent}: window in seconds (a double), limit. */
    public static final String RECENT_AUDIT_EVENTS = AuditTrail.RECENT;

    private SeedReads() {
    }
}
