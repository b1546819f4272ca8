package dev.retort.cli;

import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.Durations;
import dev.retort.engine.LockNotAcquiredException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL that runs when no URL is given: zonky's binaries from Maven Central, with the data kept in
 * {@code .retort/pg<major>} so that state persists from one command to the next.
 *
 * <p>Two guards keep the data directory safe. A file lock ({@code .retort/lock}, released by the OS when the
 * process dies, however it dies) lets only one Retort use it at a time; a second one waits, bounded. And a
 * server left running by a Retort that was killed ({@code kill -9} skips shutdown hooks) is stopped before
 * ours starts: holding the file lock proves no live Retort owns it.
 */
final class EmbeddedDatabase implements AutoCloseable {

    static final String MAJOR_VERSION = "17";

    private final Path folder;
    private final FileChannel lockChannel;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path folder, FileChannel lockChannel, EmbeddedPostgres postgres) {
        this.folder = folder;
        this.lockChannel = lockChannel;
        this.postgres = postgres;
    }

    /** Starts the embedded server under {@code home/.retort}, waiting at most {@code maxWait} for another Retort. */
    static EmbeddedDatabase start(Path home, Duration maxWait, PrintWriter notices) {
        Path folder = home.resolve(".retort");
        Path dataDirectory = folder.resolve("pg" + MAJOR_VERSION);
        FileChannel lockChannel = lockFolder(folder, maxWait, notices);
        try {
            stopOrphanedServer(dataDirectory);
            if (!Files.exists(dataDirectory.resolve("postgresql.conf"))) {
                notices.println("Creating an embedded PostgreSQL " + MAJOR_VERSION + " in " + home.relativize(dataDirectory)
                        + " (first run only; takes a few seconds)…");
                notices.flush();
            }
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
            return new EmbeddedDatabase(folder, lockChannel, postgres);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lockChannel);
            throw new ConnectionFailedException("Could not start the embedded PostgreSQL in " + dataDirectory + ": "
                    + e.getMessage() + ". Give a server with --url or DATABASE_URL, or delete " + folder
                    + " to start afresh (its data is lost).", e);
        }
    }

    DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    int port() {
        return postgres.getPort();
    }

    String describe() {
        return "embedded PostgreSQL " + MAJOR_VERSION + " in " + folder.resolve("pg" + MAJOR_VERSION);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private static FileChannel lockFolder(Path folder, Duration maxWait, PrintWriter notices) {
        try {
            Files.createDirectories(folder);
            FileChannel channel = FileChannel.open(folder.resolve("lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + maxWait.toNanos();
            FileLock lock = channel.tryLock();
            if (lock == null) {
                notices.println("Waiting for another retort (pid " + ownerPid(channel) + ") that is using " + folder + "…");
                notices.flush();
            }
            while (lock == null) {
                if (System.nanoTime() > deadline) {
                    String owner = ownerPid(channel);
                    channel.close();
                    throw new LockNotAcquiredException("Another retort (pid " + owner + ") is using the embedded "
                            + "database in " + folder + "; waited " + Durations.format(maxWait)
                            + ". Let it finish, or wait longer with --lock-wait.");
                }
                TimeUnit.MILLISECONDS.sleep(100);
                lock = channel.tryLock();
            }
            channel.truncate(0).write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            return channel;
        } catch (IOException e) {
            throw new ConnectionFailedException("Could not lock " + folder + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException("Interrupted while waiting for " + folder);
        }
    }

    private static String ownerPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        int read = channel.read(buffer, 0);
        return read <= 0 ? "unknown" : new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).strip();
    }

    /**
     * A Retort killed with {@code kill -9} leaves its postmaster running, holding the data directory. We hold the
     * folder's lock, so no live Retort owns that server: stop it (SIGTERM, PostgreSQL's smart shutdown, which is
     * quick since its clients died with the old Retort; SIGKILL if it has not stopped within 30 s).
     */
    private static void stopOrphanedServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> postmaster = Files.readAllLines(pidFile).stream().findFirst()
                .map(String::strip).filter(line -> line.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(process -> process.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return; // a stale pid file alone does not stop PostgreSQL from starting
        }
        ProcessHandle process = postmaster.get();
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock; if even that fails, process exit will
        }
    }
}
