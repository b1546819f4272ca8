package dev.retort.cli;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.logging.Logger;

/**
 * Connections to the server of {@code --url} or {@code DATABASE_URL}, opened on threads of their own while picocli
 * builds its model of the command line. A short command spends about as long on each of the two (some 40 ms: the
 * model by reflection on the verbs' annotations, the first connection mostly in pgjdbc's and
 * {@code java.util.logging}'s start-up), and on two cores they overlap.
 *
 * <p>They are opened only when a scan of the arguments ({@link #planFor}) is sure that the command will connect,
 * and to which server. The scan decides nothing else: picocli reads the command line as always, and the command
 * takes an early connection ({@link #serving}) only if the URL it reads is the very same. Whatever it does not take
 * is closed when it ends, so a command that fails before connecting (a usage error, say) leaves at most a
 * connection that opened and closed having run nothing. A failure to connect is kept and raised where the command
 * asks for its connection, so its message and exit code are what they would have been.
 */
final class EarlyConnections implements AutoCloseable {

    /** None opened: every connection is the command's own. */
    static final EarlyConnections NONE = new EarlyConnections(null, List.of());

    /**
     * How many connections each verb opens as it starts, when it runs on a server: a migration holds its lock on one
     * and works on the other. Verbs that may not connect at all (history, show) are left out.
     */
    private static final Map<String, Integer> CONNECTIONS = Map.of("current", 1, "upgrade", 2, "downgrade", 2,
            "stamp", 2);
    /** Words after which the command does not connect: help, version, and offline SQL. */
    private static final Set<String> NOT_CONNECTING = Set.of("-h", "--help", "-V", "--version", "--sql");

    /** What the scan found: the server, and how many connections the verb will open on it. */
    record Plan(ConnectionUrl url, int connections) {
    }

    private final ConnectionUrl url;
    private final List<FutureTask<Connection>> opening;
    private int handedOut;
    private boolean closed;

    private EarlyConnections(ConnectionUrl url, List<FutureTask<Connection>> opening) {
        this.url = url;
        this.opening = opening;
    }

    /** Starts opening the connections the command line will ask for, if a scan of it is sure of them. */
    static EarlyConnections forCommandLine(String[] args, Map<String, String> environment) {
        return planFor(args, environment).map(EarlyConnections::open).orElse(NONE);
    }

    /**
     * The connections a command line will open as it starts: none unless it names a verb that connects, without
     * help or {@code --sql}, and a server by one {@code --url} or by {@code DATABASE_URL}; the embedded PostgreSQL
     * is started by the command itself. A URL that does not parse is left to the command to report.
     */
    static Optional<Plan> planFor(String[] args, Map<String, String> environment) {
        Optional<String> verb = Main.verbNamed(args);
        if (verb.isEmpty() || !CONNECTIONS.containsKey(verb.get())
                || Arrays.stream(args).anyMatch(EarlyConnections::mayNotConnect)) {
            return Optional.empty();
        }
        List<String> urls = urlsIn(args);
        String given = urls.isEmpty() ? environment.get("DATABASE_URL") : urls.get(0);
        if (urls.size() > 1 || given == null || given.isBlank()) {
            return Optional.empty();
        }
        try {
            ConnectionUrl url = ConnectionUrl.parse(given).withPasswordIfAbsent(environment.get("PGPASSWORD"));
            return Optional.of(new Plan(url, CONNECTIONS.get(verb.get())));
        } catch (InvalidUrlException e) {
            return Optional.empty();
        }
    }

    /** Help, version, offline SQL, an {@code @file} of arguments, or short options run together with -h or -V. */
    private static boolean mayNotConnect(String arg) {
        return NOT_CONNECTING.contains(arg) || arg.startsWith("@")
                || arg.matches("-[A-Za-z]{2,}") && (arg.contains("h") || arg.contains("V"));
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
     * Opens the planned connections, each on a daemon thread: a command that ends before one is open does not wait
     * for it. The data source is made on those threads too, since making the first one starts pgjdbc's logging.
     */
    static EarlyConnections open(Plan plan) {
        List<FutureTask<Connection>> opening = new ArrayList<>();
        EarlyConnections early = new EarlyConnections(plan.url(), opening);
        for (int i = 1; i <= plan.connections(); i++) {
            FutureTask<Connection> task = new FutureTask<>(() -> early.keepUnlessClosed(
                    plan.url().dataSource(DatabaseSession.APPLICATION_NAME).getConnection()));
            opening.add(task);
            Thread thread = new Thread(task, "retort-early-connection-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        return early;
    }

    /** A connection that opens after the command ended is closed at once. */
    private synchronized Connection keepUnlessClosed(Connection connection) throws SQLException {
        if (closed) {
            connection.close();
            return null;
        }
        return connection;
    }

    /**
     * The command's data source for {@code commandUrl}: one that hands out the early connections first when they were
     * opened to that very URL, else {@code dataSource} itself.
     */
    DataSource serving(ConnectionUrl commandUrl, DataSource dataSource) {
        return opening.isEmpty() || !commandUrl.equals(url) ? dataSource : new EarlyFirst(dataSource);
    }

    /** How many early connections the command took. */
    synchronized int handedOut() {
        return handedOut;
    }

    /**
     * Waits until every early connection is open, or failed to open, and returns those that opened (closed or not):
     * for a test that looks at them.
     */
    List<Connection> awaitOpened() {
        List<Connection> opened = new ArrayList<>();
        for (FutureTask<Connection> task : opening) {
            try {
                Connection connection = task.get();
                if (connection != null) {
                    opened.add(connection);
                }
            } catch (ExecutionException failedToOpen) {
                // nothing opened
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return opened;
    }

    private synchronized Optional<FutureTask<Connection>> next() {
        return closed || handedOut == opening.size() ? Optional.empty() : Optional.of(opening.get(handedOut++));
    }

    /** Waits for one early connection; a failure to open it is thrown as the command's own attempt would have. */
    private static Connection take(FutureTask<Connection> task) throws SQLException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException failed) {
                throw failed;
            }
            if (e.getCause() instanceof RuntimeException failed) {
                throw failed;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while connecting", "08001", e);
        }
    }

    /** Closes the early connections the command did not take; one still opening closes itself when it is open. */
    @Override
    public synchronized void close() {
        closed = true;
        for (FutureTask<Connection> task : opening.subList(handedOut, opening.size())) {
            if (task.isDone()) {
                closeQuietly(task);
            }
        }
    }

    private static void closeQuietly(FutureTask<Connection> task) {
        try {
            Connection connection = task.get();
            if (connection != null) {
                connection.close();
            }
        } catch (ExecutionException | SQLException e) {
            // It failed to open, or to close: either way nothing is left open to the server.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command's data source, handing out the early connections before opening any of its own. */
    private final class EarlyFirst implements DataSource {

        private final DataSource dataSource;

        EarlyFirst(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Optional<FutureTask<Connection>> early = next();
            return early.isPresent() ? take(early.get()) : dataSource.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return dataSource.getConnection(user, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return dataSource.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            dataSource.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            dataSource.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return dataSource.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return dataSource.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return dataSource.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return dataSource.isWrapperFor(type);
        }
    }
}
