package dev.retort.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The password file pgjdbc reads when a URL names no password: the one the system property
 * {@value #PGJDBC_PROPERTY} names, else {@code PGPASSFILE}, else {@code ~/.pgpass}. psql refuses a file that its
 * group or others may read or write, with a warning, and uses no password file then; pgjdbc would use it all the
 * same, so Retort refuses it as psql does.
 *
 * <p>{@code ~} is {@code $HOME}, as for psql: pgjdbc would take Java's {@code user.home}, the account's home in the
 * password database, which differs under {@code sudo -u}, in containers and in CI ({@link #followHome}).
 */
final class PasswordFile {

    private static final String PGJDBC_PROPERTY = "org.postgresql.pgpassfile";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PasswordFile() {
    }

    /** The password file, when it exists and someone besides its owner may read or write it (POSIX systems only). */
    static Optional<Path> exposed(Map<String, String> environment) {
        Path file = location(environment);
        if (!file.toFile().isFile()) {
            // Most often there is none: java.io says so without the exception NIO makes inside, on every command.
            return Optional.empty();
        }
        try {
            return OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file)) ? Optional.empty() : Optional.of(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // not a POSIX file system, or unreadable: pgjdbc will not read it either
        }
    }

    /**
     * Has pgjdbc read {@code $HOME/.pgpass}, where psql looks, when neither {@code PGPASSFILE} nor the system property
     * names a file and {@code $HOME} is not Java's {@code user.home}. It sets that property for the whole process:
     * call it once, before the first connection and before {@link #exposed}.
     */
    static void followHome(Map<String, String> environment) {
        String home = environment.get("HOME");
        if (isBlank(System.getProperty(PGJDBC_PROPERTY)) && isBlank(environment.get("PGPASSFILE")) && !isBlank(home)
                && !Path.of(home).equals(Path.of(System.getProperty("user.home")))) {
            System.setProperty(PGJDBC_PROPERTY, Path.of(home, ".pgpass").toString());
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    /** psql's warning, in psql's words. */
    static String warning(Path file) {
        return "retort: warning: password file \"" + file + "\" has group or world access; permissions should be "
                + "u=rw (0600) or less";
    }

    /**
     * Makes pgjdbc read no password file for the rest of the process: it reads the one the system property names,
     * and an empty one has no password.
     */
    static void ignoreFromNowOn() {
        System.setProperty(PGJDBC_PROPERTY, "/dev/null");
    }

    private static Path location(Map<String, String> environment) {
        String property = System.getProperty(PGJDBC_PROPERTY);
        if (!isBlank(property)) {
            return Path.of(property);
        }
        String variable = environment.get("PGPASSFILE");
        if (!isBlank(variable)) {
            return Path.of(variable);
        }
        return Path.of(System.getProperty("user.home"), ".pgpass");
    }
}
