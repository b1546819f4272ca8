package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdvisoryLockTest {

    private final TestDatabase database = TestPostgres.newDatabase("advisory_lock");

    @Test
    void closeReleasesTheLockWhileTheConnectionStaysOpen() throws SQLException {
        try (Connection first = database.connect(); Connection second = database.connect()) {
            AdvisoryLock lock = AdvisoryLock.acquire(first, Duration.ZERO, holder -> { });
            assertThatThrownBy(() -> AdvisoryLock.acquire(second, Duration.ZERO, holder -> { }))
                    .isInstanceOf(LockNotAcquiredException.class);

            lock.close();

            assertThat(first.isClosed()).isFalse();
            AdvisoryLock.acquire(second, Duration.ZERO, holder -> { }).close();
        }
    }

    /**
     * The holder lets go just as the wait runs out: the lock is taken, where it used to fail naming "a session that
     * has just ended" as the holder (pipeline review). The waiter's callback, told once the first try fails, is
     * where the holder lets go here, before a wait of zero has run out.
     */
    @Test
    void aLockLetGoAsTheWaitRunsOutIsTaken() throws SQLException {
        try (Connection first = database.connect(); Connection second = database.connect()) {
            AdvisoryLock held = AdvisoryLock.acquire(first, Duration.ZERO, holder -> { });

            AdvisoryLock taken = AdvisoryLock.acquire(second, Duration.ZERO, holder -> closeQuietly(held));

            assertThat(AdvisoryLock.holder(first)).isPresent();
            taken.close();
        }
    }

    private static void closeQuietly(AdvisoryLock lock) {
        try {
            lock.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWaiterHoldsNoTransactionWhateverItsConnectionDefaultWas() throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            AdvisoryLock.acquire(connection, Duration.ZERO, holder -> { }).close();
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    @Test
    void theLockBelongsToOneDatabaseAndItsHolderIsLookedUpThereOnly() throws SQLException {
        TestDatabase other = TestPostgres.newDatabase("advisory_lock_other");
        try (Connection elsewhere = other.connect();
             AdvisoryLock ignored = AdvisoryLock.acquire(elsewhere, Duration.ZERO, holder -> { });
             Connection here = database.connect()) {
            assertThat(AdvisoryLock.holder(here)).isEmpty();
            AdvisoryLock.acquire(here, Duration.ZERO, holder -> { }).close();
        }
    }
}
