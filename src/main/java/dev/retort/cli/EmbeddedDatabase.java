package dev.retort.cli;

import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.Durations;
import dev.retort.engine.LockNotAcquiredException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;

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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL that runs when no URL is given: zonky's binaries from Maven Central, with the data kept in
 * {@code .retort/pg<major>} so that state persists from one command to the next.
 *
 * <p>The server asks every login, on its socket and over TCP, for a password that only this user may read:
 * {@code .retort/password} (mode 600, see {@link EmbeddedPassword}), set when the cluster is made. A cluster made by
 * an earlier Retort, which trusted every local login, is converted on its first start ({@link #requirePassword}).
 *
 * <p>Two guards keep the data directory safe. A file lock ({@code .retort/lock}, released by the OS when the
 * process dies, however it dies) lets only one Retort use it at a time; a second one waits, bounded. And a
 * server left running by a Retort that was killed ({@code kill -9} skips shutdown hooks) is stopped before
 * ours starts: holding the file lock proves no live Retort owns it.
 */
final class EmbeddedDatabase implements AutoCloseable {

    static final String MAJOR_VERSION = "17";

    /**
     * {@code .retort}'s permissions: its owner's alone, as psql's ~/.pgpass is. It holds the password file, and the
     * server's binaries, whose folder zonky makes writable by everyone on every start; another local user could
     * otherwise put a postgres of their own there for Retort to run under this account. One made by an earlier
     * Retort (rwxr-xr-x) is narrowed on its next start.
     */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path folder;
    private final FileChannel lockChannel;
    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedDatabase(Path folder, FileChannel lockChannel, EmbeddedPostgres postgres, String password) {
        this.folder = folder;
        this.lockChannel = lockChannel;
        this.postgres = postgres;
        this.password = password;
    }

    /** Starts the embedded server under {@code home/.retort}, waiting at most {@code maxWait} for another Retort. */
    static EmbeddedDatabase start(Path home, Duration maxWait, PrintWriter notices) {
        Path folder = folder(home);
        Path dataDirectory = folder.resolve("pg" + MAJOR_VERSION);
        Path passwordFile = folder.resolve(EmbeddedPassword.FILE_NAME);
        Path hba = dataDirectory.resolve("pg_hba.conf");
        FileChannel lockChannel = lockFolder(folder, maxWait, notices);
        try {
            stopOrphanedServer(dataDirectory);
            boolean exists = Files.exists(dataDirectory.resolve("postgresql.conf"));
            if (!exists) {
                notices.println("Creating an embedded PostgreSQL " + MAJOR_VERSION + " in " + shown(dataDirectory)
                        + " (first run only; takes a few seconds)…");
                notices.flush();
            } else if (!Files.exists(passwordFile) && !EmbeddedPassword.trusts(hba)) {
                throw new ConnectionFailedException("The embedded PostgreSQL in " + dataDirectory + " asks for the "
                        + "password kept in " + passwordFile + ", which is missing. Put it back, or delete "
                        + dataDirectory + " to start afresh (its data is lost).", null);
            }
            String password = EmbeddedPassword.readOrCreate(passwordFile);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // The server's binaries are unpacked beside its data, not in zonky's default, /tmp/embedded-pg:
                    // a folder any local user may write to (mode 777, no sticky bit), where one could put a postgres
                    // of their own for Retort to run under this user's account, or swap the one unpacked there.
                    .setOverrideWorkingDirectory(folder.resolve("bin").toFile())
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // zonky's initdb (only when there is no cluster) says -A trust; these options, which it passes
                    // to initdb as --name=value after its own, override that: every login, on the socket and over
                    // TCP, must give the password, which initdb reads from the file (never a command line) and
                    // stores as a SCRAM verifier. Any other local user could otherwise log in as the superuser
                    // while a command runs, and run programs as this user through COPY … TO PROGRAM.
                    .setLocaleConfig("auth-local", EmbeddedPassword.METHOD)
                    .setLocaleConfig("auth-host", EmbeddedPassword.METHOD)
                    .setLocaleConfig("pwfile", passwordFile.toString())
                    // For zonky's own readiness check, which logs in as postgres.
                    .setConnectConfig("password", password)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(folder, lockChannel, postgres, password);
            try {
                if (EmbeddedPassword.trusts(hba)) {
                    requirePassword(postgres, hba, password);
                }
            } catch (IOException | SQLException | RuntimeException e) {
                database.close();
                throw e;
            }
            return database;
        } catch (ConnectionFailedException e) {
            closeQuietly(lockChannel);
            throw e;
        } catch (IOException | SQLException | RuntimeException e) {
            closeQuietly(lockChannel);
            if (refusedPassword(e)) {
                throw new ConnectionFailedException("The embedded PostgreSQL in " + dataDirectory + " refused the "
                        + "password kept in " + passwordFile + ". Put back the file it was made with, or delete "
                        + dataDirectory + " to start afresh (its data is lost).", e);
            }
            throw new ConnectionFailedException("Could not start the embedded PostgreSQL in " + dataDirectory + ": "
                    + e.getMessage() + ". Give a server with --url or DATABASE_URL, or delete " + folder
                    + " to start afresh (its data is lost).", e);
        }
    }

    /**
     * {@code folder} as the user can find it from where they are: relative to the working directory when under it
     * (.retort/pg17 in the project), else whole (RETORT_HOME elsewhere, or the launcher run from another folder).
     */
    static Path shown(Path folder) {
        Path whole = folder.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return whole.startsWith(here) && !whole.equals(here) ? here.relativize(whole) : whole; // never an empty path
    }

    /**
     * Converts a cluster made by an earlier Retort, whose pg_hba.conf trusted every local login, or one whose
     * conversion was cut short. The password file was written (and flushed) before this server started, so the
     * steps are: set the superuser's password to it, then rewrite pg_hba.conf (under a temporary name, renamed
     * over it), then have the server reload it. Killed before the rename, the next start finds {@code trust}
     * still there and does it all again with the same file: while pg_hba.conf trusts, any password is accepted,
     * so the developer is never locked out; and pg_hba.conf asks for the password only once the server holds the
     * one in the file. Only the method of the {@code trust} records changes; every other line stays as it was.
     *
     * <p>The password goes to the server as a SCRAM verifier made here (pgjdbc's {@code alterUserPassword}), never
     * as text that a server log could keep. This server trusted every login until the reload, as every earlier
     * Retort's did: once, for this one command.
     */
    private static void requirePassword(EmbeddedPostgres postgres, Path hba, String password)
            throws IOException, SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.unwrap(PGConnection.class).alterUserPassword("postgres", password.toCharArray(),
                    EmbeddedPassword.STORED_AS);
            EmbeddedPassword.rewriteTrust(hba);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_reload_conf()");
            }
        }
    }

    /** zonky gives up waiting for a server that refuses its login with "Gave up waiting": 28P01 is why. */
    private static boolean refusedPassword(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException refused && "28P01".equals(refused.getSQLState())) {
                return true;
            }
        }
        return false;
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

    /** The superuser's password ({@code .retort/password}), which the server asks of every login. Never printed. */
    String password() {
        return password;
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
            EmbeddedPassword.narrow(folder, OWNER_ONLY);
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
