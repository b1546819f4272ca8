package dev.retort.bench;

import java.util.UUID;

/**
 * The random numbers of one generated row: SplitMix64 (the generator behind {@link java.util.SplittableRandom})
 * started from a hash of the bench's seed, the table, the row's number and what is being drawn. So any row can be
 * made on its own, in any order, by any thread, and comes out the same for the same seed: a load in four streams
 * writes exactly the rows a load in one stream writes, and a writer can name customer 1,234 without asking the
 * database.
 *
 * <p>Not thread-safe (one instance per row, which costs one object), and not for cryptography.
 */
final class RowRandom {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    private RowRandom(long state) {
        this.state = state;
    }

    /** The numbers of row {@code n} of what {@code stream} names (e.g. "user", "user id"), for {@code seed}. */
    static RowRandom of(long seed, long stream, long n) {
        return new RowRandom(mix(mix(seed ^ stream * GOLDEN_GAMMA) + n * GOLDEN_GAMMA));
    }

    /** A stream's constant, from its name: the names stay readable and the constants never collide by hand. */
    static long stream(String name) {
        long hash = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            hash = 31 * hash + name.charAt(i);
        }
        return mix(hash);
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) nextLong(bound);
    }

    /** Uniform in [0, bound), bound > 0; the tiny modulo bias of 64 bits over a bound this size does not matter. */
    long nextLong(long bound) {
        return Math.floorMod(nextLong(), bound);
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** One of {@code values}, uniformly. */
    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }

    /** A random (version 4) uuid made of this row's numbers. */
    UUID nextUuid() {
        long high = (nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long low = (nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /** David Stafford's variant 13 of the MurmurHash3 finalizer, as SplitMix64 uses it. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
