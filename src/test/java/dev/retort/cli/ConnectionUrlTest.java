package dev.retort.cli;

import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionUrlTest {

    @Test
    void libpqUrlGivesJdbcUrlWithoutCredentials() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://alice:s3cret@db.example.com:6543/shop?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/shop?sslmode=require");
        assertThat(url.user()).isEqualTo("alice");
        assertThat(url.password()).isEqualTo("s3cret");
    }

    @Test
    void postgresSchemeIsReadAsHerokuWritesDatabaseUrl() {
        ConnectionUrl url = ConnectionUrl.parse("postgres://u1:pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8ab\n");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8ab");
        assertThat(url.user()).isEqualTo("u1");
        assertThat(url.password()).isEqualTo("pw");
    }

    @Test
    void portDefaultsTo5432AndPasswordToNone() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://app@localhost/app");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isNull();
    }

    @Test
    void percentEncodedUserAndPasswordAreDecodedWithPlusKept() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://admin%40corp:p%40ss%2Fw%3Ard+x@h/db");

        assertThat(url.user()).isEqualTo("admin@corp");
        assertThat(url.password()).isEqualTo("p@ss/w:rd+x");
    }

    @Test
    void passwordWithAnUnencodedAtRunsToTheLastAt() {
        assertThat(ConnectionUrl.parse("postgresql://u:p@ss@h/db").password()).isEqualTo("p@ss");
    }

    @Test
    void ipv6HostsStayInBrackets() {
        assertThat(ConnectionUrl.parse("postgresql://u:p@[::1]:5433/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5433/db");
        assertThat(ConnectionUrl.parse("postgresql://[2001:db8::1]/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[2001:db8::1]:5432/db");
    }

    @Test
    void queryParametersPassThroughWithLibpqNamesRenamedForPgjdbc() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                + "&application_name=shop&connect_timeout=3");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                + "&ApplicationName=shop&connectTimeout=3");
    }

    @Test
    void jdbcUrlKeepsItsParametersButGivesUpUserAndPassword() {
        ConnectionUrl url = ConnectionUrl.parse("jdbc:postgresql://h:5433/db?user=bob&password=x%26y&sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5433/db?sslmode=require");
        assertThat(url.user()).isEqualTo("bob");
        assertThat(url.password()).isEqualTo("x&y");
    }

    @Test
    void jdbcUrlWithSeveralHostsGetsEachItsPort() {
        assertThat(ConnectionUrl.parse("jdbc:postgresql://h1,h2:5433/db?targetServerType=primary").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary");
    }

    @Test
    void libpqDatabaseNameIsPercentDecodedThenWrittenAsPgjdbcDecodesIt() {
        assertThat(ConnectionUrl.parse("postgresql://h/my%20db+1").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:5432/my+db%2B1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                                        | it is empty
            '   '                                     | it is empty
            mysql://root:hunter2@db/shop              | Retort speaks to PostgreSQL
            jdbc:mysql://db/shop?password=hunter2     | Retort speaks to PostgreSQL
            jdbc:postgresql:shop                      | the host must follow jdbc:postgresql://
            not a url                                 | it is not a URL
            root:hunter2@db/shop                      | it is not a URL
            postgresql:///shop                        | it names no host
            postgresql://root:hunter2@/shop           | it names no host
            postgresql:///shop?host=/var/run/pg       | it names a Unix-domain socket (host=/…), and pgjdbc connects
            postgresql://u:p@/shop?host=%2Ftmp        | over TCP only: give the server's host name and port
            postgresql://root:hunter2@db:99999/shop   | the port is not a number from 1 to 65535
            postgresql://root:hunter2@db:abc/shop     | the port is not a number from 1 to 65535
            postgresql://root:hunter2@db:/shop        | the port is not a number from 1 to 65535
            postgresql://root:hunter2@db              | it names no database
            jdbc:postgresql://db/?password=hunter2    | it names no database
            postgresql://root:hunter2@[::1/shop       | lacks its closing ]
            postgresql://root:hunter2@::1/shop        | an IPv6 address goes in brackets
            postgresql://root:hunt/er2@db/shop        | a / in the user or password must be written %2F
            postgresql://root:hun?ter2@db/shop        | the port is not a number
            postgresql://root:hunter2@db%/shop        | the host is not a host name
            postgresql://root:hunter2@db/shop?x=%zz   | broken %-escape
            """)
    void unreadableUrlIsOneLineThatNeverShowsThePassword(String text, String problem) {
        assertThatThrownBy(() -> ConnectionUrl.parse(text))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageStartingWith("Invalid database URL '")
                .hasMessageContaining(problem)
                .hasMessageEndingWith("; give postgresql://user:password@host:5432/database"
                        + " or jdbc:postgresql://host:5432/database.")
                .hasMessageNotContaining("hun")
                .hasMessageNotContaining("er2")
                .hasMessageNotContaining("\n");
    }

    @Test
    void libpqsKeywordSpellingIsReadAsTheUrlItStandsFor() {
        ConnectionUrl url = ConnectionUrl.parse("host=db.example.com port = 6432 dbname=shop user=alice "
                + "password='p w\\'d@x' sslmode=require application_name=nightly");

        assertThat(url.jdbcUrl()).isEqualTo(
                "jdbc:postgresql://db.example.com:6432/shop?sslmode=require&ApplicationName=nightly");
        assertThat(url.user()).isEqualTo("alice");
        assertThat(url.password()).isEqualTo("p w'd@x");
        assertThat(url.masked()).isEqualTo(
                "postgresql://alice:***@db.example.com:6432/shop?sslmode=require&application_name=nightly");
        assertThat(ConnectionUrl.parse("host=a,b port=5433 user=app").jdbcUrl())
                .isEqualTo("jdbc:postgresql://a:5433,b:5433/app");
        assertThat(ConnectionUrl.parse("dbname=app hostaddr=::1").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/app");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            host=db user=app password='hunter2 dbname=app  | the value of 'password' has no closing quote
            host=db user=app password                      | 'password' has no value
            db.example.com password=hunter2                | it is not a URL
            host=/var/run/postgresql password=hunter2      | it names a Unix-domain socket
            DATABASE_URL=postgresql://app:hunter2@db/app   | 'DATABASE_URL' is not one of libpq's keywords
            host=a,b port=1,2,3 password=hunter2 dbname=x  | 3 ports for 2 hosts
            host=db port=99999 password=hunter2 dbname=x   | the port is not a number from 1 to 65535
            service=prod password=hunter2                  | Retort does not read pg_service.conf
            host=db passfile=/tmp/pgpass password=hunter2  | give the password file in PGPASSFILE instead
            """)
    void anUnreadableKeywordStringNeverShowsThePassword(String text, String problem) {
        assertThatThrownBy(() -> ConnectionUrl.parse(text))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageContaining(problem)
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("hun");
    }

    /** As psql, the error says what is wrong and not the string: a password may stand anywhere in it. */
    @Test
    void anUnreadableKeywordStringIsNotRepeated() {
        assertThatThrownBy(() -> ConnectionUrl.parse("host=db port=99999 password='hunter 2' dbname=x"))
                .hasMessage("Invalid connection string: the port is not a number from 1 to 65535.");
        assertThatThrownBy(() -> ConnectionUrl.parse("host=db user=app pwd=hunter2"))
                .hasMessage("Invalid connection string: 'pwd' is not one of libpq's keywords (host, port, dbname, "
                        + "user, password, sslmode, …).");
        assertThatThrownBy(() -> ConnectionUrl.parse("host=db password='hun''ter2'"))
                .hasMessageStartingWith("Invalid connection string: a word has no value")
                .hasMessageNotContaining("ter2");
    }

    @Test
    void aBackslashThatEndsAKeywordStringEscapesNothing() {
        assertThat(ConnectionUrl.parse("host=db dbname=x password=hunter2\\").password()).isEqualTo("hunter2");
        assertThatThrownBy(() -> ConnectionUrl.parse("host=db dbname=x password='hunter2\\"))
                .hasMessageContaining("has no closing quote");
    }

    @Test
    void anSslModeNeitherLibpqNorPgjdbcKnowsIsRefusedAtOnce() {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://app:hunter2@db/app?sslmode=bogus"))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageContaining("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full")
                .hasMessageNotContaining("hunter2");
        assertThat(ConnectionUrl.parse("postgresql://app@db/app?sslmode=verify-full").jdbcUrl()).endsWith("?sslmode=verify-full");
    }

    @Test
    void unreadableUrlIsRepeatedWithItsCredentialsHidden() {
        assertThatThrownBy(() -> ConnectionUrl.parse("mysql://root:hunter2@db/shop"))
                .hasMessage("Invalid database URL 'mysql://***@db/shop': Retort speaks to PostgreSQL; "
                        + "give postgresql://user:password@host:5432/database or jdbc:postgresql://host:5432/database.");
    }

    @Test
    void maskedHidesThePasswordInBothSpellings() {
        assertThat(ConnectionUrl.parse("postgresql://alice:s%40cret@h:5432/db?sslmode=require").masked())
                .isEqualTo("postgresql://alice:***@h:5432/db?sslmode=require");
        assertThat(ConnectionUrl.parse("jdbc:postgresql://h/db?user=bob&password=s3cret&ssl=true").masked())
                .isEqualTo("jdbc:postgresql://h/db?user=bob&password=***&ssl=true");
        assertThat(ConnectionUrl.parse("postgresql://alice@h/db").masked()).isEqualTo("postgresql://alice@h/db");
    }

    @Test
    void printingTheRecordShowsTheMaskedUrl() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://alice:s3cret@h/db");

        assertThat(url.toString()).isEqualTo("postgresql://alice:***@h/db");
    }

    @Test
    void dataSourceNamesTheApplicationAndBoundsTheConnectTime() {
        PGSimpleDataSource dataSource = (PGSimpleDataSource) ConnectionUrl.parse("postgresql://alice:s3cret@h/db")
                .dataSource("retort");

        assertThat(dataSource.getApplicationName()).isEqualTo("retort");
        assertThat(dataSource.getConnectTimeout()).isEqualTo(10);
        assertThat(dataSource.getUser()).isEqualTo("alice");
        assertThat(dataSource.getPassword()).isEqualTo("s3cret");
    }

    @Test
    void dataSourceLeavesApplicationNameAndConnectTimeoutTheUrlSets() {
        PGSimpleDataSource fromJdbc = (PGSimpleDataSource) ConnectionUrl
                .parse("jdbc:postgresql://h/db?ApplicationName=shop&connectTimeout=3").dataSource("retort");
        PGSimpleDataSource fromLibpq = (PGSimpleDataSource) ConnectionUrl
                .parse("postgresql://h/db?application_name=shop&connect_timeout=3").dataSource("retort");

        assertThat(fromJdbc.getApplicationName()).isEqualTo("shop");
        assertThat(fromJdbc.getConnectTimeout()).isEqualTo(3);
        assertThat(fromLibpq.getApplicationName()).isEqualTo("shop");
        assertThat(fromLibpq.getConnectTimeout()).isEqualTo(3);
    }

    @Test
    void parsedLibpqUrlConnectsToPostgresAsRetort() throws SQLException {
        TestDatabase database = TestPostgres.newDatabase("connection_url");
        ConnectionUrl url = ConnectionUrl.parse(database.postgresUrl());

        try (Connection connection = url.dataSource("retort").getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_database(), current_setting('application_name'),"
                     + " (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid())")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo(database.name());
            assertThat(row.getString(2)).isEqualTo("retort");
            assertThat(row.getString(3)).isEqualTo("retort");
        }
    }

    /** Its equals is written out (see there): every component counts, the password included. */
    @Test
    void twoUrlsAreEqualWhenTheyNameTheSameServerDatabaseUserAndPassword() {
        ConnectionUrl url = ConnectionUrl.parse("postgresql://app:pw@db.example.com:5433/app?sslmode=require");

        assertThat(url).isEqualTo(ConnectionUrl.parse("postgresql://app:pw@db.example.com:5433/app?sslmode=require"))
                .hasSameHashCodeAs(ConnectionUrl.parse("postgresql://app:pw@db.example.com:5433/app?sslmode=require"));
        assertThat(ConnectionUrl.parse("postgresql://app@db.example.com:5433/app").withPasswordIfAbsent("pw"))
                .isEqualTo(ConnectionUrl.parse("postgresql://app@db.example.com:5433/app").withPasswordIfAbsent("pw"));
        for (String other : List.of("postgresql://app:other@db.example.com:5433/app?sslmode=require",
                "postgresql://ops:pw@db.example.com:5433/app?sslmode=require",
                "postgresql://app:pw@db.example.com:5432/app?sslmode=require",
                "postgresql://app:pw@db.example.com:5433/app")) {
            assertThat(ConnectionUrl.parse(other)).as(other).isNotEqualTo(url);
        }
        assertThat(url).isNotEqualTo(null).isNotEqualTo(url.masked());
    }

    /**
     * pgjdbc ignores a parameter it does not know without a word: libpq's spellings of what guards a connection are
     * renamed, in either spelling of the URL and in the keyword one (security review).
     */
    @Test
    void libpqsSecurityParametersReachPgjdbcUnderItsNames() {
        assertThat(ConnectionUrl.parse("postgresql://h/db?channel_binding=require&gssencmode=disable"
                + "&sslnegotiation=postgres").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:5432/db?channelBinding=require&gssEncMode=disable&sslNegotiation=postgres");
        assertThat(ConnectionUrl.parse("jdbc:postgresql://h/db?channel_binding=require").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:5432/db?channelBinding=require");
        assertThat(ConnectionUrl.parse("host=h dbname=db channel_binding=require").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:5432/db?channelBinding=require");
    }

    /** libpq reads a + in a query value as itself, pgjdbc as a space: a libpq URL's + reaches pgjdbc as %2B. */
    @Test
    void aPlusInALibpqUrlsQueryStaysAPlus() {
        assertThat(ConnectionUrl.parse("postgresql://h/db?application_name=deploy+42&sslrootcert=/certs/a+b.pem")
                .jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?ApplicationName=deploy%2B42"
                        + "&sslrootcert=/certs/a%2Bb.pem");
        assertThat(ConnectionUrl.parse("jdbc:postgresql://h/db?ApplicationName=deploy+42").jdbcUrl())
                .as("pgjdbc's own spelling, read as pgjdbc reads it").endsWith("?ApplicationName=deploy+42");
    }

    /** A failover pair's URL picks its primary as libpq would: pgjdbc knows target_session_attrs under another name. */
    @ParameterizedTest
    @CsvSource({"read-write, primary", "primary, primary", "read-only, secondary", "standby, secondary",
            "prefer-standby, preferSecondary", "any, any"})
    void targetSessionAttrsReachPgjdbcAsItsTargetServerType(String libpq, String pgjdbc) {
        assertThat(ConnectionUrl.parse("postgresql://db1:5432,db2:5432/app?target_session_attrs=" + libpq).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=" + pgjdbc);
        assertThat(ConnectionUrl.parse("host=db1,db2 dbname=app target_session_attrs=" + libpq).jdbcUrl())
                .endsWith("?targetServerType=" + pgjdbc);
    }

    /**
     * Every libpq variable for a parameter this class renames or refuses is taken as psql takes it (code review):
     * PGSSLMINPROTOCOLVERSION=TLSv1.3 was dropped without a word, where ssl_min_protocol_version=TLSv1.3 is refused,
     * and PGTARGETSESSIONATTRS and PGSSLNEGOTIATION were ignored.
     */
    @Test
    void libpqsVariablesForRenamedOrRefusedParametersAreTakenAsTheParametersAre() {
        assertThatThrownBy(() -> ConnectionUrl.fromEnvironment("postgresql://h/db",
                Map.of("PGSSLMINPROTOCOLVERSION", "TLSv1.3")))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageContaining("PGSSLMINPROTOCOLVERSION in the environment: ssl_min_protocol_version=TLSv1.3 "
                        + "cannot be honoured");
        // Named, where "In the environment (PGSSLMODE and the like)" left the user to guess which of them it was.
        assertThatThrownBy(() -> ConnectionUrl.fromEnvironment("postgresql://h/db",
                Map.of("PGSSLMODE", "require", "PGREQUIREAUTH", "scram-sha-256")))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageStartingWith("PGREQUIREAUTH in the environment: require_auth cannot be honoured");
        assertThatThrownBy(() -> ConnectionUrl.fromEnvironment("postgresql://h/db",
                Map.of("PGSSLMODE", "sometimes", "PGSSLNEGOTIATION", "direct")))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageStartingWith("PGSSLMODE in the environment: sslmode must be one of");
        assertThatThrownBy(() -> ConnectionUrl.fromEnvironment("postgresql://h/db",
                Map.of("PGSSLROOTCERT", "system")))
                .isInstanceOf(InvalidUrlException.class).hasMessageContaining("sslrootcert=system cannot be honoured");
        assertThat(ConnectionUrl.fromEnvironment("postgresql://db1,db2/app",
                Map.of("PGTARGETSESSIONATTRS", "read-write", "PGSSLNEGOTIATION", "direct")).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db1:5432,db2:5432/app?sslNegotiation=direct&targetServerType=primary");
        assertThat(ConnectionUrl.fromEnvironment("postgresql://db1,db2/app?target_session_attrs=any",
                Map.of("PGTARGETSESSIONATTRS", "read-write")).jdbcUrl())
                .as("the URL's own wins").isEqualTo("jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=any");
    }

    /**
     * An Alembic project's application often shares DATABASE_URL with its migrations, in SQLAlchemy's spelling: for
     * the libpq drivers it is libpq's URL with the driver named, and reads as that. Another driver's parameters are
     * not libpq's (asyncpg's ssl=require does not check the certificate; pgjdbc's does), so it is refused, saying why.
     */
    @Test
    void sqlAlchemysSpellingForTheLibpqDriversIsLibpqsUrl() {
        ConnectionUrl plain = ConnectionUrl.parse("postgresql://app:pw@db:5433/app?sslmode=require");

        for (String driver : List.of("psycopg2", "psycopg", "PSYCOPG2")) {
            ConnectionUrl url = ConnectionUrl.parse("postgresql+" + driver + "://app:pw@db:5433/app?sslmode=require");
            assertThat(url.jdbcUrl()).isEqualTo(plain.jdbcUrl());
            assertThat(url.user()).isEqualTo("app");
            assertThat(url.password()).isEqualTo("pw");
            assertThat(url.masked()).isEqualTo("postgresql+" + driver + "://app:***@db:5433/app?sslmode=require");
        }
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql+asyncpg://app:pw@db/app?ssl=require"))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageContaining("that is SQLAlchemy's spelling for the asyncpg driver, whose query parameters "
                        + "are not libpq's; write it postgresql://… without +asyncpg")
                .hasMessageNotContaining("pw");
    }

    /**
     * A variable's value reaches pgjdbc as it was: a space in PGSSLROOTCERT's path was encoded as '+', which the
     * libpq-style reading keeps as a '+', so pgjdbc looked for a file that is not there (and sslmode=require then
     * quietly went without checking the certificate, as it does when there is no root certificate).
     */
    @Test
    void aSpaceInAVariablesValueReachesPgjdbcAsASpace() {
        String jdbc = ConnectionUrl.fromEnvironment("postgresql://h/db",
                Map.of("PGSSLROOTCERT", "/etc/my certs/root+ca.crt")).jdbcUrl();

        assertThat(org.postgresql.Driver.parseURL(jdbc, null).getProperty("sslrootcert"))
                .isEqualTo("/etc/my certs/root+ca.crt");
    }

    /**
     * pgjdbc's ssl=true (or a bare ssl) is sslmode=verify-full unless sslmode is set: PGSSLMODE=prefer added to it
     * made the URL connect without checking the certificate, or without TLS at all (code review).
     */
    @ParameterizedTest
    @CsvSource({"ssl=true", "ssl", "ssl=true&connectTimeout=5"})
    void pgjdbcsSslParameterSetsTheSslModeThatPgsslmodeWouldOtherwiseSet(String parameters) {
        String url = "jdbc:postgresql://h:5432/db?" + parameters;

        assertThat(ConnectionUrl.fromEnvironment(url, Map.of("PGSSLMODE", "prefer")).jdbcUrl()).isEqualTo(url);
    }

    @Test
    void anUnknownTargetSessionAttrsIsRefusedWithTheValuesLibpqTakes() {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://db1,db2/app?target_session_attrs=master"))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessageContaining("target_session_attrs must be one of any, read-write, read-only, primary, "
                        + "standby, prefer-standby");
    }

    /** What would make a connection stricter and pgjdbc cannot do is refused, not dropped (security review). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "require_auth=scram-sha-256 | require_auth cannot be honoured: pgjdbc cannot limit the authentication methods",
            "sslcrl=/etc/crl.pem | sslcrl cannot be honoured: pgjdbc reads no certificate revocation list",
            "sslcrldir=/etc/crl | sslcrldir cannot be honoured",
            "sslcertmode=require | sslcertmode=require cannot be honoured",
            "ssl_min_protocol_version=TLSv1.3 | ssl_min_protocol_version=TLSv1.3 cannot be honoured",
            "sslrootcert=system | sslrootcert=system cannot be honoured: pgjdbc knows no system certificate store",
    })
    void securityParametersPgjdbcCannotHonourAreRefused(String parameter, String problem) {
        assertThatThrownBy(() -> ConnectionUrl.parse("postgresql://app:hunter2@db/app?" + parameter))
                .isInstanceOf(InvalidUrlException.class).hasMessageContaining(problem)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ConnectionUrl.parse("host=db user=app password=hunter2 " + parameter))
                .isInstanceOf(InvalidUrlException.class).hasMessageContaining(problem)
                .hasMessageNotContaining("hunter2");
        assertThat(ConnectionUrl.parse("postgresql://db/app?sslcertmode=allow&ssl_min_protocol_version=TLSv1.2")
                .jdbcUrl()).endsWith("?sslcertmode=allow&ssl_min_protocol_version=TLSv1.2");
    }

    /**
     * libpq checks the server's certificate at sslmode=require when there is a root certificate (as verify-ca);
     * pgjdbc at require never does, so Retort asks it for verify-ca then (security review).
     */
    @Test
    void sslmodeRequireChecksTheCertificateWhenThereIsARootCertificate(@TempDir Path folder) throws IOException {
        Path rootCert = Files.writeString(folder.resolve("ca.pem"), "not read before connecting");

        assertThat(((PGSimpleDataSource) ConnectionUrl.parse("postgresql://h/db?sslmode=require&sslrootcert="
                + rootCert).dataSource("retort")).getSslMode()).isEqualTo("verify-ca");
        assertThat(((PGSimpleDataSource) ConnectionUrl.parse("postgresql://h/db?sslmode=require&sslrootcert="
                + folder.resolve("none.pem")).dataSource("retort")).getSslMode()).isEqualTo("require");
        assertThat(((PGSimpleDataSource) ConnectionUrl.parse("postgresql://h/db?sslmode=verify-full&sslrootcert="
                + rootCert).dataSource("retort")).getSslMode()).isEqualTo("verify-full");

        String home = System.getProperty("user.home");
        try {
            System.setProperty("user.home", folder.toString());
            assertThat(((PGSimpleDataSource) ConnectionUrl.parse("postgresql://h/db?sslmode=require")
                    .dataSource("retort")).getSslMode()).as("without root.crt").isEqualTo("require");
            Files.createDirectory(folder.resolve(".postgresql"));
            Files.copy(rootCert, folder.resolve(".postgresql/root.crt"));
            assertThat(((PGSimpleDataSource) ConnectionUrl.parse("postgresql://h/db?sslmode=require")
                    .dataSource("retort")).getSslMode()).as("with ~/.postgresql/root.crt").isEqualTo("verify-ca");
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
