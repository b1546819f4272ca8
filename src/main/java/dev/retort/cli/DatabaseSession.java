package dev.retort.cli;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The database a command works on: the server named by {@code --url} or {@code DATABASE_URL}, or else the
 * embedded PostgreSQL, started only when a command first needs it and stopped when the command ends.
 */
final class DatabaseSession implements AutoCloseable {

    static final String APPLICATION_NAME = "retort";

    private final ConnectionUrl url;
    private final Path home;
    private final Duration embeddedWait;
    private final PrintWriter notices;
    private final EarlyConnection early;
    private EmbeddedDatabase embedded;
    private DataSource dataSource;

    /**
     * @param url          the server to use, or null for the embedded one
     * @param embeddedWait how long to wait for another Retort that is using the embedded data directory
     * @param early        a connection opened to {@code url} before the command line was read, for the command to take
     */
    DatabaseSession(ConnectionUrl url, Path home, Duration embeddedWait, PrintWriter notices, EarlyConnection early) {
        this.url = url;
        this.home = home;
        this.embeddedWait = embeddedWait;
        this.notices = notices;
        this.early = early;
    }

    DataSource dataSource() {
        if (dataSource == null) {
            if (url != null) {
                dataSource = early.serving(url, () -> url.dataSource(APPLICATION_NAME));
            } else {
                embedded = EmbeddedDatabase.start(home, embeddedWait, notices);
                // Through our own URL rather than zonky's DataSource, so that application_name and timeouts are
                // set as for any server.
                dataSource = embedded("postgres").dataSource(APPLICATION_NAME);
            }
        }
        return dataSource;
    }

    /**
     * Another database on the same server, as the same user: for the scratch database {@code snapshot --write}
     * migrates.
     */
    DataSource dataSourceFor(String database) {
        dataSource(); // starts the embedded server if that is where we are
        PGSimpleDataSource other = url != null ? url.dataSource(APPLICATION_NAME)
                : embedded("postgres").dataSource(APPLICATION_NAME);
        other.setDatabaseName(database);
        return other;
    }

    /** A database of the embedded server, as its superuser, with the password it asks for (never in the URL). */
    private ConnectionUrl embedded(String database) {
        return ConnectionUrl.parse(embeddedUrl(database)).withPasswordIfAbsent(embedded.password());
    }

    private String embeddedUrl(String database) {
        return "postgresql://postgres@localhost:" + embedded.port() + "/" + database;
    }

    /**
     * Another database on the same server as a {@code postgresql://} URL, which {@code retort --url} and psql both
     * read: for {@code bench --cli}, whose child processes work in the bench's scratch database.
     */
    String postgresUrlFor(String database) {
        dataSource(); // starts the embedded server if that is where we are
        if (url == null) {
            // With the password, which bench --cli gives its commands in PGPASSWORD, never on a command line.
            return "postgresql://postgres:" + encoded(embedded.password()) + "@localhost:" + embedded.port() + "/"
                    + database;
        }
        Matcher jdbc = Pattern.compile("jdbc:postgresql://([^/]+)/[^?]*").matcher(url.jdbcUrl());
        if (!jdbc.lookingAt()) {
            throw new IllegalStateException("not a jdbc:postgresql URL: " + url.masked());
        }
        String userInfo = url.user() == null ? "" : encoded(url.user())
                + (url.password() == null ? "" : ":" + encoded(url.password())) + "@";
        return "postgresql://" + userInfo + jdbc.group(1) + "/" + database;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The database the URL names, as pgjdbc reads it, without connecting; null on the embedded server. */
    String urlDatabase() {
        return url == null ? null : url.dataSource(APPLICATION_NAME).getDatabaseName();
    }

    /** Where we are connected, fit to print: the URL with its password masked, or the embedded folder. */
    String describe() {
        return url != null ? url.masked() : "embedded PostgreSQL " + EmbeddedDatabase.MAJOR_VERSION + " in "
                + EmbeddedDatabase.folder(home);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
