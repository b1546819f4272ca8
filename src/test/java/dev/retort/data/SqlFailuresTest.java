package dev.retort.data;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a refusal quotes of the server's error, whatever language the server speaks (lc_messages). */
class SqlFailuresTest {

    private static final String HASH = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

    @Test
    void aCheckRefusalInAnotherLanguageLeavesOutTheFailingRowAsInEnglish() {
        PSQLException german = new PSQLException(new ServerErrorMessage("SFEHLER\0VERROR\0C23514\0"
                + "Mneue Zeile für Relation »users« verletzt Check-Constraint »ck_users_not_forbidden«\0"
                + "DFehlgeschlagene Zeile enthält (1, forbidden@example.com, " + HASH + ", Forbidden).\0"
                + "tusers\0nck_users_not_forbidden\0"));

        DataException refusal = SqlFailures.translate(german, null);

        assertThat(refusal).hasMessageContaining("ck_users_not_forbidden").hasMessageNotContaining(HASH);
        for (Throwable cause = refusal.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(cause.getMessage()).as("a cause, as a logged stack trace prints it").doesNotContain(HASH);
        }
    }
}
