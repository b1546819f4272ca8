package dev.retort.cli;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * The charset Retort's text goes out in: the locale's, except under the C or POSIX locale, which is no locale at all
 * (most slim containers, many CI runners). There Java 17 writes ASCII, and every character beyond it, the "…" that
 * ends a shortened statement included, comes out as "?", which reads as part of the SQL. So there Retort writes
 * UTF-8, as psql and git pass it through and as Python does in that locale (PEP 538): the terminal or log that reads
 * it is UTF-8 almost everywhere, and in the few that are not, the ASCII part still reads the same.
 */
final class ConsoleCharset {

    private ConsoleCharset() {
    }

    /** For a locale whose encoding Java names {@code nativeEncoding} (e.g. {@code ANSI_X3.4-1968} under C). */
    static Charset forLocaleEncoding(String nativeEncoding) {
        Charset locale = charset(nativeEncoding);
        return locale.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : locale;
    }

    /**
     * Makes picocli's writers, which stdout and stderr reach Retort's text through, use {@link #forLocaleEncoding}'s
     * charset for this JVM's locale, unless the user chose one ({@code -Dsun.stdout.encoding}).
     */
    static void applyToPicocli() {
        String nativeEncoding = System.getProperty("native.encoding");
        for (String stream : new String[] {"sun.stdout.encoding", "sun.stderr.encoding"}) {
            System.setProperty(stream, forStream(System.getProperty(stream), nativeEncoding));
        }
    }

    /**
     * The encoding for a stream whose {@code sun.std*.encoding} is {@code streamEncoding}. Java 17 sets that property
     * itself, to the locale's encoding, when the stream is a terminal: so only one that differs from the locale's was
     * the user's choice and is kept. Otherwise an interactive shell under the C locale, the very case this is for,
     * would still get ASCII.
     */
    static String forStream(String streamEncoding, String nativeEncoding) {
        return streamEncoding == null || streamEncoding.equals(nativeEncoding)
                ? forLocaleEncoding(nativeEncoding).name() : streamEncoding;
    }

    private static Charset charset(String name) {
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return Charset.defaultCharset();
        }
    }
}
