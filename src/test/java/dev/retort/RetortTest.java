package dev.retort;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Revision;
import dev.retort.engine.Step;
import dev.retort.engine.VersionStateException;
import dev.retort.testing.FakeRevision;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library facade: what a service calls at start-up. */
class RetortTest {

    private final TestDatabase database = TestPostgres.newDatabase("facade");

    @Test
    void upgradeTellsTheListenerEachStepAndVerifyFindsDriftByHand() throws SQLException {
        List<String> steps = new ArrayList<>();
        Retort retort = Retort.using(database.dataSource()).withLockWait(Duration.ofSeconds(5))
                .withListener(new MigrationListener() {
                    @Override
                    public void stepFinished(Step step, Duration took) {
                        steps.add(step.describe());
                    }
                });

        retort.upgrade("002");
        assertThat(retort.verify().matches()).isTrue();
        database.execute("DROP INDEX ix_users_email_active");
        Verification drifted = retort.verify();

        assertThat(steps).containsExactly("upgrade  -> 001, create customers table", "upgrade 001 -> 002, create users table");
        assertThat(retort.current()).isEqualTo("002");
        assertThat(drifted.matches()).isFalse();
        assertThat(drifted.label()).isEqualTo("002");
        assertThat(drifted.drift().diff()).anySatisfy(line -> assertThat(line).startsWith("-index ix_users_email_active"));
        assertThat(drifted.edited()).isEmpty();
    }

    /**
     * A chain of one's own has no shipped snapshots: its 001 is not the seed's, and comparing with the seed's would
     * report drift that is not there. Verify says so instead.
     */
    @Test
    void verifyRefusesToCompareRevisionsOfOnesOwnWithTheShippedSnapshots() {
        Revision notes = new FakeRevision("001", null, "create notes",
                List.of("CREATE TABLE notes (id int PRIMARY KEY)"), List.of("DROP TABLE notes"));
        Retort own = Retort.using(database.dataSource()).withRevisions(List.of(notes));
        own.upgrade("head");

        assertThatThrownBy(own::verify).isInstanceOf(VersionStateException.class)
                .hasMessageStartingWith("verify compares the live schema with the snapshots shipped for "
                        + "Migrations.all(), and the revisions up to 001 are not those");
    }
}
