package dev.retort.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * libpq's other spelling of a database, {@code host=db port=5432 dbname=app user=me password='a b'}, as psql takes
 * it, rewritten as the {@code postgresql://} URL that says the same, so that {@link ConnectionUrl} reads both alike.
 *
 * <p>The syntax is libpq's: {@code keyword = value} pairs separated by spaces, a value either single-quoted (with
 * {@code \'} and {@code \\} inside) or running to the next space (a backslash escaping the next character).
 * Keywords other than host, hostaddr, port, dbname, user and password go on as query parameters, as the URL
 * spelling would carry them.
 */
final class KeywordConninfo {

    private static final Pattern LOOKS_LIKE_ONE = Pattern.compile("\\s*[A-Za-z_]+\\s*=.*", Pattern.DOTALL);
    private static final Pattern KEYWORD_SHAPE = Pattern.compile("[A-Za-z_]{1,40}");
    /** libpq's keywords (PostgreSQL 18); any other is refused, as libpq refuses it. */
    private static final Set<String> KEYWORDS = Set.of("host", "hostaddr", "port", "dbname", "user", "password",
            "passfile", "require_auth", "channel_binding", "connect_timeout", "client_encoding", "options",
            "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode", "sslnegotiation",
            "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir",
            "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib",
            "gssdelegation", "service", "target_session_attrs", "load_balance_hosts",
            // PostgreSQL 18's
            "min_protocol_version", "max_protocol_version", "sslkeylogfile", "oauth_issuer", "oauth_client_id",
            "oauth_client_secret", "oauth_scope");

    /** libpq keywords that pgjdbc would ignore without a word, and what to write instead. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "service", "Retort does not read pg_service.conf: give host, port, dbname and user instead of service",
            "passfile", "give the password file in PGPASSFILE instead of passfile");

    private KeywordConninfo() {
    }

    /** The URL {@code given} stands for, if it is written in the keyword spelling; else empty. */
    static Optional<String> asUrl(String given) {
        if (!LOOKS_LIKE_ONE.matcher(given).matches()) {
            return Optional.empty();
        }
        Map<String, String> pairs = pairs(given);
        for (String keyword : pairs.keySet()) {
            if (UNSUPPORTED.containsKey(keyword)) {
                throw invalid(given, UNSUPPORTED.get(keyword));
            }
            if (!KEYWORDS.contains(keyword)) {
                throw invalid(given, named(keyword) + " is not one of libpq's keywords (host, port, dbname, user, "
                        + "password, sslmode, …)");
            }
        }
        String host = pairs.containsKey("host") ? pairs.remove("host") : pairs.remove("hostaddr");
        pairs.remove("hostaddr");
        String user = pairs.remove("user");
        String password = pairs.remove("password");
        StringBuilder url = new StringBuilder("postgresql://");
        if (user != null || password != null) {
            url.append(user == null ? "" : encoded(user));
            url.append(password == null ? "" : ":" + encoded(password)).append('@');
        }
        if (host != null && host.startsWith("/")) {
            pairs.put("host", host); // a socket directory, which ConnectionUrl explains it cannot use
        } else {
            url.append(hostsWithPorts(host == null ? "localhost" : host, pairs.remove("port"), given));
        }
        // As in libpq, the database is named after the user unless dbname says otherwise.
        String database = pairs.containsKey("dbname") ? pairs.remove("dbname") : user;
        url.append('/').append(encoded(database == null ? "" : database));
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        pairs.forEach((keyword, value) -> query.add(encoded(keyword) + "=" + encoded(value)));
        return Optional.of(url.append(query).toString());
    }

    /** {@code a,b} and {@code 5432,5433} as {@code a:5432,b:5433}; one port serves every host, as in libpq. */
    private static String hostsWithPorts(String hosts, String ports, String given) {
        String[] hostList = hosts.split(",", -1);
        String[] portList = ports == null ? new String[0] : ports.split(",", -1);
        if (portList.length > 1 && portList.length != hostList.length) {
            throw invalid(given, portList.length + " ports for " + hostList.length + " hosts: give one port for all, "
                    + "or one for each host");
        }
        StringJoiner joined = new StringJoiner(",");
        for (int i = 0; i < hostList.length; i++) {
            String host = hostList[i].contains(":") ? "[" + hostList[i] + "]" : hostList[i];
            String port = portList.length == 0 ? "" : portList[portList.length == 1 ? 0 : i];
            joined.add(port.isEmpty() ? host : host + ":" + port);
        }
        return joined.toString();
    }

    /**
     * The error for a keyword string that cannot be used: what is wrong, and not the string, as psql does. A password
     * may stand anywhere in it: under a misspelt keyword ({@code pwd=…}), or cut by a stray quote.
     */
    static InvalidUrlException invalid(String given, String problem) {
        return new InvalidUrlException("Invalid connection string: " + problem + ".", problem);
    }

    /** The keyword, quoted, when it reads as one; else a word that may be a piece of a value, not to be shown. */
    private static String named(String keyword) {
        return KEYWORD_SHAPE.matcher(keyword).matches() ? "'" + keyword + "'" : "a word";
    }

    /** The keyword = value pairs in order; a keyword given twice keeps its last value, as in libpq. */
    private static Map<String, String> pairs(String given) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        int length = given.length();
        while (true) {
            while (i < length && Character.isWhitespace(given.charAt(i))) {
                i++;
            }
            if (i == length) {
                return pairs;
            }
            int keywordStart = i;
            while (i < length && given.charAt(i) != '=' && !Character.isWhitespace(given.charAt(i))) {
                i++;
            }
            String keyword = given.substring(keywordStart, i);
            while (i < length && Character.isWhitespace(given.charAt(i))) {
                i++;
            }
            if (i == length || given.charAt(i) != '=') {
                throw invalid(given, named(keyword) + " has no value (write keyword=value pairs, e.g. "
                        + "host=db.example.com dbname=app user=me; a quote inside a quoted value is \\')");
            }
            i++;
            while (i < length && Character.isWhitespace(given.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < length && given.charAt(i) == '\'') {
                i++;
                while (i < length && given.charAt(i) != '\'') {
                    i = appendEscaped(given, i, value);
                }
                if (i == length) {
                    throw invalid(given, "the value of " + named(keyword) + " has no closing quote (write a "
                            + "quote inside one as \\')");
                }
                i++;
            } else {
                while (i < length && !Character.isWhitespace(given.charAt(i))) {
                    i = appendEscaped(given, i, value);
                }
            }
            pairs.put(keyword, value.toString());
        }
    }

    /**
     * Appends the character at {@code i}, or the one a backslash there escapes; returns where the next one is. A
     * backslash that ends the string escapes nothing and is dropped, as libpq drops it.
     */
    private static int appendEscaped(String given, int i, StringBuilder value) {
        if (given.charAt(i) == '\\') {
            if (i + 1 < given.length()) {
                value.append(given.charAt(i + 1));
            }
            return Math.min(i + 2, given.length());
        }
        value.append(given.charAt(i));
        return i + 1;
    }

    /** Percent-encoded as a URL's user, password, path or query wants it (a space as %20, not +). */
    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
