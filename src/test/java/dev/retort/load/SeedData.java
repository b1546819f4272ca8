package dev.retort.load;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Migrator;
import dev.retort.engine.RevisionGraph;
import dev.retort.migrations.Migrations;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings an empty database to revision 003 with the engine and fills it with generated rows, server-side
 * ({@code INSERT … SELECT … FROM generate_series}), so that a million rows take seconds, not a client round trip each.
 *
 * <p>Every value passes revision 006's checks and every reference points at a real user, so that 004's foreign keys
 * and 006's checks validate. Ids are {@code md5('user:' || n)::uuid} and {@code md5('customer:' || n)::uuid}: spread
 * over the key space like random uuids, yet a writer can name user or customer {@code n} without asking the
 * database ({@link #userId(long)}, {@link #customerId(long)}). Users, customers and audit entries are numbered from 1.
 */
public final class SeedData {

    /** How many rows of each table. */
    public record Sizes(long users, long customers, long auditLogs) {

        public Sizes {
            if (users < 1 || customers < 1 || auditLogs < 0) {
                throw new IllegalArgumentException("need at least one user and one customer, and no negative count: "
                        + users + " users, " + customers + " customers, " + auditLogs + " audit logs");
            }
        }
    }

    /** How long each part of the load took. */
    public record Timings(Duration schema, Duration users, Duration customersAndAuditLogs, Duration indexes,
                          Duration vacuumAnalyze) {

        public Duration total() {
            return schema.plus(users).plus(customersAndAuditLogs).plus(indexes).plus(vacuumAnalyze);
        }
    }

    /**
     * Rows are written in slices of this many, on two connections: two cores, two inserts at a time. A multiple of
     * 1,000, so that a user and the accounts it created (see {@link #INSERT_USERS}) are always in the same slice.
     */
    private static final long SLICE = 250_000;

    private static final List<String> TABLES = List.of("users", "customers", "audit_logs");

    /** Every tenth user was created by the first user of its thousand, so a slice of whole thousands is self-contained. */
    private static final String INSERT_USERS = """
            INSERT INTO users (id, email, password_hash, full_name, role, is_active, is_2fa_enabled, totp_secret,
                               created_at, updated_at, created_by, last_login_at)
            SELECT md5('user:' || n)::uuid,
                   'u' || n || '@example.com',
                   '$2b$12$' || md5('salt:' || n) || left(md5('hash:' || n), 21),
                   'User ' || n,
                   (ARRAY['client', 'client', 'corporate', 'admin']::user_role[])[1 + n % 4],
                   n % 50 <> 0,
                   n % 10 = 0,
                   CASE WHEN n % 10 = 0 THEN upper(left(md5('totp:' || n), 32)) END,
                   now() - n * interval '20 seconds',
                   now() - n * interval '10 seconds',
                   CASE WHEN n % 10 = 0 THEN md5('user:' || ((n - 1) / 1000 * 1000 + 1))::uuid END,
                   CASE WHEN n % 3 = 0 THEN now() - (n % 1000) * interval '1 hour' END
            FROM generate_series(?, ?) AS n
            """;

    /** Creators and editors are spread over all users by multiplying with primes modulo the user count. */
    private static final String INSERT_CUSTOMERS = """
            INSERT INTO customers (id, name, email, phone, customer_type, status, company_name, tax_id, address, city,
                                   country, postal_code, created_at, updated_at, created_by, updated_by)
            SELECT md5('customer:' || n)::uuid,
                   'Customer ' || n,
                   'c' || n || '@example.com',
                   CASE WHEN n % 5 <> 0 THEN '+1 555 0100 ' || lpad((n % 1000)::text, 3, '0') END,
                   CASE WHEN n % 4 = 0 THEN 'business' ELSE 'individual' END::customer_type_enum,
                   (ARRAY['active', 'active', 'active', 'inactive', 'suspended']::customer_status_enum[])[1 + n % 5],
                   CASE WHEN n % 4 = 0 THEN 'Company ' || n || ' Ltd' END,
                   CASE WHEN n % 4 = 0 THEN 'VAT' || lpad(n::text, 9, '0') END,
                   n || ' Main Street',
                   (ARRAY['Lisbon', 'Porto', 'Braga', 'Faro', 'Coimbra'])[1 + n % 5],
                   'PT',
                   CASE WHEN n % 7 <> 0 THEN lpad((1000 + n % 9000)::text, 4, '0') || '-' || lpad((n % 1000)::text, 3, '0') END,
                   now() - n * interval '15 seconds',
                   now() - n * interval '5 seconds',
                   md5('user:' || (1 + (n * 7919) % ?))::uuid,
                   CASE WHEN n % 3 = 0 THEN md5('user:' || (1 + (n * 104729) % ?))::uuid END
            FROM generate_series(?, ?) AS n
            """;

    private static final String INSERT_AUDIT_LOGS = """
            INSERT INTO audit_logs (action, resource_type, resource_id, description, user_id, user_email, user_role,
                                    ip_address, user_agent, request_method, request_path, new_values, extra_data,
                                    success, error_message, created_at, updated_at)
            SELECT (ARRAY['create', 'update', 'delete', 'login', 'view'])[1 + n % 5],
                   CASE WHEN n % 2 = 0 THEN 'customer' ELSE 'user' END,
                   md5('customer:' || (1 + n % ?))::uuid::text,
                   'Event ' || n || ' recorded by the seed',
                   md5('user:' || u)::uuid,
                   'u' || u || '@example.com',
                   (ARRAY['client', 'client', 'corporate', 'admin'])[1 + u % 4],
                   '10.' || (n >> 16) % 256 || '.' || (n >> 8) % 256 || '.' || n % 256,
                   'Mozilla/5.0 (X11; Linux x86_64) retort-load',
                   (ARRAY['POST', 'PATCH', 'DELETE', 'POST', 'GET'])[1 + n % 5],
                   '/api/resources/' || n,
                   jsonb_build_object('status', 'active', 'n', n),
                   CASE WHEN n % 10 = 0 THEN jsonb_build_object('correlation_id', md5('corr:' || n)) END,
                   n % 50 <> 0,
                   CASE WHEN n % 50 = 0 THEN 'Refused by policy' END,
                   now() - (? - n) * interval '1 second',
                   now() - (? - n) * interval '1 second'
            FROM (SELECT n, 1 + (n * 7919) % ? AS u FROM generate_series(?, ?) AS n) AS numbered
            """;

    private SeedData() {
    }

    /**
     * Upgrades the (empty) database to 003 with the engine, then fills it: users first (the others point at them),
     * then customers and audit logs, slice by slice on two connections. The tables' plain indexes are dropped for the
     * load and built again afterwards, exactly as they were: a million rows indexed once is several times cheaper than
     * a million random inserts into ten indexes, and writes far less WAL. Last, the tables are vacuumed and analyzed,
     * so that the migration meets them as a production database would have them: statistics known, hint bits set,
     * visibility map current.
     */
    public static Timings loadAt003(DataSource dataSource, Sizes sizes) {
        long started = System.nanoTime();
        new Migrator(dataSource, new RevisionGraph(Migrations.all()), MigrationListener.SILENT, Duration.ofSeconds(60))
                .upgrade("003");
        List<String> indexes = new ArrayList<>();
        run(dataSource, connection -> indexes.addAll(dropPlainIndexes(connection)));
        Duration schema = since(started);

        started = System.nanoTime();
        List<Task> userSlices = new ArrayList<>();
        for (long[] slice : slices(sizes.users())) {
            userSlices.add(connection -> insertUsers(connection, slice[0], slice[1]));
        }
        runOnTwoConnections(dataSource, userSlices);
        Duration users = since(started);

        started = System.nanoTime();
        List<Task> slices = new ArrayList<>();
        for (long[] slice : slices(sizes.customers())) {
            slices.add(connection -> insertCustomers(connection, sizes, slice[0], slice[1]));
        }
        for (long[] slice : slices(sizes.auditLogs())) {
            slices.add(connection -> insertAuditLogs(connection, sizes, slice[0], slice[1]));
        }
        runOnTwoConnections(dataSource, slices);
        Duration customersAndAuditLogs = since(started);

        started = System.nanoTime();
        runOnTwoConnections(dataSource, indexes.stream().<Task>map(sql -> connection -> {
            execute(connection, "SET maintenance_work_mem = '256MB'"); // a million-row sort in memory, not on disk
            execute(connection, sql);
        }).toList());
        Duration indexBuilds = since(started);

        started = System.nanoTime();
        runOnTwoConnections(dataSource, TABLES.stream()
                .<Task>map(table -> connection -> execute(connection, "VACUUM (ANALYZE) " + table)).toList());
        return new Timings(schema, users, customersAndAuditLogs, indexBuilds, since(started));
    }

    /** [first, last] row numbers of each slice of {@code count} rows numbered from 1. */
    private static List<long[]> slices(long count) {
        List<long[]> slices = new ArrayList<>();
        for (long first = 1; first <= count; first += SLICE) {
            slices.add(new long[] {first, Math.min(count, first + SLICE - 1)});
        }
        return slices;
    }

    /**
     * Drops the indexes of the three tables that no constraint owns (primary keys and unique constraints stay, as
     * the foreign keys need them), and returns the statements that create them again as they were, comments too.
     */
    private static List<String> dropPlainIndexes(Connection connection) throws SQLException {
        List<String> recreate = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT ix.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class')
                FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
                WHERE i.indrelid = ?::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """)) {
            for (String table : TABLES) {
                query.setString(1, table);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        names.add(rows.getString(1));
                        String comment = rows.getString(3) == null ? ""
                                : "; COMMENT ON INDEX " + rows.getString(1) + " IS " + literal(rows.getString(3));
                        recreate.add(rows.getString(2) + comment);
                    }
                }
            }
        }
        for (String name : names) {
            execute(connection, "DROP INDEX " + name);
        }
        return recreate;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** User {@code n}'s id (1-based), as the seed wrote it. */
    public static UUID userId(long n) {
        return md5Uuid("user:" + n);
    }

    /** Customer {@code n}'s id (1-based), as the seed wrote it. */
    public static UUID customerId(long n) {
        return md5Uuid("customer:" + n);
    }

    /** User {@code n}'s email, as the seed wrote it. */
    public static String userEmail(long n) {
        return "u" + n + "@example.com";
    }

    /** What PostgreSQL's {@code md5(text)::uuid} gives: the 32 hex digits of the digest, read as a uuid. */
    private static UUID md5Uuid(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(digest);
            return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
                    + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static void insertUsers(Connection connection, long first, long last) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_USERS)) {
            insert.setLong(1, first);
            insert.setLong(2, last);
            insert.executeUpdate();
        }
    }

    private static void insertCustomers(Connection connection, Sizes sizes, long first, long last)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_CUSTOMERS)) {
            insert.setLong(1, sizes.users());
            insert.setLong(2, sizes.users());
            insert.setLong(3, first);
            insert.setLong(4, last);
            insert.executeUpdate();
        }
    }

    /**
     * Audit rows reference random users, and checking two million of them one by one is a third of the load. Every
     * {@code user_id} is {@code md5('user:' || u)} with {@code u} between 1 and the user count, so the check can be
     * skipped where the server lets us: {@code session_replication_role = replica} (superusers only) does not fire
     * foreign key triggers. Elsewhere the rows are checked as usual.
     */
    private static void insertAuditLogs(Connection connection, Sizes sizes, long first, long last)
            throws SQLException {
        skipForeignKeyChecksIfAllowed(connection);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_AUDIT_LOGS)) {
            insert.setLong(1, sizes.customers());
            insert.setLong(2, sizes.auditLogs());
            insert.setLong(3, sizes.auditLogs());
            insert.setLong(4, sizes.users());
            insert.setLong(5, first);
            insert.setLong(6, last);
            insert.executeUpdate();
        }
    }

    private static void skipForeignKeyChecksIfAllowed(Connection connection) throws SQLException {
        try {
            execute(connection, "SET session_replication_role = replica");
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) { // insufficient_privilege: not a superuser, so check every row
                throw e;
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @FunctionalInterface
    private interface Task {
        void on(Connection connection) throws SQLException;
    }

    /** Runs one task in autocommit on a connection of its own. */
    private static void run(DataSource dataSource, Task task) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            task.on(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("loading the seed data failed: " + e.getMessage(), e);
        }
    }

    /** Runs the tasks on two threads, each task in autocommit on a connection of its own; the first failure wins. */
    private static void runOnTwoConnections(DataSource dataSource, List<Task> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Task task : tasks) {
                running.add(pool.submit(() -> run(dataSource, task)));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the seed data", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
