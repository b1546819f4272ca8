package dev.retort;

import dev.retort.engine.AdvisoryLock;
import dev.retort.engine.LockNotAcquiredException;
import dev.retort.engine.MigrationListener;
import dev.retort.engine.MigrationResult;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two instances of a service start at once, each with its own pool, and migrate at start-up: each revision is applied
 * once, the instance that waited finds nothing left to do, and neither keeps a connection it took. The threads meet at
 * the lock, held by hand until both wait for it, so that they surely contend.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TwoServicesTest {

    private final TestDatabase database = TestPostgres.newDatabase("two_services");
    private final AtomicInteger open = new AtomicInteger();

    @Test
    void twoInstancesStartingTogetherApplyEachRevisionOnce() throws Exception {
        CountDownLatch bothWaiting = new CountDownLatch(2);
        ExecutorService services = Executors.newFixedThreadPool(2);
        try {
            List<Future<MigrationResult>> runs;
            try (Connection gate = database.connect("gate");
                 AdvisoryLock ignored = AdvisoryLock.acquire(gate, Duration.ZERO, holder -> { })) {
                runs = List.of(services.submit(() -> service("service-a", bothWaiting).upgrade("head")),
                        services.submit(() -> service("service-b", bothWaiting).upgrade("head")));
                assertThat(bothWaiting.await(30, TimeUnit.SECONDS)).as("both wait for the lock").isTrue();
            }
            List<MigrationResult> results = List.of(runs.get(0).get(), runs.get(1).get());

            assertThat(results).extracting(result -> result.steps().size())
                    .containsExactlyInAnyOrder(ProjectHead.count(), 0);
            assertThat(results).extracting(MigrationResult::to).containsOnly(ProjectHead.id());
        } finally {
            services.shutdownNow();
        }
        assertThat(database.column("SELECT count(*) FROM retort_history WHERE outcome = 'success' "
                + "GROUP BY revision HAVING count(*) <> 1")).isEmpty();
        assertThat(open).as("connections not closed").hasValue(0);
    }

    @Test
    void anInstanceThatMayNotWaitSaysWhoHoldsTheLockAndKeepsNoConnection() throws SQLException {
        try (Connection gate = database.connect("gate");
             AdvisoryLock ignored = AdvisoryLock.acquire(gate, Duration.ZERO, holder -> { })) {
            assertThatThrownBy(() -> service("service-a", new CountDownLatch(1)).withLockWait(Duration.ZERO)
                    .upgrade("head"))
                    .isInstanceOf(LockNotAcquiredException.class)
                    .hasMessageContaining("(application_name 'gate')");
        }
        assertThat(open).as("connections not closed").hasValue(0);
        assertThat(Retort.using(database.dataSource()).current()).isNull();
    }

    private Retort service(String name, CountDownLatch waiting) {
        PGSimpleDataSource server = (PGSimpleDataSource) database.dataSource();
        server.setApplicationName(name);
        return Retort.using(counted(server)).withLockWait(Duration.ofSeconds(30)).withListener(new MigrationListener() {
            @Override
            public void waitingForLock(Optional<AdvisoryLock.Holder> holder) {
                waiting.countDown();
            }
        });
    }

    /** {@code server}, counting in {@link #open} the connections it handed out and that are not closed yet. */
    private DataSource counted(DataSource server) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                    Object result = invoke(server, method, arguments);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    open.incrementAndGet();
                    Connection connection = (Connection) result;
                    AtomicBoolean closed = new AtomicBoolean();
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (connectionProxy, call, values) -> {
                                if (call.getName().equals("close") && closed.compareAndSet(false, true)) {
                                    open.decrementAndGet();
                                }
                                return invoke(connection, call, values);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
