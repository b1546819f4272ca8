package dev.retort.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The generator's documented distributions, counted over 20,000 users, 20,000 customers and 200,000 audit entries
 * (in memory, no database), and its reproducibility: the same seed and end give the same rows.
 */
class PopulationTest {

    private static final Instant END = Instant.parse("2026-11-25T12:00:00Z");
    private static final Scale SCALE = new Scale("test", 20_000, 20_000, 200_000);
    private static final Population POPULATION = new Population(42, SCALE, END);

    private static Map<String, Long> roles;
    private static long activeUsers;
    private static long deletedUsers;
    private static Map<String, Long> types;
    private static Map<String, Long> statuses;
    private static long deletedCustomers;

    @BeforeAll
    static void countUsersAndCustomers() {
        roles = new HashMap<>();
        for (long n = 1; n <= SCALE.users(); n++) {
            Population.User user = POPULATION.user(n);
            roles.merge(user.role(), 1L, Long::sum);
            activeUsers += user.active() ? 1 : 0;
            deletedUsers += user.deletedAt() != null ? 1 : 0;
        }
        types = new HashMap<>();
        statuses = new HashMap<>();
        for (long n = 1; n <= SCALE.customers(); n++) {
            Population.Customer customer = POPULATION.customer(n);
            types.merge(customer.customerType(), 1L, Long::sum);
            statuses.merge(customer.status(), 1L, Long::sum);
            deletedCustomers += customer.deletedAt() != null ? 1 : 0;
        }
    }

    private static double share(long count, long of) {
        return (double) count / of;
    }

    @Test
    void theSameSeedAndEndGiveTheSameRowsAndAnotherSeedOthers() {
        Population again = new Population(42, SCALE, END);
        Population other = new Population(43, SCALE, END);

        for (long n : new long[] {1, 2, 777, SCALE.users()}) {
            assertThat(again.user(n)).isEqualTo(POPULATION.user(n));
            assertThat(again.customer(n)).isEqualTo(POPULATION.customer(n));
            assertThat(again.auditLog(n)).isEqualTo(POPULATION.auditLog(n));
            assertThat(other.user(n).id()).isNotEqualTo(POPULATION.user(n).id());
            assertThat(other.auditLog(n)).isNotEqualTo(POPULATION.auditLog(n));
        }
        assertThat(POPULATION.user(17).id()).isEqualTo(POPULATION.userId(17));
        assertThat(POPULATION.user(17).email()).isEqualTo(POPULATION.userEmail(17));
        assertThat(POPULATION.customer(17).id()).isEqualTo(POPULATION.customerId(17));
    }

    @Test
    void usersAreMostlyClientsAndNineInTenActive() {
        assertThat(roles).containsEntry("admin", 400L).containsEntry("corporate", 1_600L)
                .containsEntry("client", 18_000L);
        assertThat(share(activeUsers, SCALE.users())).isCloseTo(0.90, within(0.01));
    }

    @Test
    void customersAreSevenInTenIndividualsAndEightInTenActive() {
        assertThat(share(types.get("individual"), SCALE.customers())).isCloseTo(0.70, within(0.015));
        assertThat(types).containsOnlyKeys("individual", "business");
        assertThat(share(statuses.get("active"), SCALE.customers())).isCloseTo(0.80, within(0.015));
        assertThat(share(statuses.get("inactive"), SCALE.customers())).isCloseTo(0.12, within(0.01));
        assertThat(share(statuses.get("suspended"), SCALE.customers())).isCloseTo(0.08, within(0.01));
    }

    @Test
    void aboutThreePercentOfEachTableIsSoftDeletedByAnAdministrator() {
        long deletedEntries = LongStream.rangeClosed(1, SCALE.auditLogs()).filter(POPULATION::auditLogDeleted).count();

        assertThat(share(deletedUsers, SCALE.users())).isCloseTo(0.03, within(0.005));
        assertThat(share(deletedCustomers, SCALE.customers())).isCloseTo(0.03, within(0.005));
        assertThat(share(deletedEntries, SCALE.auditLogs())).isCloseTo(0.03, within(0.003));
        Population.Customer deleted = LongStream.rangeClosed(1, SCALE.customers()).mapToObj(POPULATION::customer)
                .filter(customer -> customer.deletedAt() != null).findFirst().orElseThrow();
        assertThat(deleted.deletedAt()).isAfterOrEqualTo(deleted.createdAt()).isBeforeOrEqualTo(END);
        assertThat(LongStream.rangeClosed(1, POPULATION.admins()).mapToObj(POPULATION::userId).toList())
                .contains(deleted.deletedBy());
    }

    @Test
    void auditEntriesAreSkewedOverTheActingUsersAndSomeUsersHaveNone() {
        Map<Long, Long> perUser = new HashMap<>();
        long systemEvents = 0;
        for (long n = 1; n <= SCALE.auditLogs(); n++) {
            long user = POPULATION.auditLogUser(n);
            if (user == 0) {
                systemEvents++;
            } else {
                perUser.merge(user, 1L, Long::sum);
            }
        }
        long withEvents = perUser.size();
        long busiestOnePercent = perUser.values().stream().sorted((a, b) -> Long.compare(b, a))
                .limit(SCALE.users() / 100).mapToLong(Long::longValue).sum();

        assertThat(share(systemEvents, SCALE.auditLogs())).isCloseTo(0.05, within(0.005));
        assertThat(perUser.keySet()).allMatch(user -> user >= 1 && user <= POPULATION.actingUsers());
        assertThat(share(SCALE.users() - withEvents, SCALE.users())).as("users without entries").isBetween(0.29, 0.35);
        assertThat(share(busiestOnePercent, SCALE.auditLogs() - systemEvents)).as("share of the busiest 1 %")
                .isBetween(0.08, 0.20);
        assertThat(perUser.get(1L)).as("user 1 is the busiest").isEqualTo(perUser.values().stream()
                .mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void auditEntriesUseTwentyActionsOnFiveResourceTypesOverOneYearInOrder() {
        Set<String> actions = new HashSet<>();
        Set<String> resourceTypes = new HashSet<>();
        long failed = 0;
        Instant previous = Instant.MIN;
        long lastHour = 0;
        for (long n = 1; n <= SCALE.auditLogs(); n++) {
            Population.AuditLog entry = POPULATION.auditLog(n);
            actions.add(entry.action());
            resourceTypes.add(entry.resourceType());
            failed += entry.success() ? 0 : 1;
            assertThat(entry.createdAt()).isAfterOrEqualTo(previous);
            previous = entry.createdAt();
            lastHour += entry.createdAt().isAfter(END.minus(Duration.ofHours(1))) ? 1 : 0;
            if (entry.userId() == null) {
                assertThat(entry.ipAddress()).isNull();
            } else {
                assertThat(entry.ipAddress()).matches("10\\.\\d+\\.\\d+\\.\\d+|2001:db8:[0-9a-f]+::[0-9a-f]+");
            }
        }

        assertThat(actions).hasSize(20).containsAll(Set.of(Population.ACTION_NAMES));
        assertThat(resourceTypes).containsExactlyInAnyOrder(Population.RESOURCE_TYPES);
        assertThat(share(failed, SCALE.auditLogs())).isBetween(0.025, 0.045); // every login_failed, 1.5 % of the rest
        assertThat(POPULATION.auditLog(1).createdAt()).isBetween(END.minus(Duration.ofDays(365)),
                END.minus(Duration.ofDays(364)));
        assertThat(previous).isEqualTo(END);
        assertThat(lastHour).as("entries in the last hour: a year's share").isBetween(20L, 25L);
    }
}
