package dev.retort.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The bench's generated data: users, customers and audit log entries, each row a pure function of the seed, its
 * number (from 1) and the load's end time. Rows can be made one at a time, in any order, on any thread
 * ({@link RowRandom}), so the same seed gives the same rows however many streams load them. Every value passes
 * revision 006's checks and every reference points at a user that exists.
 *
 * <p>The distributions, chosen to look like a back office with a customer portal:
 * <ul>
 *   <li><b>users</b>: numbered from 1; the first 2 % are {@code admin}, the next 8 % {@code corporate} (staff), the
 *       rest {@code client}. 90 % are active. Two-factor sign-in for 90 % of admins, 50 % of corporate staff, 15 % of
 *       clients. Created uniformly over the two years before the end; 80 % of active users signed in within 90 days
 *       (skewed to recent). Admins were created by user 1, staff by an admin, 10 % of clients were invited by staff
 *       (the rest signed up themselves). Emails are {@code first.last<n>@domain}, unique by the number.</li>
 *   <li><b>customers</b>: 70 % {@code individual}, 30 % {@code business} (with a company name, and a VAT number for
 *       90 % of them); status 80 % {@code active}, 12 % {@code inactive}, 8 % {@code suspended}. 85 % have a phone, in
 *       one of four national formats; addresses in six countries with their postal code formats. Created uniformly
 *       over three years; 75 % created by a staff user, 40 % since updated by one.</li>
 *   <li><b>audit log entries</b>: timestamps spread evenly over the year before the end, in number order (entry n is
 *       older than entry n + 1, as an append-only log is written). 5 % are system events (no user, no address);
 *       the rest belong to the first 70 % of users (the other 30 % never acted, so their trail is empty), skewed
 *       towards low numbers: rank {@code floor(acting * u^2)} for uniform u, so the busiest user has about 0.4 % of
 *       all entries at the small scale, and the least busy acting user about half the mean. Twenty actions with
 *       fixed weights (view 25 %, login 14 %, update 12 % …, suspend 0.3 %) on five resource types (customer,
 *       invoice, report, session, user); 1.5 % of actions failed, and every {@code login_failed}.</li>
 *   <li><b>soft deletes</b>: 3 % of the rows of each table carry a {@code deleted_at} (between creation and the end)
 *       and a {@code deleted_by} (an administrator). Revision 003 has no such columns: {@link SoftDeletes} writes them
 *       once revision 005 has added them.</li>
 * </ul>
 */
public final class Population {

    static final double ADMIN_SHARE = 0.02;
    static final double CORPORATE_SHARE = 0.08;
    static final double ACTIVE_USER_SHARE = 0.90;
    static final double INDIVIDUAL_SHARE = 0.70;
    static final double ACTIVE_CUSTOMER_SHARE = 0.80;
    static final double INACTIVE_CUSTOMER_SHARE = 0.12;
    static final double ACTING_USER_SHARE = 0.70;
    static final double SYSTEM_EVENT_SHARE = 0.05;
    static final double SOFT_DELETED_SHARE = 0.03;
    /** Rank of an event's user among the acting users: {@code floor(acting * u^SKEW)}. */
    static final double SKEW = 2.0;

    private static final Duration USERS_SPAN = Duration.ofDays(730);
    private static final Duration CUSTOMERS_SPAN = Duration.ofDays(1095);
    static final Duration AUDIT_SPAN = Duration.ofDays(365);
    private static final Duration LOGIN_SPAN = Duration.ofDays(90);

    private static final long USER = RowRandom.stream("user");
    private static final long USER_ID = RowRandom.stream("user id");
    private static final long USER_DELETED = RowRandom.stream("user deleted");
    private static final long CUSTOMER = RowRandom.stream("customer");
    private static final long CUSTOMER_ID = RowRandom.stream("customer id");
    private static final long CUSTOMER_DELETED = RowRandom.stream("customer deleted");
    private static final long AUDIT = RowRandom.stream("audit log");
    private static final long AUDIT_DELETED = RowRandom.stream("audit log deleted");

