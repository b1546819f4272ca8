package dev.retort.testing;

import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each major the tests claim to run on is the server they really get. */
class TestPostgresTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.retort.testing.PostgresVersions#all")
    void eachMajorRunsOnAServerOfThatMajor(int major) throws SQLException {
        TestDatabase database = TestPostgres.newDatabase(major, "version_" + major);

        assertThat(database.serverMajor()).as("server_version_num's major").isEqualTo(major);
        assertThat(database.serverVersion()).as("server_version").startsWith(major + ".");
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.retort.testing.PostgresVersions#all")
    void aMajorKeepsOneServerForTheWholeRun(int major) {
        assertThat(TestPostgres.newDatabase(major, "again").port())
                .isEqualTo(TestPostgres.newDatabase(major, "and_again").port());
    }

    @Test
    void theDefaultIsTheMajorTheApplicationEmbeds() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("default");

        assertThat(database.serverMajor()).isEqualTo(TestPostgres.DEFAULT_MAJOR);
        assertThat(database.port()).isEqualTo(TestPostgres.newDatabase(TestPostgres.DEFAULT_MAJOR, "default").port());
    }

    @Test
    void theMajorsComeFromAListThatMavenPassesOn() {
        assertThat(PostgresVersions.parse("18, 14,17,14")).containsExactly(14, 17, 18);
        assertThatThrownBy(() -> PostgresVersions.parse("13")).hasMessageContaining("supported: [14, 15, 16, 17, 18]");
        assertThatThrownBy(() -> PostgresVersions.parse("seventeen")).hasMessageContaining("seventeen");
        assertThatThrownBy(() -> PostgresVersions.parse(" , ")).hasMessageContaining("names no major");
    }
}
