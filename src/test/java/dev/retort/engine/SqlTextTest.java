package dev.retort.engine;

import dev.retort.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The passwords a revision's SQL may hold are taken out of what Retort shows of it, and nothing else is. */
class SqlTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "CREATE ROLE app LOGIN PASSWORD 's3cr''et' VALID UNTIL 'infinity' | CREATE ROLE app LOGIN PASSWORD '***' VALID UNTIL 'infinity'",
            "alter user app with encrypted password E'a\\'b' | alter user app with encrypted password '***'",
            "ALTER ROLE app PASSWORD U&'d\\0061t' | ALTER ROLE app PASSWORD '***'",
            "ALTER ROLE app PASSWORD $p$ x $p$ LOGIN | ALTER ROLE app PASSWORD '***' LOGIN",
            "ALTER ROLE app PASSWORD $$x$$ | ALTER ROLE app PASSWORD '***'",
            "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password 'p') | CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password '***')",
            "ALTER USER MAPPING FOR app SERVER s OPTIONS (SET \"password\" 'p') | ALTER USER MAPPING FOR app SERVER s OPTIONS (SET \"password\" '***')",
            "CREATE SUBSCRIPTION s CONNECTION 'host=h password=p dbname=d' PUBLICATION p | CREATE SUBSCRIPTION s CONNECTION 'host=h password=*** dbname=d' PUBLICATION p",
            "SELECT dblink_connect('host=h password=''a b'' dbname=d') | SELECT dblink_connect('host=h password=*** dbname=d')",
            "SELECT dblink_connect('postgresql://u:p@h/d?sslpassword=k') | SELECT dblink_connect('postgresql://u:***@h/d?sslpassword=***')",
            "ALTER ROLE app PASSWORD 'cut short… | ALTER ROLE app PASSWORD '***'",
            "ALTER ROLE app PASSWORD /* rotated */ 'p' | ALTER ROLE app PASSWORD /* rotated */ '***'",
            "SELECT dblink_connect('postgresql://u:p''q@h/d?password=ab''cd') | SELECT dblink_connect('postgresql://u:***@h/d?password=***')",
            "CREATE SUBSCRIPTION s CONNECTION 'dbname = d password = p' PUBLICATION p | CREATE SUBSCRIPTION s CONNECTION 'dbname = d password = ***' PUBLICATION p",
            "SELECT dblink_connect('host=a,b user=''u v'' password=p') | SELECT dblink_connect('host=a,b user=''u v'' password=***')",
    })
    void passwordsAreTakenOut(String sql, String shown) {
        assertThat(SqlText.withoutSecrets(sql)).isEqualTo(shown);
    }

    /** PostgreSQL reads a comment as a space, so one between PASSWORD and its literal hides nothing. */
    @Test
    void aPasswordAfterALineCommentIsTakenOut() {
        assertThat(SqlText.withoutSecrets("ALTER ROLE app PASSWORD -- rotated\n  'p' LOGIN"))
                .isEqualTo("ALTER ROLE app PASSWORD -- rotated\n  '***' LOGIN");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER TABLE users ADD COLUMN password_hash varchar(255) NOT NULL DEFAULT ''",
            "COMMENT ON COLUMN users.password IS 'the hash'",
            "SET password_encryption = 'scram-sha-256'",
            "ALTER ROLE app PASSWORD NULL",
            "INSERT INTO t (password) VALUES ('x')",
            "UPDATE accounts SET password = NULL WHERE id = 1",
            "UPDATE accounts SET locked = true, password = crypt(new_password, gen_salt('bf'))",
            "SELECT id FROM accounts WHERE password=$1",
    })
    void otherSqlIsLeftAsItIs(String sql) {
        assertThat(SqlText.withoutSecrets(sql)).isEqualTo(sql);
    }

    /** An offline script's literals read back as the text they were made of, whatever standard_conforming_strings. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "it's", "C:\\temp\\new", "a \\' b", "\\", "é…"})
    void literalsReadTheSameWhateverStandardConformingStrings(String text) throws SQLException {
        try (Connection connection = TestPostgres.newDatabase("sql_literals").connect();
             Statement statement = connection.createStatement()) {
            for (String setting : new String[] {"on", "off"}) {
                statement.execute("SET standard_conforming_strings = " + setting);
                try (ResultSet rows = statement.executeQuery("SELECT " + SqlText.literal(text))) {
                    rows.next();
                    assertThat(rows.getString(1)).as(setting).isEqualTo(text);
                }
            }
        }
    }
}
