package dev.retort.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Collects the statements a revision would execute, without any database: for checksums and offline SQL. */
public final class RecordingContext implements MigrationContext {

    private final List<String> statements = new ArrayList<>();

    @Override
    public void execute(String sql) {
        statements.add(sql.strip());
    }

    public List<String> statements() {
        return List.copyOf(statements);
    }

    public static List<String> statementsOf(Step step) {
        RecordingContext recorder = new RecordingContext();
        step.applyTo(recorder);
        return recorder.statements();
    }

    /**
     * SHA-256 of the step's statements, so that a later edit of a revision that already ran can be detected. Of the
     * statements as Retort shows them, passwords masked ({@link SqlText#withoutSecrets}): the checksum is stored in
     * retort_history, which more roles may read than may see a password, and a hash of a statement whose every other
     * word is in the project's source would let them try passwords offline until one matched.
     */
    public static String checksumOf(Step step) {
        return checksumOf(statementsOf(step));
    }

    /** {@link #checksumOf(Step)} of statements already recorded by {@link #statementsOf}. */
    public static String checksumOf(List<String> statements) {
        return sha256(statements.stream().map(SqlText::withoutSecrets).toList());
    }

    /**
     * The checksum that Retort stored before it masked passwords: the same as {@link #checksumOf(List)} unless the
     * statements hold one. Only to recognise those rows, never to write one.
     */
    static String unmaskedChecksumOf(List<String> statements) {
        return sha256(statements);
    }

    private static String sha256(List<String> statements) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String statement : statements) {
                digest.update(statement.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
