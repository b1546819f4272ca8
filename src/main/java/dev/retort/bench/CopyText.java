package dev.retort.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.LongConsumer;

/** Rows generated in Java, streamed into one {@code COPY … FROM STDIN} as text, in writes of about 256 KB. */
final class CopyText {

    private static final int FLUSH_CHARS = 256 * 1024;

    /** Appends row {@code n} to the text as one line, or nothing when the row is not to be copied. */
    @FunctionalInterface
    interface Rows {
        void append(long n, StringBuilder text);
    }

    private CopyText() {
    }

    /**
     * Runs {@code copySql} and streams rows {@code first} to {@code last} into it; after each write,
     * {@code written} hears how many row numbers the write covered (for progress). A failure cancels the COPY.
     */
    static void copy(Connection connection, String copySql, long first, long last, Rows rows, LongConsumer written)
            throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
        try {
            StringBuilder text = new StringBuilder(FLUSH_CHARS + 4096);
            long pending = 0;
            for (long n = first; n <= last; n++) {
                rows.append(n, text);
                pending++;
                if (text.length() >= FLUSH_CHARS) {
                    write(copy, text);
                    written.accept(pending);
                    pending = 0;
                }
            }
            write(copy, text);
            copy.endCopy();
            written.accept(pending);
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, StringBuilder text) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
    }
}
