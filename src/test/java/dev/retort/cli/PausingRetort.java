package dev.retort.cli;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.BlockingSession;
import dev.retort.engine.LockRetry;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.Step;
import dev.retort.engine.StepProgress;
import dev.retort.migrations.Migrations;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A test-only program: the real {@code retort} command line (as {@link Main#main} wires it), except that it stops
 * before statement N of the run, N counted from 1 across every step, transactional and online alike. There it
 * prints {@value #MARKER} N, the step and the statement's first line on a line of its own, and waits with the
 * statement not yet begun: a test kills it there ({@code kill -9}), as a crash would.
 *
 * <p>Usage: {@code PausingRetort N retort-arguments…}, e.g. {@code PausingRetort 37 --url … upgrade head}. A line
 * {@code continue} on stdin lets the run go on from the pause; the end of stdin (the test that started it is gone)
 * ends the process at once, so that a crashed test leaves no runner behind.
 *
 * <p>The count is of {@code statementStarting} calls: a transactional step tried again after a lock timeout announces
 * its statements again, so N means "the Nth statement of the run" only when nothing else holds locks on the tables.
 */
public final class PausingRetort {

    static final String MARKER = "PAUSED before statement ";
    static final String CONTINUE = "continue";

    private PausingRetort() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int pauseBefore = Integer.parseInt(args[0]);
        RetortCommand root = new RetortCommand(Migrations::all, System.getenv(), Path.of("."));
        root.hookListener(listener -> new Pausing(listener, pauseBefore));
        CommandLine commandLine = Main.commandLine(root);
        int exitCode = commandLine.execute(Arrays.copyOfRange(args, 1, args.length));
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    /** Passes everything on to the real listener, counting statements and stopping before the chosen one. */
    private static final class Pausing implements MigrationListener {

        private final MigrationListener delegate;
        private final int pauseBefore;
        private int statements;

        Pausing(MigrationListener delegate, int pauseBefore) {
            this.delegate = delegate;
            this.pauseBefore = pauseBefore;
        }

        @Override
        public void statementStarting(Step step, int number, int count, String sql) {
            delegate.statementStarting(step, number, count, sql);
            if (++statements == pauseBefore) {
                // On a line of its own: the console listener may have left "Running upgrade …" open.
                System.out.println();
                System.out.println(MARKER + statements + ": " + step.revision().id() + " " + number + "/" + count
                        + " " + sql.strip().lines().findFirst().orElse(""));
                System.out.flush();
                awaitContinue();
            }
        }

        /** Blocks until the test says {@value #CONTINUE}; ends the process if stdin closes first. */
        private static void awaitContinue() {
            try {
                BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                    if (line.strip().equals(CONTINUE)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // As if stdin had closed.
            }
            Runtime.getRuntime().halt(99);
        }

        @Override
        public void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
            delegate.waitingForLock(holder);
        }

        @Override
        public void sessionsInTheWay(Step step, List<BlockingSession> sessions) {
            delegate.sessionsInTheWay(step, sessions);
        }

        @Override
        public void stepStarted(Step step) {
            delegate.stepStarted(step);
        }

        @Override
        public void statementDone(Step step, String sql) {
            delegate.statementDone(step, sql);
        }

        @Override
        public void statementSkipped(Step step, String sql, String reason) {
            delegate.statementSkipped(step, sql, reason);
        }

        @Override
        public void retrying(LockRetry retry) {
            delegate.retrying(retry);
        }

        @Override
        public void lastTryFailed(LockRetry lastTry) {
            delegate.lastTryFailed(lastTry);
        }

        @Override
        public void stepFinished(Step step, Duration took) {
            delegate.stepFinished(step, took);
        }

        @Override
        public void stepFailed(Step step, Duration took) {
            delegate.stepFailed(step, took);
        }

        @Override
        public void undoing(Step failed, Step undo) {
            delegate.undoing(failed, undo);
        }

        @Override
        public void resuming(Step step, String lastDone) {
            delegate.resuming(step, lastDone);
        }

        @Override
        public void progress(StepProgress progress) {
            delegate.progress(progress);
        }
    }
}
