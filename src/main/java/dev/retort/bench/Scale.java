package dev.retort.bench;

import java.util.Locale;

/**
 * How many rows the bench generates: {@code small} (the default: 100,000 users, 100,000 customers, 1,000,000 audit
 * log entries), {@code 1m} (1,000,000 / 1,000,000 / 10,000,000) or three counts, {@code USERS,CUSTOMERS,AUDIT_LOGS}
 * (e.g. {@code 5000,5000,20000}; {@code _} may group digits: {@code 100_000,100_000,1_000_000}).
 *
 * @param name how the scale was asked for: {@code small}, {@code 1m}, or the counts as given
 */
public record Scale(String name, long users, long customers, long auditLogs) {

    /** Fewer users than this leaves too few staff (the first 2 % are administrators) to act for the others. */
    public static final long MIN_USERS = 100;

    public static final Scale SMALL = new Scale("small", 100_000, 100_000, 1_000_000);
    public static final Scale ONE_MILLION = new Scale("1m", 1_000_000, 1_000_000, 10_000_000);

    public Scale {
        if (users < MIN_USERS || customers < 1 || auditLogs < 1) {
            throw new IllegalArgumentException("a scale needs at least " + MIN_USERS + " users, 1 customer and 1 audit "
                    + "log entry, not " + users + ", " + customers + " and " + auditLogs);
        }
    }

    /** {@code small}, {@code 1m}, or {@code USERS,CUSTOMERS,AUDIT_LOGS}; anything else says what it takes. */
    public static Scale parse(String text) {
        String given = text.strip().toLowerCase(Locale.ROOT);
        if (given.equals("small")) {
            return SMALL;
        }
        if (given.equals("1m")) {
            return ONE_MILLION;
        }
        String[] counts = given.split(",");
        if (counts.length != 3) {
            throw new IllegalArgumentException(usage(text));
        }
        try {
            return new Scale(text.strip(), count(counts[0]), count(counts[1]), count(counts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage(text), e);
        }
    }

    public long totalRows() {
        return users + customers + auditLogs;
    }

    private static long count(String text) {
        return Long.parseLong(text.strip().replace("_", ""));
    }

    private static String usage(String text) {
        return "'" + text + "' is not a scale: give small (100,000 users and customers, 1,000,000 audit logs), 1m "
                + "(1,000,000 / 1,000,000 / 10,000,000) or three counts USERS,CUSTOMERS,AUDIT_LOGS such as "
                + "5000,5000,20000 (at least " + MIN_USERS + " users).";
    }
}
