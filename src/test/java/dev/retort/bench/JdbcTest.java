package dev.retort.bench;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bench's JDBC chores against a real server. */
class JdbcTest {

    @Test
    void workInParallelOpensOneConnectionPerThreadNotOnePerTask() {
        TestDatabase database = TestPostgres.newDatabase("jdbc_in_parallel");
        Set<Integer> backends = ConcurrentHashMap.newKeySet();
        Set<Integer> done = ConcurrentHashMap.newKeySet();

        Jdbc.inParallel(database.dataSource(), 2, IntStream.range(0, 20).<Jdbc.Task>mapToObj(task -> connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                pid.next();
                backends.add(pid.getInt(1));
            }
            done.add(task);
        }).toList());

        assertThat(done).hasSize(20);
        assertThat(backends).hasSizeBetween(1, 2);
    }

    @Test
    void aFailedTaskFailsTheWholeRun() {
        TestDatabase database = TestPostgres.newDatabase("jdbc_in_parallel_failure");

        assertThatThrownBy(() -> Jdbc.inParallel(database.dataSource(), 2,
                        List.<Jdbc.Task>of(connection -> Jdbc.execute(connection, "SELECT 1"),
                                connection -> Jdbc.execute(connection, "SELECT * FROM no_such_table"))))
                .isInstanceOf(BenchException.class).hasMessageContaining("no_such_table");
    }
}
