package dev.retort.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded server's superuser password, and the {@code pg_hba.conf} that asks for it.
 *
 * <p>The password is 32 bytes of {@link SecureRandom} (256 bits), written as 43 characters of URL-safe Base64, in
 * {@code .retort/password}, which only its owner may read or write (mode 600). It is made once, before the cluster
 * that uses it, and read by every command; it is never printed. A cluster made by a Retort that trusted every local
 * login is converted by {@link #trusts} and {@link #rewriteTrust}; the order of the steps, and why a conversion
 * cut short never locks the developer out, is told in {@link EmbeddedDatabase}.
 */
final class EmbeddedPassword {

    static final String FILE_NAME = "password";
    /**
     * The authentication that replaces {@code trust}: the password itself, checked against the SCRAM verifier that
     * the server stores ({@link #STORED_AS}). It crosses only the loopback, where no one but root can read it, and
     * root can read the file. SCRAM's exchange would guard nothing more here, and it costs a JVM that has just
     * started some 35 ms a command (its crypto set up cold: {@code retort current}, medians of 15, 155 ms on trust,
     * 158 on password, 157 on md5, which PostgreSQL 18 deprecates, and 190 on scram-sha-256).
     */
    static final String METHOD = "password";
    /** How the server keeps the password: PostgreSQL's default since 14, which initdb uses too. */
    static final String STORED_AS = "scram-sha-256";

    private static final int BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** The connection types of pg_hba.conf's records; the other lines (comments, include …) are left as they are. */
    private static final Pattern RECORD = Pattern.compile("\\s*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)"
            + "\\s.*");
    /** A field: quoted parts and unquoted characters, up to a space or an unquoted # (a comment's start). */
    private static final Pattern FIELD = Pattern.compile("\\G\\s*((?:\"[^\"]*\"|[^\\s#\"])+)");
    private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private EmbeddedPassword() {
    }

    /**
     * The password in {@code file}, made (random, mode 600) if there is none. Written under a temporary name and
     * renamed, so that no command ever reads half of one; a file that its group or others may read is made private.
     */
    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] random = new byte[BYTES];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ownerOnly())) {
            channel.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    private static String read(Path file) throws IOException {
        narrow(file, OWNER_ONLY);
        String password = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().findFirst().orElse("").strip();
        if (password.isEmpty()) {
            throw new IOException(file + " is empty; it held the embedded PostgreSQL's password");
        }
        return password;
    }

    private static FileAttribute<?>[] ownerOnly() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    /** Gives {@code path} exactly {@code permissions} where it has others, on a file system that has them. */
    static void narrow(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (posix() && !Files.getPosixFilePermissions(path).equals(permissions)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Whether a record of {@code hba} (a pg_hba.conf) has the method {@code trust}; false if there is no file. */
    static boolean trusts(Path hba) throws IOException {
        try {
            return Files.readAllLines(hba, StandardCharsets.UTF_8).stream().anyMatch(line -> methodField(line) != null);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Rewrites {@code hba} with {@link #METHOD} in place of {@code trust}, every other line and field as it was:
     * under a temporary name, flushed to disk, then renamed over it, so that the server reads either file whole.
     */
    static void rewriteTrust(Path hba) throws IOException {
        List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            Matcher method = methodField(line);
            text.append(method == null ? line
                    : line.substring(0, method.start(1)) + METHOD + line.substring(method.end(1))).append('\n');
        }
        Path temporary = hba.resolveSibling(hba.getFileName() + ".retort-tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ownerOnly())) {
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temporary, hba, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The method field of a record of pg_hba.conf if it is {@code trust}, else null: the fourth field of a
     * {@code local} record; of a {@code host…} one, the fifth, or the sixth when an IP address is followed by a
     * separate mask.
     */
    private static Matcher methodField(String line) {
        if (!RECORD.matcher(line).matches()) {
            return null;
        }
        Matcher field = FIELD.matcher(line);
        List<String> fields = new ArrayList<>();
        while (fields.size() < 6 && field.find()) {
            fields.add(field.group(1));
        }
        int method = 3;
        if (!fields.get(0).equals("local")) {
            boolean separateMask = fields.size() > 5 && !fields.get(3).contains("/")
                    && IP_ADDRESS.matcher(fields.get(3)).matches() && IP_ADDRESS.matcher(fields.get(4)).matches();
            method = separateMask ? 5 : 4;
        }
        if (fields.size() <= method || !fields.get(method).equals("trust")) {
            return null;
        }
        // The matcher left on the method's field, for its place in the line.
        field.reset();
        for (int i = 0; i <= method; i++) {
            field.find();
        }
        return field;
    }
}
