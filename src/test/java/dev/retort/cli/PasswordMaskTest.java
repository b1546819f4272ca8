package dev.retort.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordMaskTest {

    @Test
    void maskLeavesWordsThatMerelyContainThePasswordAndThePunctuationAfterAMaskedOne() {
        ConnectionUrl common = ConnectionUrl.parse("postgresql://app:postgres@localhost:5499/app");
        assertThat(PasswordMask.mask("Cannot connect to " + common.masked() + ": FATAL: password authentication"
                + " failed for user \"app\" (postgres)", common))
                .isEqualTo("Cannot connect to postgresql://app:***@localhost:5499/app: FATAL: password"
                        + " authentication failed for user \"app\" (***)");
        ConnectionUrl jdbc = ConnectionUrl.parse("jdbc:postgresql://localhost:5499/app?user=u&password=wrongpw");
        assertThat(PasswordMask.mask("Cannot connect to " + jdbc.masked() + ": refused", jdbc))
                .isEqualTo("Cannot connect to jdbc:postgresql://localhost:5499/app?user=u&password=***: refused");
    }

    @Test
    void maskTakesThePasswordOutOfAnyText() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://alice:p%40ss+w0rd@h/db");
        String message = "could not log in as alice with p@ss+w0rd (encoded p%40ss%2Bw0rd) "
                + "to postgresql://alice:p@ss+w0rd@h/db";

        assertThat(PasswordMask.mask(message, url)).doesNotContain("ss+w0rd").doesNotContain("ss%2Bw0rd")
                .startsWith("could not log in as alice with ***")
                .endsWith("to postgresql://alice:***@h/db");
    }

    @Test
    void maskWithoutUrlStillHidesUrlShapedPasswords() {
        assertThat(PasswordMask.mask("at jdbc:postgresql://h/db?password=s3cret&ssl=true or postgres://u:s3cret@h/db",
                null)).isEqualTo("at jdbc:postgresql://h/db?password=***&ssl=true or postgres://u:***@h/db");
    }

    @Test
    void maskHidesKeywordPasswordsQuotedOrNot() {
        assertThat(PasswordMask.mask("given host=db password='a \\' b' user=x, or sslpassword = s3cret or "
                + "?password=q&x=1", null))
                .isEqualTo("given host=db password=*** user=x, or sslpassword = *** or ?password=***&x=1");
        assertThat(PasswordMask.mask("host=db password=a\\ b\\ c user=x password=***x", null))
                .isEqualTo("host=db password=*** user=x password=***");
    }
}
