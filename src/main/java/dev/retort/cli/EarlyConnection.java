package dev.retort.cli;

import dev.retort.engine.FreshSessions;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The command's first connection to the server of {@code --url} or {@code DATABASE_URL}, opened on a thread of its
 * own while picocli builds its model of the command line. A short command spends about as long on each of the two
 * (some 40 ms: the model by reflection on the verbs' annotations, the first connection mostly in pgjdbc's and
 * {@code java.util.logging}'s start-up), and on two cores they overlap.
 *
 * <p>It is opened only when a scan of the arguments ({@link #urlFor}) is sure that the command will connect, and to
 * which server. The scan decides nothing else: picocli reads the command line as always, and the command takes the
 * connection ({@link #serving}) only if the URL it reads is the very same. If it does not take it, it is closed
 * when the command ends. So a command that fails before it connects (a usage error, say) leaves at most one login
 * on the server: a connection that opened and closed having run nothing, or, with a wrong password, one failed
 * authentication. A failure to connect is kept and raised where the command asks for its first connection, so its
 * message and exit code are what they would have been. Only the first: a migration's second connection, for its
 * lock, costs a few milliseconds once pgjdbc is warm, and opening it early measured no faster.
 */
final class EarlyConnection implements AutoCloseable {

    /** None opened: every connection is the command's own. */
    static final EarlyConnection NONE = new EarlyConnection(null);

    /** The verbs that connect as they start, when they run on a server; history and show may not connect at all. */
    private static final Set<String> CONNECTING_VERBS = Set.of("current", "upgrade", "downgrade", "stamp");
    /** Words with which the command does not connect: help, version, and offline SQL. */
    private static final Set<String> NOT_CONNECTING = Set.of("-h", "--help", "-V", "--version", "--sql");
    /** Short options run together, such as {@code -vh}: picocli reads any -h or -V in them as help or version. */
    private static final Pattern SHORT_OPTIONS = Pattern.compile("-[A-Za-z]{2,}");

    private final ConnectionUrl url;
    private final FutureTask<Connection> opening;
    private Connection opened;
    private boolean handedOut;
    private boolean closed;

    private EarlyConnection(ConnectionUrl url) {
        this(url, url == null ? null : () -> url.dataSource(DatabaseSession.APPLICATION_NAME).getConnection());
    }

    /** @param connect how the connection to {@code url} is opened: pgjdbc's, but for a test that holds it back */
    EarlyConnection(ConnectionUrl url, Callable<Connection> connect) {
        this.url = url;
        this.opening = connect == null ? null : new FutureTask<>(() -> keepUnlessClosed(connect.call()));
    }

    /** Starts opening the connection the command line will ask for first, if a scan of it is sure of it. */
    static EarlyConnection forCommandLine(String[] args, Map<String, String> environment) {
        return urlFor(args, environment).map(EarlyConnection::open).orElse(NONE);
    }

    /**
     * The server a command line will connect to as it starts: none unless it names a verb that connects, without
     * help or {@code --sql}, and a server by one {@code --url} or by {@code DATABASE_URL} (with {@code PGPASSWORD},
     * as the command reads them); the embedded PostgreSQL is started by the command itself. A URL that does not
     * parse is left to the command to report.
     */
    static Optional<ConnectionUrl> urlFor(String[] args, Map<String, String> environment) {
        Optional<String> verb = Main.verbNamed(args);
        if (verb.isEmpty() || !CONNECTING_VERBS.contains(verb.get())
                || Arrays.stream(args).anyMatch(EarlyConnection::mayNotConnect)) {
            return Optional.empty();
        }
        List<String> urls = urlsIn(args);
        String given = urls.isEmpty() ? environment.get("DATABASE_URL") : urls.get(0);
        if (urls.size() > 1 || given == null || given.isBlank()) {
            return Optional.empty();
        }
        try {
            ConnectionUrl url = ConnectionUrl.fromEnvironment(given, environment);
            if (url.password() == null) {
                PasswordFile.followHome(environment);
            }
            // pgjdbc would read a password file that psql refuses; the command warns of it and has pgjdbc ignore it.
            return url.password() == null && PasswordFile.exposed(environment).isPresent()
                    ? Optional.empty() : Optional.of(url);
        } catch (InvalidUrlException e) {
            return Optional.empty();
        }
    }

    private static boolean mayNotConnect(String arg) {
        return NOT_CONNECTING.contains(arg) || arg.startsWith("@")
                || SHORT_OPTIONS.matcher(arg).matches() && (arg.contains("h") || arg.contains("V"));
    }

    private static List<String> urlsIn(String[] args) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--url") && i + 1 < args.length) {
                urls.add(args[++i]);
            } else if (args[i].startsWith("--url=")) {
                urls.add(args[i].substring("--url=".length()));
            }
        }
        return urls;
    }

    /**
     * Opens a connection to {@code url} on a daemon thread: a command that ends before it is open does not wait for
     * it. The data source is made on that thread too, since making the first one starts pgjdbc's logging.
     */
    static EarlyConnection open(ConnectionUrl url) {
        return new EarlyConnection(url).start();
    }

    /** Starts opening, on a daemon thread. */
    EarlyConnection start() {
        Thread thread = new Thread(opening, "retort-early-connection");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Kept for the command; or, when the command ended without taking it, closed at once: none is left open. */
    private synchronized Connection keepUnlessClosed(Connection connection) throws SQLException {
        if (closed && !handedOut) {
            connection.close();
        }
        opened = connection;
        return connection;
    }

    /**
     * The command's data source for {@code commandUrl}: one that hands out the early connection first when it was
     * opened to that very URL, then opens its own; else the command's own from the start. The command's own is
     * made only when it is needed, which with an early connection may be never.
     */
    DataSource serving(ConnectionUrl commandUrl, Supplier<DataSource> dataSource) {
        return opening == null || !commandUrl.equals(url) ? dataSource.get() : new EarlyFirst(dataSource);
    }

    /** Whether the command asked for the early connection (and got it, or the failure to open it). */
    synchronized boolean handedOut() {
        return handedOut;
    }

    /**
     * Waits until the early connection is open, or failed to open, and returns it if it opened (closed or not): for
     * a test that looks at it.
     */
    Optional<Connection> awaitOpened() {
        if (opening == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(opening.get());
        } catch (ExecutionException failedToOpen) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The early connection, once: a failure to open it is thrown as the command's own attempt would have thrown it. */
    private Optional<Connection> take() throws SQLException {
        synchronized (this) {
            if (closed || handedOut) {
                return Optional.empty();
            }
            handedOut = true;
        }
        try {
            return Optional.of(opening.get());
        } catch (ExecutionException e) {
            // Thrown on the main thread, but made on the early one: under --debug its stack trace is that thread's.
            if (e.getCause() instanceof SQLException failed) {
                throw failed;
            }
            if (e.getCause() instanceof RuntimeException failed) {
                throw failed;
            }
            if (e.getCause() instanceof Error failed) {
                throw failed;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveBack();
            throw new SQLException("Interrupted while connecting", "08001", e);
        }
    }

    /** Taken but never handed over (the wait was interrupted): it is close()'s again, or its own once open. */
    private synchronized void giveBack() {
        handedOut = false;
        if (closed) {
            closeOpened();
        }
    }

    /** Closes the early connection unless the command took it; one still opening closes itself once it is open. */
    @Override
    public synchronized void close() {
        if (opening == null || closed) {
            return;
        }
        closed = true;
        if (!handedOut) {
            closeOpened();
        }
    }

    private void closeOpened() {
        if (opened != null) {
            try {
                opened.close();
            } catch (SQLException e) {
                // Closing failed: the connection is gone either way.
            }
        }
    }

    /**
     * The command's data source, handing out the early connection before opening any of its own: each a session that
     * its close ends ({@link FreshSessions}).
     */
    private final class EarlyFirst implements DataSource, FreshSessions {

        private final Supplier<DataSource> made;
        private DataSource dataSource;

        EarlyFirst(Supplier<DataSource> made) {
            this.made = made;
        }

        private synchronized DataSource dataSource() {
            if (dataSource == null) {
                dataSource = made.get();
            }
            return dataSource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Optional<Connection> early = take();
            return early.isPresent() ? early.get() : dataSource().getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return dataSource().getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return dataSource().getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            dataSource().setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            dataSource().setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return dataSource().getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return dataSource().getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return dataSource().unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return dataSource().isWrapperFor(type);
        }
    }
}
