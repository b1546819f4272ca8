package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** retort_history's times are the server's: runners on hosts whose clocks disagree still order their rows right. */
class HistoryTimesTest {

    private final TestDatabase database = TestPostgres.newDatabase("history_times");

    @Test
    void aRowTakesItsTimesFromTheServerAndItsDurationFromTheStep() throws SQLException {
        // A client whose clock is a day behind the server's, recording a step of 1.5 s.
        Instant clientFinished = Instant.now().minus(Duration.ofDays(1));
        try (Connection connection = database.connect()) {
            HistoryTable.createIfMissing(connection);
            HistoryTable.record(connection, new HistoryTable.Entry("001", "upgrade", null, "001", null,
                    clientFinished.minusMillis(1_500), clientFinished, "success", null));
        }

        assertThat(database.column("SELECT finished_at > now() - interval '1 minute' FROM retort_history"))
                .as("finished by the server's clock").containsExactly("t");
        assertThat(database.column("SELECT finished_at - started_at = interval '1.5 seconds' AND duration_ms = 1500"
                + " FROM retort_history")).as("as long as the step took").containsExactly("t");
    }
}
