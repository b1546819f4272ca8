package dev.retort.engine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them on a command line: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 60} (seconds); or,
 * for a PostgreSQL timeout, with the unit required ({@link #parseTimeout}).
 */
public final class Durations {

    /** Longer than any sensible wait, short enough that deadline arithmetic in nanoseconds cannot overflow. */
    private static final Duration MAX = Duration.ofDays(7);
    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");

    private Durations() {
    }

    public static Duration parse(String text) {
        Matcher matcher = matched(text, "(a bare number is seconds)");
        return of(text, Double.parseDouble(matcher.group(1)), matcher.group(2) == null ? "s" : matcher.group(2));
    }

    /**
     * As {@link #parse}, for a value that becomes a PostgreSQL timeout ({@code lock_timeout}, {@code
     * statement_timeout}): any number but 0 must carry its unit, since PostgreSQL reads a bare number there as
     * milliseconds and {@link #parse} as seconds, and {@code 500} would wait a thousand times longer than meant.
     * Anything that rounds to 0 ms is refused too: PostgreSQL would read 0 as no limit.
     */
    public static Duration parseTimeout(String text) {
        Matcher matcher = matched(text, "(a unit is required)");
        double amount = Double.parseDouble(matcher.group(1));
        if (matcher.group(2) == null && amount != 0) {
            String number = matcher.group(1);
            throw new IllegalArgumentException("'" + text + "' has no unit: PostgreSQL would read it as " + number
                    + " ms, Retort's other waits as " + number + " s; write " + number + "ms or " + number + "s");
        }
        Duration duration = of(text, amount, matcher.group(2) == null ? "ms" : matcher.group(2));
        if (amount != 0 && duration.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is under a millisecond, which PostgreSQL would round "
                    + "to 0; give 1ms or more");
        }
        return duration;
    }

    private static Matcher matched(String text, String bareNumber) {
        Matcher matcher = TEXT.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a number with ms, s, m or h, "
                    + "e.g. 500ms, 10s or 2m " + bareNumber);
        }
        return matcher;
    }

    private static Duration of(String text, double amount, String unit) {
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m", "min" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        if (millis > MAX.toMillis()) {
            throw new IllegalArgumentException("'" + text + "' is longer than the 7 days a wait may last");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** {@code 41 ms}, {@code 1.3 s}, {@code 2 min 5 s}: short and readable. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return (millis / 60_000) + " min " + (millis % 60_000) / 1000 + " s";
    }
}
