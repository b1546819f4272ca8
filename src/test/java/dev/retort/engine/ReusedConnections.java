package dev.retort.engine;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * A pool at its plainest: closing a connection hands its session back to be lent again as it is, as a pool's
 * connections are between their users (a real pool puts back autocommit at most, never a session's settings).
 */
class ReusedConnections implements DataSource {

    private final DataSource server;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> sessions = new ArrayList<>();

    ReusedConnections(DataSource server) {
        this.server = server;
    }

    /** Every session the pool has opened, in order: those a test looks at after the code under test let go. */
    synchronized List<Connection> sessions() {
        return List.copyOf(sessions);
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        Connection session = idle.pollFirst();
        if (session == null) {
            session = server.getConnection();
            sessions.add(session);
        }
        return lent(session);
    }

    private Connection lent(Connection session) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("close")) {
                        giveBack(session);
                        return null;
                    }
                    try {
                        return method.invoke(session, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private synchronized void giveBack(Connection session) throws SQLException {
        if (!session.isClosed() && !idle.contains(session)) {
            idle.addFirst(session);
        }
    }

    @Override
    public Connection getConnection(String user, String password) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
