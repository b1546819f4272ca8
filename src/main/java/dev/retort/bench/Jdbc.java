package dev.retort.bench;

import dev.retort.engine.SqlErrors;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** The few JDBC chores the bench repeats: a statement on a connection of its own, work spread over connections. */
final class Jdbc {

    /** SQLSTATE insufficient_privilege: no right to CREATE DATABASE, CHECKPOINT and the like. */
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** Database work on one connection, in autocommit. */
    @FunctionalInterface
    interface Task {
        void on(Connection connection) throws SQLException;
    }

    /** Database work on one connection, in autocommit, that gives back a result. */
    @FunctionalInterface
    interface Query<T> {
        T on(Connection connection) throws SQLException;
    }

    private Jdbc() {
    }

    /** Runs one statement; a failure names it. */
    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(SqlErrors.describe(e, sql), e.getSQLState(), e);
        }
    }

    /** The first column of the first row, as text, or null when there is no row. */
    static String value(DataSource dataSource, String sql) {
        return call(dataSource, connection -> {
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                return row.next() ? row.getString(1) : null;
            }
        });
    }

    static void run(DataSource dataSource, Task task) {
        call(dataSource, connection -> {
            task.on(connection);
            return null;
        });
    }

    /** Runs {@code query} on a connection of its own and returns what it gives. */
    static <T> T call(DataSource dataSource, Query<T> query) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return query.on(connection);
        } catch (SQLException e) {
            // Written for the reader, as every BenchException is taken to be: pgjdbc's message alone names no SQLSTATE.
            throw new BenchException("Database error: " + SqlErrors.describe(e), e);
        }
    }

    /**
     * Runs the tasks on {@code threads} connections at once, each task in autocommit; the first failure wins. Each
     * thread opens one connection and takes the next task until none is left: a load of hundreds of chunks opens
     * {@code threads} connections, not one a chunk.
     */
    static void inParallel(DataSource dataSource, int threads, List<Task> tasks) {
        int workers = Math.max(1, threads);
        Queue<Task> pending = new ConcurrentLinkedQueue<>(tasks);
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "retort-bench-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> run(dataSource, connection -> {
                    try {
                        for (Task task = pending.poll(); task != null && !failed.get(); task = pending.poll()) {
                            task.on(connection);
                        }
                    } catch (SQLException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                })));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new BenchException(
                    "A bench worker failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("The bench was interrupted.", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
