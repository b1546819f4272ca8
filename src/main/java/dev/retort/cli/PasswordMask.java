package dev.retort.cli;

import dev.retort.engine.SqlText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes passwords out of text before it is printed: the one thing Retort must never show. Our own messages are
 * built from masked URLs; this is for the text we did not write (the driver's, the server's, stack traces).
 */
final class PasswordMask {

    /** {@code password=…} in a query string (also pgjdbc's {@code sslpassword}), up to the next parameter. */
    private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&](?:ssl)?password=)[^&\\s]*");
    /** The same in free text, unless masked already: a masked one must keep the punctuation after it. */
    private static final Pattern UNMASKED_QUERY_PASSWORD =
            Pattern.compile("(?i)([?&](?:ssl)?password=)(?!\\*\\*\\*)[^&\\s]*");
    /** {@code ://user:password@} in free text; the password runs to the last {@code @} before a path or a space. */
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^\\s/?#@:]*:)[^\\s/?#]*@");

    /**
     * {@code password=…} in libpq's keyword spelling: a quoted value, or up to the next space that no backslash
     * escapes. Masking a masked one again changes nothing.
     */
    private static final Pattern KEYWORD_PASSWORD =
            Pattern.compile("(?i)(?<![\\w?&])((?:ssl)?password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|(?:\\\\.|[^\\s\\\\])*)");

    private PasswordMask() {
    }

    /** Text that may hold libpq's {@code password=…} keyword, with its value replaced by {@code ***}. */
    static String keywordPasswords(String text) {
        return KEYWORD_PASSWORD.matcher(text).replaceAll("$1***");
    }

    /** A URL, or what was meant as one, with every {@code password=} value replaced by {@code ***}. */
    static String queryPasswords(String url) {
        return QUERY_PASSWORD.matcher(url).replaceAll("$1***");
    }

    /**
     * The text with the URL's password taken out: as given, percent-encoded, and wherever a URL or a
     * {@code password=} parameter shows one; and a revision's passwords, as {@link SqlText#withoutSecrets} finds
     * them. For messages from the driver or the server before they are printed.
     * The password is taken out where it stands as a whole word, not inside other words: a password such as
     * {@code postgres} must not turn {@code postgresql://} into {@code ***ql://}.
     *
     * @param url the URL in use, or null when there is none (URL-shaped passwords are still taken out)
     */
    static String mask(String text, ConnectionUrl url) {
        if (text == null) {
            return null;
        }
        String masked = text;
        if (url != null && url.password() != null && !url.password().isEmpty()) {
            String encoded = URLEncoder.encode(url.password(), StandardCharsets.UTF_8);
            for (String form : List.of(url.password(), encoded, encoded.replace("+", "%20"))) {
                masked = Pattern.compile("(?<![\\p{Alnum}])" + Pattern.quote(form) + "(?![\\p{Alnum}])")
                        .matcher(masked).replaceAll("***");
            }
        }
        masked = USERINFO_PASSWORD.matcher(masked).replaceAll("$1***@");
        // A revision's own passwords too (PASSWORD '…' of a role, a user mapping's): the driver's messages and a
        // stack trace may quote its statement.
        return SqlText.withoutSecrets(keywordPasswords(UNMASKED_QUERY_PASSWORD.matcher(masked).replaceAll("$1***")));
    }
}
