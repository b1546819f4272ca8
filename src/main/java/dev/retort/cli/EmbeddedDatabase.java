package dev.retort.cli;

import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.Durations;
import dev.retort.engine.LockNotAcquiredException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
        Path folder = folder(home);
        Path dataDirectory = folder.resolve("pg" + MAJOR_VERSION);
        FileChannel lockChannel = lockFolder(folder, maxWait, notices);
        try {
            stopOrphanedServer(dataDirectory);
            if (!Files.exists(dataDirectory.resolve("postgresql.conf"))) {
                notices.println("Creating an embedded PostgreSQL " + MAJOR_VERSION + " in "
                        + home.toAbsolutePath().normalize().relativize(dataDirectory)
                        + " (first run only; takes a few seconds)…");
                notices.flush();
            }
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // The server's binaries are unpacked beside its data, not in zonky's default, /tmp/embedded-pg:
                    // a folder any local user may write to (mode 777, no sticky bit), where one could put a postgres
                    // of their own for Retort to run under this user's account, or swap the one unpacked there.
                    .setOverrideWorkingDirectory(folder.resolve("bin").toFile())
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

    /** What went wrong with a file, in words: the JDK's message for a refused one is only its path. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException failed && failed.getReason() != null) {
            return failed.getReason();
        }
        return e.getMessage();
    }

    /** Where the embedded database keeps its data and its lock: {@code .retort} under {@code home}. */
    static Path folder(Path home) {
        return home.toAbsolutePath().normalize().resolve(".retort");
    }

    int port() {
        return postgres.getPort();
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
        FileChannel channel = null;
        try {
            Files.createDirectories(folder);
            channel = FileChannel.open(folder.resolve("lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + maxWait.toNanos();
            FileLock lock = tryLock(channel);
            if (lock == null) {
                notices.println("Waiting for another retort (pid " + ownerPid(channel) + ") that is using "
                        + folder + "…");
                notices.flush();
            }
            while (lock == null) {
                if (System.nanoTime() > deadline) {
                    throw new LockNotAcquiredException("Another retort (pid " + ownerPid(channel) + ") is using the "
                            + "embedded database in " + folder + "; waited " + Durations.format(maxWait)
                            + ". Let it finish, or wait longer with --lock-wait.");
                }
                TimeUnit.MILLISECONDS.sleep(100);
                lock = tryLock(channel);
            }
            channel.truncate(0).write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.US_ASCII)), 0);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            String writable = e instanceof AccessDeniedException ? "make " + folder.getParent() + " writable, " : "";
            throw new ConnectionFailedException("Could not lock " + folder + ": " + reason(e) + ". The embedded "
                    + "PostgreSQL lives there: " + writable + "set RETORT_HOME to a folder you may write to, or give a "
                    + "server with --url.", e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            Thread.currentThread().interrupt();
            throw new LockNotAcquiredException("Interrupted while waiting for " + folder);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Null when another holds it: another process, or (in a test JVM) another session of this one. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String ownerPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        int read = channel.read(buffer, 0);
        return read <= 0 ? "unknown" : new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).strip();
    }

    /**
     * A Retort killed with {@code kill -9} leaves its postmaster running, holding the data directory. We hold the
     * folder's lock, so no live Retort owns that server: stop it. Only a process that is provably that server is
     * touched: a postgres whose command line names this very data directory. A stale pid file whose pid now
     * belongs to another cluster's server must never lead us to stop that one.
     */
    private static void stopOrphanedServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> postmaster = Files.readAllLines(pidFile).stream().findFirst()
                .map(String::strip).filter(line -> line.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(process -> servesDataDirectory(process, dataDirectory));
        if (postmaster.isPresent()) {
            stop(postmaster.get());
        } else {
            // Stale: its pid is gone or now someone else's. PostgreSQL would refuse to start while that pid lives.
            Files.deleteIfExists(pidFile);
        }
    }

    private static boolean servesDataDirectory(ProcessHandle process, Path dataDirectory) {
        ProcessHandle.Info info = process.info();
        boolean isPostgres = info.command().map(command -> command.endsWith("postgres")).orElse(false);
        List<String> arguments = info.arguments().map(List::of).orElse(List.of());
        int flag = arguments.indexOf("-D");
        return isPostgres && flag >= 0 && flag + 1 < arguments.size()
                && Path.of(arguments.get(flag + 1)).toAbsolutePath().normalize().equals(dataDirectory);
    }

    /**
     * SIGINT is PostgreSQL's fast shutdown: it ends any session still open (a psql the user left behind) instead
     * of waiting for it, as SIGTERM's smart shutdown would. SIGKILL only if that has not worked within 30 s.
     */
    private static void stop(ProcessHandle postmaster) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start().waitFor();
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionFailedException("Interrupted while stopping a leftover embedded PostgreSQL", e);
        } catch (IOException | ExecutionException | TimeoutException e) {
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock; if even that fails, process exit will
        }
    }
}
