package dev.retort.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A test-only program: starts the embedded database under the given home, says "ready", and waits forever, so a
 * test can kill it at a known moment, as a user's {@code kill -9} would.
 */
public final class HoldEmbeddedDatabase {

    private HoldEmbeddedDatabase() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(args[0]), Duration.ofSeconds(30),
                new PrintWriter(System.err, true));
        System.out.println("ready on port " + database.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
