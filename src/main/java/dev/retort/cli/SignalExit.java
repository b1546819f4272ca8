package dev.retort.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Which signal is ending the process, for the error document that a run stopped by it prints under --json: the JVM's
 * own handling of SIGINT and SIGTERM (run the shutdown hooks, then exit with 128 + the signal's number) does not tell
 * the hooks which it was. {@link #watch} puts in its place a handler that does the same after noting the signal, and
 * only where the JVM's is: a signal the process ignores (SIGINT in a script's background job) stays ignored, and
 * under {@code -Xrs} nothing changes.
 */
final class SignalExit {

    private static volatile int exitCode;

    private SignalExit() {
    }

    static void watch() {
        watch("INT");
        watch("TERM");
    }

    /** 130 or 143 once SIGINT or SIGTERM is ending the process; 0 before, or when it ends otherwise. */
    static int exitCode() {
        return exitCode;
    }

    private static void watch(String name) {
        try {
            Signal signal = new Signal(name);
            SignalHandler previous = Signal.handle(signal, caught -> {
                exitCode = 128 + caught.getNumber();
                System.exit(exitCode);
            });
            if (previous == SignalHandler.SIG_IGN || previous == SignalHandler.SIG_DFL) {
                Signal.handle(signal, previous); // not the JVM's shutdown: not for this class to change
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No such signal here, or the JVM keeps it (-Xrs): the process ends as it would have, only the document
            // under --json is not printed.
        }
    }
}
