package dev.retort.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Times one of the seed's queries, one cell of the table: on one connection, one prepared statement executed again
 * and again as an application would (pgjdbc prepares it on the server from its fifth use), each time with new
 * parameters, reading every column of every row. A warm-up comes first (the plan cached, the pages in memory),
 * then at least {@link Settings#executions} timed runs, or as many as fit in {@link Settings#cellTime} when the
 * query is slow. The parameters come from a random sequence seeded by the bench's seed and the query, so every
 * column of the table (before, after, 007) sees the same parameters in the same order.
 */
final class QueryTimer {

    /** How long one cell runs. */
    record Settings(int warmUp, int executions, Duration cellTime) {

        Settings {
            if (warmUp < 0) {
                throw new IllegalArgumentException("the warm-up must be 0 executions or more, not " + warmUp);
            }
            if (executions < 1) {
                throw new IllegalArgumentException("executions must be at least 1, not " + executions);
            }
            if (cellTime.isNegative() || cellTime.isZero()) {
                throw new IllegalArgumentException("the cell time must be more than 0");
            }
        }

        /** A slow query's warm-up stops after this, whatever its count. */
        Duration warmUpTime() {
            return cellTime.dividedBy(4);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PLAN_SAMPLES = 8;

    private QueryTimer() {
    }

    /**
     * One cell's timings, and what the plan its runs ended on reads when that was PostgreSQL's generic plan (which
     * the plan cache may pick after five custom plans, and which EXPLAIN with sampled parameters does not show).
     *
     * @param genericPlanReads the indexes (or {@code Seq Scan on <table>}) of the generic plan, as
     *                         {@link #planReads} words them; empty when the runs used custom plans
     */
    record Timing(Latency latency, Optional<String> genericPlanReads) {
    }

    static Timing time(DataSource dataSource, SeedQuery query, Population population, Settings settings) {
        SplittableRandom random = parameters(population, query);
        Histogram timings = Latency.histogram();
        try (Connection connection = dataSource.getConnection(); Statements statements = new Statements(connection)) {
            long warmUpEnds = System.nanoTime() + settings.warmUpTime().toNanos();
            for (int i = 0; i < settings.warmUp() && System.nanoTime() < warmUpEnds; i++) {
                readAll(statements.next("", query, population, random));
            }
            long cellEnds = System.nanoTime() + settings.cellTime().toNanos();
            while (timings.getTotalCount() < settings.executions() && System.nanoTime() < cellEnds) {
                PreparedStatement statement = statements.next("", query, population, random);
                long started = System.nanoTime();
                readAll(statement);
                Latency.record(timings, System.nanoTime() - started);
            }
            Latency latency = Latency.of(timings, Machine.loadAverage());
            return new Timing(latency, genericPlanReads(connection, statements.sqlTexts()));
        } catch (SQLException | IOException e) {
            throw new BenchException("timing " + query.title() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * What the generic plan of each of {@code sqlTexts} reads, if every one of them ran on its generic plan in this
     * session (pg_prepared_statements); empty otherwise. The plan is shown by preparing the statement again under
     * {@code plan_cache_mode = force_generic_plan} and explaining an execution of it, which the server plans
     * without looking at the (null) values.
     */
    private static Optional<String> genericPlanReads(Connection connection, Set<String> sqlTexts)
            throws SQLException, IOException {
        Set<String> reads = new LinkedHashSet<>();
        for (String sql : sqlTexts) {
            String numbered = numberedParameters(sql);
            if (!ranOnGenericPlan(connection, numbered)) {
                return Optional.empty();
            }
            int parameters = (int) sql.chars().filter(c -> c == '?').count();
            String nulls = String.join(", ", Collections.nCopies(parameters, "NULL"));
            String execute = "EXECUTE retort_generic_plan" + (parameters == 0 ? "" : "(" + nulls + ")");
            try (Statement explain = connection.createStatement()) {
                explain.execute("SET plan_cache_mode = force_generic_plan");
                explain.execute("PREPARE retort_generic_plan AS " + numbered);
                try (ResultSet plan = explain.executeQuery("EXPLAIN (FORMAT JSON) " + execute)) {
                    plan.next();
                    collect(JSON.readTree(plan.getString(1)).get(0).get("Plan"), reads);
                } finally {
                    explain.execute("DEALLOCATE retort_generic_plan");
                    explain.execute("RESET plan_cache_mode");
                }
            }
        }
        return Optional.of(String.join(", ", reads));
    }

    private static boolean ranOnGenericPlan(Connection connection, String numberedSql) throws SQLException {
        try (PreparedStatement ran = connection.prepareStatement(
                "SELECT generic_plans > 0 FROM pg_prepared_statements WHERE statement = ?")) {
            ran.setString(1, numberedSql);
            try (ResultSet row = ran.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** {@code sql} with each {@code ?} written {@code $1}, {@code $2}, … as pgjdbc sends it (none is in literals). */
    private static String numberedParameters(String sql) {
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?') {
                numbered.append('$').append(++parameter);
            } else {
                numbered.append(c);
            }
        }
        return numbered.toString();
    }

    /**
     * What the plan of {@code query} reads, by EXPLAIN with a few of its parameters: the indexes it scans, or
     * {@code Seq Scan on <table>}; each named once, in the order first seen, joined by ", ".
     */
    static String planReads(DataSource dataSource, SeedQuery query, Population population) {
        SplittableRandom random = parameters(population, query);
        Set<String> reads = new LinkedHashSet<>();
        try (Connection connection = dataSource.getConnection(); Statements statements = new Statements(connection)) {
            for (int i = 0; i < PLAN_SAMPLES; i++) {
                PreparedStatement explain = statements.next("EXPLAIN (FORMAT JSON) ", query, population, random);
                try (ResultSet plan = explain.executeQuery()) {
                    plan.next();
                    collect(JSON.readTree(plan.getString(1)).get(0).get("Plan"), reads);
                }
            }
        } catch (SQLException | IOException e) {
            throw new BenchException("explaining " + query.title() + " failed: " + e.getMessage(), e);
        }
        return String.join(", ", reads);
    }

    private static void collect(JsonNode node, Set<String> reads) {
        if (node.has("Index Name")) {
            reads.add(node.get("Index Name").asText());
        } else if ("Seq Scan".equals(node.path("Node Type").asText())) {
            reads.add("Seq Scan on " + node.path("Relation Name").asText());
        }
        List<JsonNode> children = new ArrayList<>();
        node.path("Plans").forEach(children::add);
        for (JsonNode child : children) {
            collect(child, reads);
        }
    }

    /**
     * The statements of one cell, one per SQL text (the customers' query has one per type), each prepared once and
     * used again as an application's statement cache would.
     */
    private static final class Statements implements AutoCloseable {

        private final Connection connection;
        private final Map<String, PreparedStatement> bySql = new HashMap<>();

        Statements(Connection connection) {
            this.connection = connection;
        }

        /** The statement of {@code query}'s next execution, {@code prefix} before its SQL, its parameters bound. */
        PreparedStatement next(String prefix, SeedQuery query, Population population, SplittableRandom random)
                throws SQLException {
            String sql = prefix + query.sql(random);
            PreparedStatement statement = bySql.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                bySql.put(sql, statement);
            }
            query.bind(statement, population, random);
            return statement;
        }

        /** The SQL texts prepared so far. */
        Set<String> sqlTexts() {
            return bySql.keySet();
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : bySql.values()) {
                statement.close();
            }
        }
    }

    private static SplittableRandom parameters(Population population, SeedQuery query) {
        return new SplittableRandom(RowRandom.mix(population.seed() * 31 + query.ordinal()));
    }

    /** Runs the query and reads every column of every row, as a mapper would. */
    private static void readAll(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int c = 1; c <= columns; c++) {
                    rows.getString(c);
                }
            }
        }
    }
}
