package dev.retort.testing;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The PostgreSQL majors the tests run on: {@code -Dretort.test.postgres=14,17} picks some, the default is all.
 *
 * <p>For JUnit: {@code @MethodSource("dev.retort.testing.PostgresVersions#all")}, on a parameterized test or class.
 */
public final class PostgresVersions {

    /** The system property that picks the majors; Maven passes it to the test JVM. */
    public static final String PROPERTY = "retort.test.postgres";

    /** Every major the tests know how to start: 17 from the classpath, the others from target/pg-binaries. */
    public static final List<Integer> SUPPORTED = List.of(14, 15, 16, 17, 18);

    private PostgresVersions() {
    }

    /** The majors this run tests on, in ascending order. */
    public static IntStream all() {
        String chosen = System.getProperty(PROPERTY, "");
        return (chosen.isBlank() ? SUPPORTED.stream().mapToInt(Integer::intValue) : parse(chosen));
    }

    /** Reads "14, 15,18" as 14, 15, 18; refuses a major that the tests cannot start, naming those they can. */
    static IntStream parse(String majors) {
        int[] parsed = Arrays.stream(majors.split(","))
                .map(String::strip)
                .filter(major -> !major.isEmpty())
                .mapToInt(major -> parseMajor(major, majors))
                .sorted()
                .distinct()
                .toArray();
        if (parsed.length == 0) {
            throw new IllegalArgumentException(PROPERTY + "=" + majors + " names no major; supported: " + SUPPORTED);
        }
        return IntStream.of(parsed);
    }

    private static int parseMajor(String major, String majors) {
        int parsed;
        try {
            parsed = Integer.parseInt(major);
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (!SUPPORTED.contains(parsed)) {
            throw new IllegalArgumentException(PROPERTY + "=" + majors + ": " + major
                    + " is not a PostgreSQL major the tests can start; supported: " + SUPPORTED);
        }
        return parsed;
    }
}
