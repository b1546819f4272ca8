package dev.retort.migrations;

import dev.retort.engine.Revision;
import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every downgrade undoes its upgrade completely, and the revisions can go up and down again. */
class DowngradeTest {

    @Test
    void baseToHeadToBaseLeavesNothingInSchemaPublic() throws Exception {
        try (Connection connection = TestPostgres.newDatabase("downgrade_all").connect()) {
            assertThat(PublicSchema.snapshot(connection)).as("a new database is empty").isEmpty();

            ApplyRevisions.upgradeAll(connection);
            assertThat(PublicSchema.snapshot(connection)).as("head")
                    .contains("relation users kind r", "relation customers kind r", "relation audit_logs kind r",
                            "type user_role kind e (admin, corporate, client)");

            List<Revision> revisions = Migrations.all();
            for (int i = revisions.size() - 1; i >= 0; i--) {
                ApplyRevisions.downgrade(connection, revisions.get(i));
            }

            // No table, index, sequence, view, column, type (enums included), function, extension, constraint
            // or comment is left behind.
            assertThat(PublicSchema.snapshot(connection)).as("after downgrading every revision").isEmpty();
        }
    }

    static Stream<Arguments> revisions() {
        List<Revision> revisions = Migrations.all();
        return IntStream.range(0, revisions.size())
                .mapToObj(i -> Arguments.of(revisions.get(i).id() + " " + revisions.get(i).message(), i));
    }

    @ParameterizedTest(name = "{0}: up, down restores the schema before it, up again")
    @MethodSource("revisions")
    void eachRevisionGoesUpDownAndUpAgain(String revisionName, int index) throws Exception {
        List<Revision> revisions = Migrations.all();
        Revision revision = revisions.get(index);
        try (Connection connection = TestPostgres.newDatabase("stairway_" + revision.id()).connect()) {
            ApplyRevisions.upgrade(connection, revisions.subList(0, index));
            List<String> before = PublicSchema.snapshot(connection);

            ApplyRevisions.upgrade(connection, revision);
            List<String> after = PublicSchema.snapshot(connection);
            assertThat(after).as("the upgrade of %s changes the schema", revisionName).isNotEqualTo(before);

            ApplyRevisions.downgrade(connection, revision);
            assertThat(PublicSchema.snapshot(connection))
                    .as("the downgrade of %s restores the schema as it was before its upgrade", revisionName)
                    .containsExactlyElementsOf(before);

            ApplyRevisions.upgrade(connection, revision);
            assertThat(PublicSchema.snapshot(connection))
                    .as("the second upgrade of %s gives the same schema as the first", revisionName)
                    .containsExactlyElementsOf(after);
        }
    }
}
