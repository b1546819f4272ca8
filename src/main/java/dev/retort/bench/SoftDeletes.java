package dev.retort.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the population's soft deletes (about 3 % of each table's rows) once revision 005 has added
 * {@code deleted_at} and {@code deleted_by}: the rows are loaded at 003, which has neither column. Which rows are
 * deleted is a cheap draw per row number ({@link Population#userDeleted} and the like), so only those rows are
 * generated; their ids and deletion columns are copied into a temporary table and applied in one join per table.
 */
final class SoftDeletes {

    private interface Deletion {
        /** Appends row n's id, deleted_at and deleted_by as COPY text, or nothing if the row is not deleted. */
        void append(Population population, long n, StringBuilder text);
    }

    private record Table(String name, long count, Deletion deletion) {
    }

    private SoftDeletes() {
    }

    /** Marks the population's deleted rows and returns how many rows were marked in all. */
    static long apply(DataSource dataSource, Population population, int streams) {
        Scale scale = population.scale();
        List<Table> tables = List.of(
                new Table("users", scale.users(), (p, n, text) -> {
                    if (p.userDeleted(n)) {
                        Population.User user = p.user(n);
                        line(text, user.id(), user.deletedAt(), user.deletedBy());
                    }
                }),
                new Table("customers", scale.customers(), (p, n, text) -> {
                    if (p.customerDeleted(n)) {
                        Population.Customer customer = p.customer(n);
                        line(text, customer.id(), customer.deletedAt(), customer.deletedBy());
                    }
                }),
                new Table("audit_logs", scale.auditLogs(), (p, n, text) -> {
                    if (p.auditLogDeleted(n)) {
                        Population.AuditLog entry = p.auditLog(n);
                        line(text, entry.id(), entry.deletedAt(), entry.deletedBy());
                    }
                }));
        AtomicLong marked = new AtomicLong();
        Jdbc.inParallel(dataSource, streams, tables.stream().<Jdbc.Task>map(table -> connection ->
                marked.addAndGet(mark(connection, population, table))).toList());
        return marked.get();
    }

    private static long mark(Connection connection, Population population, Table table) throws SQLException {
        Jdbc.execute(connection, "CREATE TEMPORARY TABLE deletions (id uuid PRIMARY KEY, deleted_at timestamptz, "
                + "deleted_by uuid)");
        CopyText.copy(connection, "COPY deletions (id, deleted_at, deleted_by) FROM STDIN (FORMAT text)", 1,
                table.count(), (n, text) -> table.deletion().append(population, n, text), written -> { });
        try (var update = connection.createStatement()) {
            return update.executeUpdate("UPDATE " + table.name() + " t SET deleted_at = d.deleted_at, "
                    + "deleted_by = d.deleted_by FROM deletions d WHERE t.id = d.id");
        } finally {
            Jdbc.execute(connection, "DROP TABLE deletions");
        }
    }

    private static void line(StringBuilder text, UUID id, Instant deletedAt, UUID deletedBy) {
        text.append(id).append('\t').append(deletedAt).append('\t').append(deletedBy).append('\n');
    }
}
