package dev.retort;

import dev.retort.engine.MigrationListener;
import dev.retort.engine.Step;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
