package dev.retort.cli;

import dev.retort.engine.SchemaDrift;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The line that ends verify's drift report, from snapshot text alone. */
class DriftSummaryTest {

    private static final String USERS = """
            table users
              column id uuid not null
              column email text not null
            index ix_users_email on users: CREATE INDEX ix_users_email ON users USING btree (email)
            """;

    @Test
    void itCountsWhatIsMissingThenWhatChangedThenWhatIsExtraEachKindInTheDiffsOrder() {
        String live = """
                table a_orders
                  column id uuid not null
                table b_orders
                  column id uuid not null
                table users
                  column id uuid not null
                  column email character varying(255) not null
                policy own_rows on users: AS PERMISSIVE FOR SELECT TO public USING (true)
                policy staff on users: AS PERMISSIVE FOR ALL TO staff USING (true)
                """;

        String line = DriftSummary.line(SchemaDrift.between("006 (head)", USERS, live));

        assertThat(line).isEqualTo("DRIFT from revision 006 (head): missing 1 index; changed 1 column; "
                + "extra 2 tables, 2 policies.");
    }

    @Test
    void oneOfAKindIsSingularAndIndexesArePlural() {
        String live = USERS.replace("index ix_users_email", "index ix_users_id on users: CREATE INDEX x\n"
                + "index ix_users_email") + "index ix_users_z on users: CREATE INDEX z\n";

        assertThat(DriftSummary.line(SchemaDrift.between("002", USERS, live)))
                .isEqualTo("DRIFT from revision 002: extra 2 indexes.");
    }
}