    private static final String[] FIRST_NAMES = {"Ana", "Bruno", "Carla", "David", "Elena", "Filipe", "Grace", "Hugo",
            "Ines", "James", "Karin", "Luis", "Maria", "Nuno", "Olivia", "Pedro", "Rita", "Samuel", "Teresa", "Victor",
            "Wen", "Yara", "Zoe", "Amir", "Bea", "Chen", "Diana", "Emil", "Fatima", "Goran"};
    private static final String[] LAST_NAMES = {"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa",
            "Rodrigues", "Martins", "Jesus", "Sousa", "Fernandes", "Goncalves", "Gomes", "Lopes", "Marques", "Alves",
            "Almeida", "Ribeiro", "Pinto", "Carvalho", "Smith", "Jones", "Muller", "Schmidt", "Dubois", "Moreau",
            "Garcia", "Lopez", "Novak", "Kowalski"};
    private static final String[] USER_DOMAINS = {"example.com", "example.org", "example.net", "mail.example",
            "corp.example"};
    private static final String[] BUSINESS_KINDS = {"Logistics", "Consulting", "Foods", "Textiles", "Software",
            "Builders", "Pharma", "Travel", "Energy", "Media"};
    private static final String[] STREETS = {"Main Street", "Rua Augusta", "High Street", "Avenida da Liberdade",
            "Market Square", "Station Road", "Calle Mayor", "Hauptstrasse", "Rue de la Paix", "Harbour Road"};
    private static final String BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String[] USER_AGENTS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
            "backoffice-sync/2.4 (+https://intranet.example/sync)"};

    /** A place: its city, country and a postal code format ('9' a digit, 'A' a letter). */
    private record Place(String city, String country, String postalFormat, String phonePrefix) {
    }

    private static final Place[] PLACES = {
            new Place("Lisbon", "Portugal", "9999-999", "+351 21"), new Place("Porto", "Portugal", "9999-999", "+351 22"),
            new Place("London", "United Kingdom", "AA9 9AA", "+44 20"), new Place("Madrid", "Spain", "99999", "+34 91"),
            new Place("Berlin", "Germany", "99999", "+49 30"), new Place("Paris", "France", "99999", "+33 1"),
            new Place("San Francisco", "United States", "99999", "+1 415")};

    /** An action of the audit trail, what it is done to, and how often. */
    private record Action(String name, double weight, Family family, String method, String sentence) {
    }

    private enum Family { SESSION, ACCOUNT, RECORD, SEARCH }

    private static final Action[] ACTIONS = {
            new Action("view", 25, Family.RECORD, "GET", "Viewed"),
            new Action("login", 14, Family.SESSION, "POST", "Signed in"),
            new Action("update", 12, Family.RECORD, "PATCH", "Updated"),
            new Action("search", 8, Family.SEARCH, "GET", "Searched"),
            new Action("logout", 8, Family.SESSION, "DELETE", "Signed out"),
            new Action("create", 6, Family.RECORD, "POST", "Created"),
            new Action("token_refresh", 6, Family.SESSION, "POST", "Refreshed the session token"),
            new Action("download", 3, Family.RECORD, "GET", "Downloaded"),
            new Action("comment", 3, Family.RECORD, "POST", "Commented on"),
            new Action("login_failed", 2, Family.SESSION, "POST", "Sign-in refused: wrong password"),
            new Action("export", 2, Family.RECORD, "GET", "Exported"),
            new Action("approve", 2, Family.RECORD, "POST", "Approved"),
            new Action("delete", 1.5, Family.RECORD, "DELETE", "Deleted"),
            new Action("password_change", 1, Family.ACCOUNT, "POST", "Changed the password of"),
            new Action("reject", 0.7, Family.RECORD, "POST", "Rejected"),
            new Action("enable_2fa", 0.5, Family.ACCOUNT, "POST", "Enabled two-factor sign-in for"),
            new Action("restore", 0.3, Family.RECORD, "POST", "Restored"),
            new Action("invite", 0.3, Family.ACCOUNT, "POST", "Invited"),
            new Action("suspend", 0.3, Family.RECORD, "POST", "Suspended"),
            new Action("disable_2fa", 0.2, Family.ACCOUNT, "POST", "Disabled two-factor sign-in for")};
    private static final double[] ACTION_CUMULATIVE = cumulative(ACTIONS);

    /** The twenty action names, most frequent first. */
    static final String[] ACTION_NAMES = java.util.Arrays.stream(ACTIONS).map(Action::name).toArray(String[]::new);
    static final String[] RESOURCE_TYPES = {"customer", "invoice", "report", "session", "user"};

    private final long seed;
    private final Scale scale;
    private final Instant end;
    private final long admins;
    private final long staff;
    private final long actingUsers;

    /**
     * @param end the newest time a row may carry: the load's start, so that "the last hour" holds the newest
     *            entries. Truncated to whole seconds, so that the seed and a printed time give the same rows.
     */
    public Population(long seed, Scale scale, Instant end) {
        this.seed = seed;
        this.scale = scale;
        this.end = end.truncatedTo(ChronoUnit.SECONDS);
        this.admins = Math.max(1, Math.round(scale.users() * ADMIN_SHARE));
        this.staff = admins + Math.max(1, Math.round(scale.users() * CORPORATE_SHARE));
        this.actingUsers = Math.max(1, Math.round(scale.users() * ACTING_USER_SHARE));
    }

    public long seed() {
        return seed;
    }

    public Scale scale() {
        return scale;
    }

    public Instant end() {
        return end;
    }

    /** Users 1 to this number may have audit entries; the others never acted. */
    public long actingUsers() {
        return actingUsers;
    }

    /** Users 1 to this number are administrators. */
    public long admins() {
        return admins;
    }

    /** Users 1 to this number are staff: administrators, then corporate users. */
    public long staff() {
        return staff;
    }

    // ---------------------------------------------------------------------------------------------------- users

    /** A row of {@code users}; {@code deletedAt} and {@code deletedBy} are written after revision 005. */
    public record User(long n, UUID id, String email, String passwordHash, String fullName, String role,
                       boolean active, boolean twoFactor, String totpSecret, Instant createdAt, Instant updatedAt,
                       UUID createdBy, UUID updatedBy, Instant lastLoginAt, Instant deletedAt, UUID deletedBy) {
    }

    public UUID userId(long n) {
        return RowRandom.of(seed, USER_ID, n).nextUuid();
    }

    public String userRole(long n) {
        return n <= admins ? "admin" : n <= staff ? "corporate" : "client";
    }

    /** The email of user {@code n}: what an audit entry copies, without making the whole row. */
    public String userEmail(long n) {
        RowRandom random = RowRandom.of(seed, USER, n);
        return email(random.pick(FIRST_NAMES), random.pick(LAST_NAMES), n, random.pick(USER_DOMAINS));
    }

    private static String email(String first, String last, long n, String domain) {
        return (first + "." + last).toLowerCase(java.util.Locale.ROOT) + n + "@" + domain;
    }

    public boolean userDeleted(long n) {
        return RowRandom.of(seed, USER_DELETED, n).chance(SOFT_DELETED_SHARE);
    }

    public User user(long n) {
        RowRandom random = RowRandom.of(seed, USER, n);
        String first = random.pick(FIRST_NAMES);
        String last = random.pick(LAST_NAMES);
        String email = email(first, last, n, random.pick(USER_DOMAINS));
        String role = userRole(n);
        boolean active = random.chance(ACTIVE_USER_SHARE);
        boolean twoFactor = random.chance(switch (role) {
            case "admin" -> 0.9;
            case "corporate" -> 0.5;
            default -> 0.15;
        });
        String totp = twoFactor ? characters(random, BASE32_ALPHABET, 32) : null;
        Instant created = before(end, USERS_SPAN, random.nextDouble());
        Instant updated = random.chance(0.6) ? between(created, end, random.nextDouble()) : created;
        UUID createdBy = n == 1 ? null
                : role.equals("admin") ? userId(1)
                : role.equals("corporate") ? userId(admin(random))
                : random.chance(0.1) ? userId(staffMember(random)) : null;
        UUID updatedBy = updated.equals(created) || !random.chance(0.3) ? null : userId(admin(random));
        Instant lastLogin = active && random.chance(0.8)
                ? before(end, LOGIN_SPAN, Math.pow(random.nextDouble(), 2)) : null;
        if (lastLogin != null && lastLogin.isBefore(created)) {
            lastLogin = created;
        }
        String hash = "$2b$12$" + characters(random, BCRYPT_ALPHABET, 53);
        boolean deleted = userDeleted(n);
        Instant deletedAt = deleted ? between(created, end, random.nextDouble()) : null;
        UUID deletedBy = deleted ? userId(admin(random)) : null;
        return new User(n, userId(n), email, hash, first + " " + last, role, active, twoFactor, totp, created,
                updated, createdBy, updatedBy, lastLogin, deletedAt, deletedBy);
    }

    // ------------------------------------------------------------------------------------------------ customers

    /** A row of {@code customers}; {@code deletedAt} and {@code deletedBy} are written after revision 005. */
    public record Customer(long n, UUID id, String name, String email, String phone, String customerType,
                           String status, String companyName, String taxId, String address, String city,
                           String country, String postalCode, Instant createdAt, Instant updatedAt, UUID createdBy,
                           UUID updatedBy, Instant deletedAt, UUID deletedBy) {
    }

    public UUID customerId(long n) {
        return RowRandom.of(seed, CUSTOMER_ID, n).nextUuid();
    }

    public boolean customerDeleted(long n) {
        return RowRandom.of(seed, CUSTOMER_DELETED, n).chance(SOFT_DELETED_SHARE);
    }

    public Customer customer(long n) {
        RowRandom random = RowRandom.of(seed, CUSTOMER, n);
        boolean individual = random.chance(INDIVIDUAL_SHARE);
        double statusDraw = random.nextDouble();
        String status = statusDraw < ACTIVE_CUSTOMER_SHARE ? "active"
                : statusDraw < ACTIVE_CUSTOMER_SHARE + INACTIVE_CUSTOMER_SHARE ? "inactive" : "suspended";
        String first = random.pick(FIRST_NAMES);
        String last = random.pick(LAST_NAMES);
        String kind = random.pick(BUSINESS_KINDS);
        String name = individual ? first + " " + last : last + " " + kind + " Ltd";
        String email = individual
                ? (first + "." + last).toLowerCase(java.util.Locale.ROOT) + "." + n + "@mail.example"
                : "accounts." + n + "@" + (last + "-" + kind).toLowerCase(java.util.Locale.ROOT) + ".example";
        Place place = random.pick(PLACES);
        String phone = random.chance(0.85) ? phone(random, place) : null;
        String taxId = !individual && random.chance(0.9) ? "VAT" + digits(random, 9) : null;
        String address = (1 + random.nextInt(300)) + " " + random.pick(STREETS);
        String postalCode = random.chance(0.95) ? pattern(random, place.postalFormat()) : null;
        Instant created = before(end, CUSTOMERS_SPAN, random.nextDouble());
        boolean changed = random.chance(0.5);
        Instant updated = changed ? between(created, end, random.nextDouble()) : created;
        UUID createdBy = random.chance(0.75) ? userId(staffMember(random)) : null;
        UUID updatedBy = changed && random.chance(0.8) ? userId(staffMember(random)) : null;
        boolean deleted = customerDeleted(n);
        Instant deletedAt = deleted ? between(created, end, random.nextDouble()) : null;
        UUID deletedBy = deleted ? userId(admin(random)) : null;
        return new Customer(n, customerId(n), name, email, phone, individual ? "individual" : "business", status,
                individual ? null : name, taxId, address, place.city(), place.country(), postalCode, created, updated,
                createdBy, updatedBy, deletedAt, deletedBy);
    }

    // -------------------------------------------------------------------------------------------- audit entries

    /** A row of {@code audit_logs}; jsonb values are JSON text. */
    public record AuditLog(long n, UUID id, String action, String resourceType, String resourceId,
                           String description, UUID userId, String userEmail, String userRole, String ipAddress,
                           String userAgent, String requestMethod, String requestPath, String oldValues,
                           String newValues, String extraData, boolean success, String errorMessage,
                           Instant createdAt, UUID createdBy, Instant deletedAt, UUID deletedBy) {
    }

    public boolean auditLogDeleted(long n) {
        return RowRandom.of(seed, AUDIT_DELETED, n).chance(SOFT_DELETED_SHARE);
    }

    /** When entry {@code n} was written: evenly over the year before the end, entry n older than n + 1. */
    public Instant auditLogTime(long n) {
        long spanMicros = AUDIT_SPAN.toNanos() / 1_000;
        long micros = spanMicros - Math.round((double) spanMicros * n / scale.auditLogs());
        return end.minus(micros, ChronoUnit.MICROS);
    }

    /** The user number that entry {@code n} belongs to, 0 for a system event. */
    public long auditLogUser(long n) {
        return eventUser(RowRandom.of(seed, AUDIT, n));
    }

    /** The first draws of an entry's numbers: system event or not, then the skewed rank among acting users. */
    private long eventUser(RowRandom random) {
        return random.chance(SYSTEM_EVENT_SHARE) ? 0
                : 1 + Math.min(actingUsers - 1, (long) (actingUsers * Math.pow(random.nextDouble(), SKEW)));
    }

    public AuditLog auditLog(long n) {
        RowRandom random = RowRandom.of(seed, AUDIT, n);
        long user = eventUser(random);
        Action action = action(random.nextDouble());
        String resourceType;
        String resourceId;
        switch (action.family()) {
            case SESSION -> {
                resourceType = "session";
                resourceId = random.nextUuid().toString();
            }
            case ACCOUNT -> {
                resourceType = "user";
                long subject = action.name().equals("invite") || user == 0 ? 1 + random.nextLong(scale.users()) : user;
                resourceId = userId(subject).toString();
            }
            case SEARCH -> {
                resourceType = "customer";
                resourceId = null;
            }
            default -> {
                double kind = random.nextDouble();
                if (action.name().equals("suspend") || kind < 0.65) {
                    resourceType = "customer";
                    resourceId = customerId(1 + random.nextLong(scale.customers())).toString();
                } else if (kind < 0.9) {
                    resourceType = "invoice";
                    resourceId = "INV-" + (1 + random.nextLong(scale.customers() * 12));
                } else {
                    resourceType = "report";
                    resourceId = "RPT-" + (1 + random.nextInt(500));
                }
            }
        }
        String description = action.sentence() + (action.family() == Family.SESSION ? ""
                : " " + resourceType + (resourceId == null ? "s" : " " + resourceId));
        boolean success = !action.name().equals("login_failed") && !random.chance(0.015);
        String error = success ? null
                : action.name().equals("login_failed") ? "Invalid email or password" : "Permission denied";
        String[] values = values(action.name(), random);
        String extra = random.chance(0.2)
                ? "{\"correlation_id\": \"" + Long.toHexString(random.nextLong()) + "\"}" : null;
        Instant created = auditLogTime(n);
        UUID createdBy = user != 0 && random.chance(0.01) ? userId(admin(random)) : null;
        boolean deleted = auditLogDeleted(n);
        Instant deletedAt = deleted ? between(created, end, random.nextDouble()) : null;
        UUID deletedBy = deleted ? userId(admin(random)) : null;
        boolean person = user != 0;
        return new AuditLog(n, random.nextUuid(), action.name(), resourceType, resourceId, description,
                person ? userId(user) : null, person ? userEmail(user) : null, person ? userRole(user) : null,
                person ? ipAddress(user, random) : null, person ? USER_AGENTS[(int) (user % USER_AGENTS.length)] : null,
                person ? action.method() : null,
                person ? "/api/" + resourceType + "s" + (resourceId == null ? "" : "/" + resourceId) : null,
                values[0], values[1], extra, success, error, created, createdBy, deletedAt, deletedBy);
    }

    private static Action action(double draw) {
        for (int i = 0; i < ACTIONS.length; i++) {
            if (draw < ACTION_CUMULATIVE[i]) {
                return ACTIONS[i];
            }
        }
        return ACTIONS[ACTIONS.length - 1];
    }

    private static double[] cumulative(Action[] actions) {
        double total = 0;
        for (Action action : actions) {
            total += action.weight();
        }
        double[] cumulative = new double[actions.length];
        double sum = 0;
        for (int i = 0; i < actions.length; i++) {
            sum += actions[i].weight();
            cumulative[i] = sum / total;
        }
        return cumulative;
    }

    /** Old and new values, as the data layer writes them: the changed fields only. */
    private static String[] values(String action, RowRandom random) {
        return switch (action) {
            case "update" -> random.chance(0.5)
                    ? new String[] {"{\"status\": \"active\"}", "{\"status\": \"inactive\"}"}
                    : new String[] {"{\"phone\": null}", "{\"phone\": \"+351 21 " + digits(random, 3) + " "
                    + digits(random, 4) + "\"}"};
            case "create" -> new String[] {null, "{\"status\": \"active\"}"};
            case "suspend" -> new String[] {"{\"status\": \"active\"}", "{\"status\": \"suspended\"}"};
            case "delete" -> new String[] {"{\"deleted_at\": null}", "{\"deleted_at\": \"now\"}"};
            case "restore" -> new String[] {"{\"deleted_at\": \"then\"}", "{\"deleted_at\": null}"};
            default -> new String[] {null, null};
        };
    }

    /** A user's usual address: 85 % IPv4 in 10.0.0.0/8, 15 % IPv6 in 2001:db8::/32; one time in ten elsewhere. */
    private String ipAddress(long user, RowRandom random) {
        long home = RowRandom.mix(seed ^ user * 0x9E3779B97F4A7C15L);
        long address = random.chance(0.1) ? random.nextLong() : home;
        if (Math.floorMod(home, 100) < 85) {
            return "10." + ((address >>> 8) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 24) & 0xFF);
        }
        return "2001:db8:" + Long.toHexString((address >>> 8) & 0xFFFF) + "::"
                + Long.toHexString((address >>> 24) & 0xFFFF);
    }

    private long admin(RowRandom random) {
        return 1 + random.nextLong(admins);
    }

    private long staffMember(RowRandom random) {
        return 1 + random.nextLong(staff);
    }

    private static String phone(RowRandom random, Place place) {
        return switch (random.nextInt(3)) {
            case 0 -> place.phonePrefix() + " " + digits(random, 3) + " " + digits(random, 4);
            case 1 -> place.phonePrefix() + "-" + digits(random, 3) + "-" + digits(random, 4);
            default -> "(" + digits(random, 3) + ") 555-" + digits(random, 4);
        };
    }

    private static String digits(RowRandom random, int count) {
        return pattern(random, "9".repeat(count));
    }

    /** {@code format} with each '9' a random digit and each 'A' a random capital letter. */
    private static String pattern(RowRandom random, String format) {
        StringBuilder text = new StringBuilder(format.length());
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            text.append(c == '9' ? (char) ('0' + random.nextInt(10)) : c == 'A' ? (char) ('A' + random.nextInt(26)) : c);
        }
        return text.toString();
    }

    private static String characters(RowRandom random, String alphabet, int count) {
        StringBuilder text = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** {@code fraction} of {@code span} before {@code end}, to the microsecond. */
    private static Instant before(Instant end, Duration span, double fraction) {
        return end.minus(Math.round(span.toNanos() / 1_000.0 * fraction), ChronoUnit.MICROS);
    }

    private static Instant between(Instant from, Instant to, double fraction) {
        long micros = ChronoUnit.MICROS.between(from, to);
        return from.plus(Math.round(micros * fraction), ChronoUnit.MICROS);
    }
}
