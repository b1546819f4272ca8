package dev.retort.cli;

import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database as the user names it ({@code --url} or {@code DATABASE_URL}), read once and turned into what pgjdbc
 * needs.
 *
 * <p>Two spellings are accepted: pgjdbc's {@code jdbc:postgresql://host:port/db?user=u&password=p&…} and libpq's
 * {@code postgresql://user:password@host:port/db?…} (also {@code postgres://}, as Heroku writes
 * {@code DATABASE_URL}, and SQLAlchemy's {@code postgresql+psycopg2://} and {@code postgresql+psycopg://}, as an
 * Alembic project's application may), with a percent-encoded user and password, 5432 as the default port, IPv6
 * hosts in brackets and several hosts separated by commas. Query parameters go through to pgjdbc; the libpq names that
 * pgjdbc spells differently are renamed, and the libpq parameters that would make a connection safer but that pgjdbc
 * cannot honour are refused. {@code sslmode=require} checks the server's certificate when there is a root
 * certificate, as libpq does. libpq's keyword spelling, {@code host=… dbname=… user=…}, is read as the
 * URL it stands for ({@link KeywordConninfo}).
 *
 * <p>The password is kept apart: {@link #jdbcUrl()} never holds the user or password, {@link #toString()} is the
 * masked URL, and an {@link InvalidUrlException} never repeats it, so printing any of them is safe.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database?…}, without user or password
 * @param user     the user, or null when the URL names none (pgjdbc then uses the operating system's user name)
 * @param password the password, or null when the URL has none
 * @param masked   the URL as the user gave it, with the password replaced by {@code ***}
 */
public record ConnectionUrl(String jdbcUrl, String user, String password, String masked) {

    static final String EXAMPLES =
            "give postgresql://user:password@host:5432/database or jdbc:postgresql://host:5432/database";
    static final int DEFAULT_PORT = 5432;
    /** Long enough for a database across the world, short enough that an unreachable host fails in bounded time. */
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

    /**
     * SQLAlchemy's spelling for the libpq drivers, {@code postgresql+psycopg2://} and {@code postgresql+psycopg://},
     * is libpq's URL with the driver named: the same query parameters, so a DATABASE_URL an Alembic project's
     * application uses serves as it is.
     */
    private static final Pattern PREFIX =
            Pattern.compile("(?i)(jdbc:postgresql|postgres(?:ql)?(?:\\+psycopg2?)?)://(.*)");
    /** SQLAlchemy's spelling for another driver (asyncpg, pg8000), whose query parameters are not libpq's. */
    private static final Pattern OTHER_DRIVER = Pattern.compile("(?i)postgres(?:ql)?\\+([a-z0-9_]+)://.*");
    private static final Pattern OTHER_SCHEME = Pattern.compile("(?i)(jdbc:)?[a-z][a-z0-9+.-]*://.*");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    /** libpq's way to name a socket directory: {@code postgresql:///db?host=/var/run/postgresql}. */
    private static final Pattern UNIX_SOCKET_HOST = Pattern.compile("[?&]host=(/|%2F)", Pattern.CASE_INSENSITIVE);
    /** What libpq and pgjdbc accept; anything else would only fail later, at connect time, as exit 4. */
    private static final List<String> SSL_MODES =
            List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Timeouts in whole seconds, by their libpq and pgjdbc names; pgjdbc would refuse anything else at connect time. */
    private static final List<String> TIMEOUT_PARAMETERS = List.of("connect_timeout", "connectTimeout",
            "socketTimeout", "loginTimeout");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}");
    /** The libpq parameters pgjdbc knows under another name. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.of(
            "application_name", PGProperty.APPLICATION_NAME.getName(),
            "connect_timeout", PGProperty.CONNECT_TIMEOUT.getName());
    /**
     * libpq's names for what pgjdbc knows under another name and that guards the connection: renamed in either
     * spelling, since pgjdbc ignores a name it does not know without a word, and {@code channel_binding=require}
     * would then let a server in the middle go unnoticed.
     */
    private static final Map<String, String> LIBPQ_SECURITY_TO_PGJDBC = Map.of(
            "channel_binding", PGProperty.CHANNEL_BINDING.getName(),
            "gssencmode", PGProperty.GSS_ENC_MODE.getName(),
            "sslnegotiation", PGProperty.SSL_NEGOTIATION.getName());
    /**
     * libpq's {@code target_session_attrs}, which picks the server of a multi-host URL (the primary of a failover
     * pair, say), as pgjdbc's {@code targetServerType}: pgjdbc ignores the libpq name without a word, and a migration
     * would then run on whichever host answered first, a standby included.
     */
    private static final Map<String, String> TARGET_SESSION_ATTRS = Map.of(
            "any", "any", "read-write", "primary", "primary", "primary", "read-only", "secondary",
            "standby", "secondary", "prefer-standby", "preferSecondary");

    /**
     * libpq's parameters that make a connection stricter and that pgjdbc cannot honour: refused, rather than a
     * connection made without what they ask (the value that asks it, or null for any), and why.
     */
    private static final Map<String, Map.Entry<String, String>> UNHONOURED = Map.of(
            "require_auth", Map.entry("", "pgjdbc cannot limit the authentication methods it accepts"),
            "sslcrl", Map.entry("", "pgjdbc reads no certificate revocation list"),
            "sslcrldir", Map.entry("", "pgjdbc reads no certificate revocation list"),
            "sslcertmode", Map.entry("require", "pgjdbc cannot require the server to ask for a client certificate"),
            "ssl_min_protocol_version", Map.entry("TLSv1.3", "pgjdbc takes Java's TLS versions (1.2 and 1.3)"),
            // libpq 16's word for the system's certificate store: pgjdbc would look for a file named "system".
            "sslrootcert", Map.entry("system", "pgjdbc knows no system certificate store by that name: give the "
                    + "root certificate's file, e.g. sslrootcert=/etc/ssl/certs/ca-certificates.crt"));

    public ConnectionUrl {
        if (jdbcUrl == null || masked == null) {
            throw new IllegalArgumentException("jdbcUrl and masked are required");
        }
    }

    /** Reads a URL in either spelling; anything else is an {@link InvalidUrlException} that says what would work. */
    public static ConnectionUrl parse(String text) {
        String given = text == null ? "" : text.strip();
        Matcher prefix = PREFIX.matcher(given);
        if (!prefix.matches()) {
            Optional<String> url = KeywordConninfo.asUrl(given);
            if (url.isPresent()) {
                try {
                    return parse(url.get());
                } catch (InvalidUrlException e) {
                    // Told against what the user wrote, not the URL made of it.
                    throw KeywordConninfo.invalid(given, e.problem());
                }
            }
            throw invalid(given, schemeProblem(given));
        }
        boolean jdbc = prefix.group(1).equalsIgnoreCase("jdbc:postgresql");
        int restStart = prefix.start(2);
        int authorityEnd = firstOf(given, "/?", restStart);
        int at = given.lastIndexOf('@', authorityEnd - 1);
        boolean hasUserInfo = at >= restStart;
        int queryStart = firstOf(given, "?", authorityEnd);
        if (given.substring(authorityEnd, queryStart).contains("@")) {
            throw invalid(given, "a / in the user or password must be written %2F");
        }
        String authority = given.substring(hasUserInfo ? at + 1 : restStart, authorityEnd);
        if (authority.isEmpty() && UNIX_SOCKET_HOST.matcher(given.substring(queryStart)).find()) {
            throw invalid(given, "it names a Unix-domain socket (host=/…), and pgjdbc connects over TCP only: give "
                    + "the server's host name and port, e.g. localhost:5432");
        }
        String hosts = hostList(authority, given);
        String database = database(given.substring(authorityEnd, queryStart), jdbc, given);
        Query query = Query.parse(given.substring(Math.min(queryStart + 1, given.length())), jdbc, given);

        Credentials credentials = hasUserInfo ? Credentials.of(given.substring(restStart, at), given)
                : new Credentials(null, null);
        String user = query.user() != null ? query.user() : credentials.user();
        String password = query.password() != null ? query.password() : credentials.password();
        String masked = hasUserInfo && credentials.password() != null
                ? given.substring(0, given.indexOf(':', restStart) + 1) + "***" + given.substring(at) : given;
        return new ConnectionUrl("jdbc:postgresql://" + hosts + "/" + database + query.passedOn(), user, password,
                PasswordMask.queryPasswords(masked));
    }

    /**
     * A data source for this database: the application name shows in {@code pg_stat_activity} and the connect
     * timeout is {@value #DEFAULT_CONNECT_TIMEOUT_SECONDS} s, and the server is taken to be 9.0 or newer, unless the
     * URL sets any of them itself.
     */
    public PGSimpleDataSource dataSource(String applicationName) {
        PGSimpleDataSource dataSource = new DirectDataSource();
        dataSource.setURL(jdbcUrl);
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        if (!setsParameter(PGProperty.APPLICATION_NAME)) {
            dataSource.setApplicationName(applicationName);
        }
        if (!setsParameter(PGProperty.CONNECT_TIMEOUT)) {
            dataSource.setConnectTimeout(DEFAULT_CONNECT_TIMEOUT_SECONDS);
        }
        if ("require".equals(dataSource.getSslMode()) && rootCertificateExists(dataSource.getSslRootCert())) {
            // libpq checks the server's certificate against a root certificate when there is one, even at require
            // (as verify-ca); pgjdbc at require never checks it. A psql user's URL must not check less here.
            dataSource.setSslMode("verify-ca");
        }
        if (!setsParameter(PGProperty.ASSUME_MIN_SERVER_VERSION)) {
            // Any server since 9.0 takes application_name in the startup packet; unless told so, pgjdbc sends it in
            // a SET after connecting instead, one more round trip on every connection.
            dataSource.setAssumeMinServerVersion("9.0");
        }
        return dataSource;
    }

    /**
     * Whether the root certificate that pgjdbc would read exists: {@code sslrootcert}, or else pgjdbc's default,
     * {@code ~/.postgresql/root.crt}, as libpq's.
     */
    private static boolean rootCertificateExists(String sslRootCert) {
        String path = sslRootCert != null ? sslRootCert
                : Path.of(System.getProperty("user.home"), ".postgresql", "root.crt").toString();
        return Files.isRegularFile(Path.of(path));
    }

    /**
     * A libpq environment variable for what guards a connection ({@code PGSSLMODE}), the URL parameter it stands for
     * ({@code sslmode}), and every name under which a URL sets that parameter already, pgjdbc's included: the URL's
     * own wins, as in psql. pgjdbc's {@code ssl=true} (or a bare {@code ssl}) is {@code sslmode=verify-full} unless an
     * sslmode is set, so a PGSSLMODE added to it would only lower it.
     */
    private record SecurityVariable(String name, String parameter, List<String> setBy) {

        static SecurityVariable of(String name, String parameter, String... pgjdbcNames) {
            List<String> setBy = new ArrayList<>(List.of(parameter));
            setBy.addAll(List.of(pgjdbcNames));
            return new SecurityVariable(name, parameter, List.copyOf(setBy));
        }
    }

    /**
     * Every libpq variable for a parameter this class honours under another name or refuses: psql honours them, so a
     * user who sets {@code PGSSLMODE=verify-full} expects Retort to, rather than connect at pgjdbc's default,
     * {@code prefer}, which checks no certificate; and one whose parameter is refused is refused as well.
     */
    private static final List<SecurityVariable> SECURITY_VARIABLES = List.of(
            SecurityVariable.of("PGSSLMODE", "sslmode", PGProperty.SSL.getName()),
            SecurityVariable.of("PGSSLROOTCERT", "sslrootcert"),
            SecurityVariable.of("PGSSLCERT", "sslcert"),
            SecurityVariable.of("PGSSLKEY", "sslkey"),
            SecurityVariable.of("PGCHANNELBINDING", "channel_binding", PGProperty.CHANNEL_BINDING.getName()),
            SecurityVariable.of("PGGSSENCMODE", "gssencmode", PGProperty.GSS_ENC_MODE.getName()),
            SecurityVariable.of("PGSSLNEGOTIATION", "sslnegotiation", PGProperty.SSL_NEGOTIATION.getName()),
            SecurityVariable.of("PGTARGETSESSIONATTRS", "target_session_attrs",
                    PGProperty.TARGET_SERVER_TYPE.getName()),
            SecurityVariable.of("PGREQUIREAUTH", "require_auth"),
            SecurityVariable.of("PGSSLCRL", "sslcrl"),
            SecurityVariable.of("PGSSLCRLDIR", "sslcrldir"),
            SecurityVariable.of("PGSSLCERTMODE", "sslcertmode"),
            SecurityVariable.of("PGSSLMINPROTOCOLVERSION", "ssl_min_protocol_version"));

    /**
     * The URL a command uses: {@code given} read, its password from {@code PGPASSWORD} when it names none, and
     * libpq's {@code PGSSLMODE}, {@code PGSSLROOTCERT} and the like ({@link #SECURITY_VARIABLES}) for what it does
     * not set itself, as psql takes them; checked as if the URL had said them.
     */
    static ConnectionUrl fromEnvironment(String given, Map<String, String> environment) {
        ConnectionUrl url = parse(given).withPasswordIfAbsent(environment.get("PGPASSWORD"));
        StringJoiner added = new StringJoiner("&");
        for (SecurityVariable variable : SECURITY_VARIABLES) {
            String value = environment.get(variable.name());
            if (value != null && !value.isEmpty() && variable.setBy().stream().noneMatch(url::setsParameter)) {
                // %20, not URLEncoder's '+': a URI's query, read as libpq reads it, keeps a '+' as it is.
                String parameter = variable.parameter() + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
                try {
                    // Read as a URL of its own (host and database are url's), so the checks and renames are the
                    // same; one variable at a time, so that the error names the one to fix.
                    parse("postgresql://h/d?" + parameter);
                } catch (InvalidUrlException e) {
                    throw new InvalidUrlException(variable.name() + " in the environment: " + e.problem() + ".",
                            e.problem());
                }
                added.add(parameter);
            }
        }
        if (added.length() == 0) {
            return url;
        }
        ConnectionUrl withVariables = parse("postgresql://h/d?" + added);
        String parameters = withVariables.jdbcUrl().substring(withVariables.jdbcUrl().indexOf('?') + 1);
        String jdbc = url.jdbcUrl() + (url.jdbcUrl().contains("?") ? "&" : "?") + parameters;
        return new ConnectionUrl(jdbc, url.user(), url.password(), url.masked());
    }

    /** This URL with {@code password} when it names none itself: how {@code PGPASSWORD} is honoured. */
    public ConnectionUrl withPasswordIfAbsent(String fallback) {
        return password != null || fallback == null || fallback.isEmpty()
                ? this : new ConnectionUrl(jdbcUrl, user, fallback, masked);
    }

    /** The masked URL, so that logging the record never shows the password. */
    @Override
    public String toString() {
        return masked;
    }

    /**
     * Written out, as the record's own would be: the generated one is linked through method handles on its first
     * call, which cost a command about 10 ms of start-up when {@link EarlyConnection} compares two URLs.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionUrl that && Objects.equals(jdbcUrl, that.jdbcUrl)
                && Objects.equals(user, that.user) && Objects.equals(password, that.password)
                && Objects.equals(masked, that.masked);
    }

    @Override
    public int hashCode() {
        return Objects.hash(jdbcUrl, user, password, masked);
    }

    private static String schemeProblem(String given) {
        if (given.isEmpty()) {
            return "it is empty";
        }
        if (given.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
            return "the host must follow jdbc:postgresql://";
        }
        Matcher driver = OTHER_DRIVER.matcher(given);
        if (driver.matches()) {
            // Its parameters mean other things: asyncpg's ssl=require encrypts without checking the certificate,
            // where pgjdbc's ssl=require checks it. Dropping the driver's name is the user's to decide.
            return "that is SQLAlchemy's spelling for the " + driver.group(1) + " driver, whose query parameters are "
                    + "not libpq's; write it postgresql://… without +" + driver.group(1) + ", with libpq's parameters "
                    + "(sslmode=…)";
        }
        return OTHER_SCHEME.matcher(given).matches() ? "Retort speaks to PostgreSQL" : "it is not a URL";
    }

    private boolean setsParameter(PGProperty property) {
        return setsParameter(property.getName());
    }

    /** Whether the URL sets {@code name}, to a value or bare ({@code ?ssl}, which pgjdbc takes as true). */
    private boolean setsParameter(String name) {
        return Pattern.compile("[?&]" + Pattern.quote(name) + "(?:[=&]|$)").matcher(jdbcUrl).find();
    }

    /** {@code host:port} for each host (comma-separated), the port filled in, checked; pgjdbc writes them alike. */
    private static String hostList(String hosts, String given) {
        StringJoiner list = new StringJoiner(",");
        for (String spec : hosts.split(",", -1)) {
            boolean bracketed = spec.startsWith("[");
            int portColon = bracketed ? spec.indexOf(':', Math.max(spec.indexOf(']'), 0)) : spec.indexOf(':');
            String host = portColon < 0 ? spec : spec.substring(0, portColon);
            String port = portColon < 0 ? null : spec.substring(portColon + 1);
            if (!bracketed && port != null && port.contains(":")) {
                throw invalid(given, "an IPv6 address goes in brackets, as in [::1]:5432");
            }
            if (host.isEmpty()) {
                throw invalid(given, "it names no host");
            }
            if (bracketed && !host.endsWith("]")) {
                throw invalid(given, "an IPv6 address lacks its closing ]");
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw invalid(given, "the host is not a host name, nor an IPv6 address in brackets");
            }
            list.add(host + ":" + port(port, given));
        }
        return list.toString();
    }

    private static int port(String port, String given) {
        if (port == null) {
            return DEFAULT_PORT;
        }
        int number = PORT.matcher(port).matches() ? Integer.parseInt(port) : 0;
        if (number < 1 || number > 65535) {
            throw invalid(given, "the port is not a number from 1 to 65535");
        }
        return number;
    }

    /** The database name as pgjdbc reads it (URL-decoded); libpq's percent-encoding is translated into that. */
    private static String database(String path, boolean jdbc, String given) {
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (name.isEmpty()) {
            throw invalid(given, "it names no database");
        }
        return jdbc ? name : URLEncoder.encode(percentDecoded(name, given), StandardCharsets.UTF_8);
    }

    /** The user and password of {@code user:password@}, percent-decoded; an empty one counts as none. */
    private record Credentials(String user, String password) {
        static Credentials of(String userInfo, String given) {
            int colon = userInfo.indexOf(':');
            String user = percentDecoded(colon < 0 ? userInfo : userInfo.substring(0, colon), given);
            String password = colon < 0 ? "" : percentDecoded(userInfo.substring(colon + 1), given);
            return new Credentials(user.isEmpty() ? null : user, password.isEmpty() ? null : password);
        }
    }

    /**
     * The query string: {@code user} and {@code password} taken out, libpq names renamed, the rest passed on
     * as written.
     *
     * @param passedOn {@code ?a=1&b=2}, or empty
     */
    private record Query(String user, String password, String passedOn) {
        static Query parse(String query, boolean jdbc, String given) {
            String user = null;
            String password = null;
            List<String> passedOn = new ArrayList<>();
            for (String written : query.isEmpty() ? new String[0] : query.split("&")) {
                // libpq reads a + as itself, pgjdbc as a space (application_name=a+b, a path with a + in it).
                String parameter = jdbc ? written : written.replace("+", "%2B");
                int equals = parameter.indexOf('=');
                String name = decoded(equals < 0 ? parameter : parameter.substring(0, equals), jdbc, given);
                String value = decoded(equals < 0 ? "" : parameter.substring(equals + 1), jdbc, given);
                if (name.equals("sslmode") && !SSL_MODES.contains(value)) {
                    throw invalid(given, "sslmode must be one of " + String.join(", ", SSL_MODES));
                }
                if (TIMEOUT_PARAMETERS.contains(name) && !SECONDS.matcher(value).matches()) {
                    throw invalid(given, name + " must be a whole number of seconds, e.g. " + name + "=10");
                }
                Map.Entry<String, String> unhonoured = UNHONOURED.get(name);
                if (unhonoured != null
                        && (unhonoured.getKey().isEmpty() || unhonoured.getKey().equalsIgnoreCase(value))) {
                    throw invalid(given, name + (unhonoured.getKey().isEmpty() ? "" : "=" + unhonoured.getKey())
                            + " cannot be honoured: " + unhonoured.getValue() + ", and Retort will not connect "
                            + "without what it asks; leave it out to connect all the same");
                }
                if (name.equals("target_session_attrs")) {
                    passedOn.add(PGProperty.TARGET_SERVER_TYPE.getName() + "=" + targetServerType(value, given));
                } else if (name.equals("user")) {
                    user = value;
                } else if (name.equals("password")) {
                    password = value;
                } else if (LIBPQ_SECURITY_TO_PGJDBC.containsKey(name)) {
                    passedOn.add(LIBPQ_SECURITY_TO_PGJDBC.get(name) + (equals < 0 ? "" : parameter.substring(equals)));
                } else if (!jdbc && LIBPQ_TO_PGJDBC.containsKey(name)) {
                    passedOn.add(LIBPQ_TO_PGJDBC.get(name) + (equals < 0 ? "" : parameter.substring(equals)));
                } else if (!parameter.isEmpty()) {
                    passedOn.add(parameter);
                }
            }
            return new Query(user, password, passedOn.isEmpty() ? "" : "?" + String.join("&", passedOn));
        }

        private static String targetServerType(String targetSessionAttrs, String given) {
            String type = TARGET_SESSION_ATTRS.get(targetSessionAttrs);
            if (type == null) {
                throw invalid(given, "target_session_attrs must be one of any, read-write, read-only, primary, "
                        + "standby, prefer-standby");
            }
            return type;
        }

        /** Query values decoded as the spelling's own reader does: pgjdbc turns + into a space, libpq does not. */
        private static String decoded(String text, boolean jdbc, String given) {
            if (!jdbc) {
                return percentDecoded(text, given);
            }
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid(given, "a query parameter has a broken %-escape");
            }
        }
    }

    /** RFC 3986 percent-decoding, where + stays a plus (URLDecoder alone would make it a space). */
    private static String percentDecoded(String text, String given) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(given, "it has a broken %-escape (write % as %25)");
        }
    }

    private static int firstOf(String text, String characters, int from) {
        for (int i = from; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /**
     * The error for a URL that cannot be read. The URL is repeated with everything between {@code //} and the last
     * {@code @} hidden: it may not have parsed, so the password's exact place is not known. For the same reason
     * the problem never quotes a piece of the URL: a "port" may be half of a password.
     */
    private static InvalidUrlException invalid(String given, String problem) {
        String shown = PasswordMask.keywordPasswords(PasswordMask.queryPasswords(given));
        int start = shown.indexOf("//") < 0 ? 0 : shown.indexOf("//") + 2;
        int at = shown.lastIndexOf('@');
        if (at >= start) {
            shown = shown.substring(0, start) + "***" + shown.substring(at);
        }
        shown = shown.replaceAll("\\R", " ");
        return new InvalidUrlException("Invalid database URL '" + shown + "': " + problem + "; " + EXAMPLES + ".",
                problem);
    }
}
