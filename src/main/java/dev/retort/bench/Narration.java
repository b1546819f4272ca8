package dev.retort.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * What the bench says while it runs, on stderr (stdout carries the result): a line per phase, and progress that
 * redraws one line each second on a terminal, or prints a plain line every five seconds elsewhere, so that a log
 * stays readable. Progress comes from a reporting thread, hence the synchronized methods.
 */
public final class Narration {

    private static final long TERMINAL_EVERY_NANOS = 1_000_000_000L;
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    /** ANSI: erase from the cursor to the end of the line. */
    private static final String CLEAR_TO_END = "\033[K";

    private final PrintWriter err;
    private final boolean terminal;
    private boolean progressDrawn;
    private long lastProgressNanos;

    public Narration(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Says nothing: for tests and library use. */
    public static Narration silent() {
        return new Narration(new PrintWriter(PrintWriter.nullWriter()), false);
    }

    public synchronized void say(String line) {
        endProgress();
        err.println(line);
        err.flush();
    }

    public void say(String format, Object... arguments) {
        say(String.format(Locale.ROOT, format, arguments));
    }

    /** A progress line, shown if it is time for one; the first is shown at once. */
    public synchronized void progress(String line) {
        long now = System.nanoTime();
        long every = terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS;
        if (lastProgressNanos != 0 && now - lastProgressNanos < every) {
            return;
        }
        lastProgressNanos = now;
        if (terminal) {
            err.print("\r  " + line + CLEAR_TO_END);
            progressDrawn = true;
        } else {
            err.println("  " + line);
        }
        err.flush();
    }

    /** Ends a redrawn progress line, so that what follows starts on a line of its own. */
    public synchronized void endProgress() {
        if (progressDrawn) {
            err.println();
            progressDrawn = false;
        }
        lastProgressNanos = 0;
    }
}
