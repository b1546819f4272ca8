package dev.retort.cli;

import dev.retort.engine.CatalogSnapshot;
import dev.retort.testing.ProjectHead;
import dev.retort.testing.TestPostgres;
import dev.retort.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad invocations, one row each: every one exits with its documented code, says on one line of stderr what is
 * wrong and what to do, prints nothing that looks like a migration, never shows the password, and leaves the
 * database exactly as it was (catalog, {@code alembic_version}, row counts, the server's list of databases).
 *
 * <p>In a case's arguments and environment, {@code {db}} is the URL of the case's database, with the password
 * {@value #PASSWORD} (the test server trusts every local connection, so a password is accepted and ignored),
 * {@code {port}} the test server's port and {@code {name}} the case's database name.
 */
class BadInputTableTest {

    private static final String PASSWORD = "s3cret";
    private static final String HELP = "See 'retort --help'.";
    private static final String HELP_UPGRADE = "See 'retort upgrade --help'.";
    /** How the list of targets starts; its whole form, short or with "…", is RevisionGraphTest's. */
    private static final String VALID_TARGETS = "Valid targets: head, base, 001, 002, 003,";
    /** Steps from 003, where the cases' databases are, to the head: 3 as shipped, more with a project's revisions. */
    private static final int BELOW_HEAD = ProjectHead.count() - 3;
    private static final String URL_EXAMPLES = "give postgresql://user:password@host:5432/database";
    private static final String CHECK_USER = "Check the user and the password";
    private static final String CHECK_SERVER = "Check that the server is up and that the host and port";
    /** The server is up and answered: it refused what the URL's query parameters asked for. */
    private static final String CHECK_PARAMETERS = "Check the URL's parameters";

    /** The database a case runs against, each set up once with a few rows in it. */
    enum Scene {
        /** Upgraded to 003 by Retort, a row in each of its three tables. */
        AT_003,
        /** The same, then alembic_version changed by hand to a revision Retort does not know. */
        UNKNOWN_REVISION,
        /** The same, then a second row put in alembic_version, as Alembic does for branches. */
        TWO_VERSION_ROWS
    }

    private static final Map<Scene, TestDatabase> DATABASES = new EnumMap<>(Scene.class);
    /**
     * Each scene's state as the last case (or the set-up) left it: the "before" of the next case on it, since nothing
     * else touches these databases. One snapshot per case instead of two keeps the table fast, and a case that
     * changed its database fails alone, without failing the cases after it.
     */
    private static final Map<Scene, DatabaseState> LAST_SEEN = new EnumMap<>(Scene.class);

    @TempDir
    Path home;

    /**
     * One bad invocation.
     *
     * @param fragment what the one error line must say: what is wrong
     * @param advice   what it must also say: what to do about it
     */
    record Case(String name, Scene scene, List<String> args, Map<String, String> environment, int exitCode,
                String fragment, String advice) {

        Case on(Scene other) {
            return new Case(name, other, args, environment, exitCode, fragment, advice);
        }

        Case withEnvironment(String variable, String value) {
            Map<String, String> more = new HashMap<>(environment);
            more.put(variable, value);
            return new Case(name, scene, args, more, exitCode, fragment, advice);
        }

        @Override
        public String toString() {
            return name + ": retort " + String.join(" ", args);
        }
    }

    private static Case bad(String name, int exitCode, String fragment, String advice, String... args) {
        return new Case(name, Scene.AT_003, List.of(args), Map.of(), exitCode, fragment, advice);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // The command line itself: picocli's usage errors.
                bad("unknown verb", ExitCodes.USAGE, "Unknown command 'frobnicate'. Commands: current, history",
                        HELP, "--url", "{db}", "frobnicate", "head"),
                bad("misspelt verb", ExitCodes.USAGE, "Did you mean: upgrade", HELP, "--url", "{db}", "upgrad", "head"),
                bad("help on an unknown verb", ExitCodes.USAGE, "Unknown command 'frobnicate'", HELP,
                        "--url", "{db}", "help", "frobnicate"),
                bad("unknown option", ExitCodes.USAGE, "Unknown option: '--frobnicate'", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--frobnicate"),
                bad("misspelt option", ExitCodes.USAGE, "Did you mean: --lock-timeout", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-timout", "2s"),
                bad("missing TARGET of upgrade", ExitCodes.USAGE, "Missing required parameter: 'TARGET'", HELP_UPGRADE,
                        "--url", "{db}", "upgrade"),
                bad("missing TARGET of stamp", ExitCodes.USAGE, "Missing required parameter: 'TARGET'",
                        "See 'retort stamp --help'.", "--url", "{db}", "stamp"),
                bad("two targets", ExitCodes.USAGE, "Unexpected argument '004': upgrade takes one TARGET.", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "004"),
                bad("an argument heads does not take", ExitCodes.USAGE, "Unexpected argument 'extra': heads takes no argument.",
                        "See 'retort heads --help'.", "--url", "{db}", "heads", "extra"),
                bad("--url without its value", ExitCodes.USAGE, "Missing required parameter for option '--url'",
                        "See 'retort current --help'.", "current", "--url"),
                bad("--url twice", ExitCodes.USAGE, "option '--url' (URL) should be specified only once", HELP,
                        "--url", "{db}", "--url", "{db}", "upgrade", "head"),
                bad("an argument file that does not exist", ExitCodes.USAGE, "No argument file "
                        + "/no/such/retort-args: a word that starts with @ names a file of arguments to read", HELP,
                        "--url", "{db}", "@/no/such/retort-args", "upgrade", "head"),
                bad("an argument file that does not exist, after the verb", ExitCodes.USAGE, "No argument file "
                        + "/no/such/retort-args", HELP_UPGRADE, "--url", "{db}", "upgrade", "head",
                        "@/no/such/retort-args"),
                bad("an argument file that cannot be read", ExitCodes.USAGE, "Could not read the argument file /: it "
                        + "is a directory.", HELP, "--url", "{db}", "upgrade", "@/"),
                bad("--url before the verb and after it", ExitCodes.USAGE, "option '--url' (URL) should be specified "
                        + "only once, before the verb or after it", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--url", "{db}"),
                bad("--lock-wait before the verb and after it", ExitCodes.USAGE, "option '--lock-wait' (DURATION) "
                        + "should be specified only once", HELP_UPGRADE,
                        "--lock-wait", "1s", "--url", "{db}", "upgrade", "head", "--lock-wait", "2s"),

                // Offline SQL: the range is read without any database.
                bad("--sql range going down", ExitCodes.USAGE, "upgrade --sql 005:003 goes down from 005 to 003",
                        "use downgrade --sql 005:003", "--url", "{db}", "upgrade", "005:003", "--sql"),
                bad("--sql downgrade without FROM", ExitCodes.USAGE, "downgrade --sql needs FROM:TO",
                        "e.g. 006:003", "--url", "{db}", "downgrade", "003", "--sql"),
                bad("--sql range from current", ExitCodes.USAGE, "'current:head' is not a range for --sql",
                        "give FROM:TO", "--url", "{db}", "upgrade", "current:head", "--sql"),
                bad("--sql range to an unknown id", ExitCodes.USAGE, "No revision '999'.", VALID_TARGETS,
                        "--url", "{db}", "upgrade", "003:999", "--sql"),
                bad("--sql with --dry-run", ExitCodes.USAGE, "--sql and --dry-run do not go together",
                        HELP_UPGRADE, "--url", "{db}", "upgrade", "head", "--sql", "--dry-run"),
                bad("stamp --sql counting from the current revision", ExitCodes.USAGE, "stamp --sql reads no "
                        + "database, so '-1' cannot count from the current revision", "give an id, head or base",
                        "--url", "{db}", "stamp", "-1", "--sql"),

                // Targets.
                bad("nonexistent id", ExitCodes.USAGE, "No revision '999'.", VALID_TARGETS,
                        "--url", "{db}", "upgrade", "999"),
                bad("not an id at all", ExitCodes.USAGE, "No revision 'abc'.", VALID_TARGETS,
                        "--url", "{db}", "upgrade", "abc"),
                bad("empty target", ExitCodes.USAGE, "No revision ''.", VALID_TARGETS, "--url", "{db}", "upgrade", ""),
                bad("ambiguous prefix", ExitCodes.USAGE, "'00' is ambiguous: it starts 001, 002",
                        "Give more of the id.", "--url", "{db}", "upgrade", "00"),
                bad("+99 past head", ExitCodes.USAGE, "'+99' goes past head: the current revision 003 is " + BELOW_HEAD
                        + " steps below head " + ProjectHead.id() + ".", "Give +" + BELOW_HEAD + " or head",
                        "--url", "{db}", "upgrade", "+99"),
                bad("head+1 past head", ExitCodes.USAGE, "'head+1' goes past head", "Give head",
                        "--url", "{db}", "upgrade", "head+1"),
                bad("003+99 past head", ExitCodes.USAGE, "'003+99' goes past head: 003 is " + BELOW_HEAD + " steps "
                        + "below head " + ProjectHead.id() + ".", "Give 003+" + BELOW_HEAD + " or head",
                        "--url", "{db}", "upgrade", "003+99"),
                bad("-9 past base", ExitCodes.USAGE, "'-9' goes past base: the current revision 003 is 3 steps above "
                        + "base.", "Give -3 or base", "--url", "{db}", "downgrade", "-9"),
                bad("downgrade to a revision ahead", ExitCodes.USAGE, "Cannot downgrade to 005: it is ahead of the "
                        + "current revision 003.", "To go forward, use upgrade 005.",
                        "--url", "{db}", "downgrade", "005"),
                bad("downgrade +1", ExitCodes.USAGE, "downgrade +1 would go up 1 revision", "use upgrade +1.",
                        "--url", "{db}", "downgrade", "+1"),
                bad("upgrade -1, as Alembic refuses it", ExitCodes.USAGE, "upgrade -1 would go down 1 revision",
                        "use downgrade -1.", "--url", "{db}", "upgrade", "-1"),
                bad("upgrade -2 as a dry run", ExitCodes.USAGE, "upgrade -2 would go down 2 revisions",
                        "use downgrade -2.", "--url", "{db}", "upgrade", "--dry-run", "-2"),
                bad("dry run to a nonexistent id", ExitCodes.USAGE, "No revision '999'.", VALID_TARGETS,
                        "--url", "{db}", "upgrade", "--dry-run", "999"),
                bad("stamp of an unknown id", ExitCodes.USAGE, "No revision '999'.", VALID_TARGETS,
                        "--url", "{db}", "stamp", "999"),
                bad("stamp head+1", ExitCodes.USAGE, "'head+1' goes past head", "Give head",
                        "--url", "{db}", "stamp", "head+1"),
                bad("stamp +99", ExitCodes.USAGE, "'+99' goes past head", "Give +" + BELOW_HEAD + " or head",
                        "--url", "{db}", "stamp", "+99"),
                bad("show of an unknown id", ExitCodes.USAGE, "No revision '999'.", VALID_TARGETS,
                        "--url", "{db}", "show", "999"),
                bad("show +99", ExitCodes.USAGE, "'+99' goes past head", "Give +" + BELOW_HEAD + " or head",
                        "--url", "{db}", "show", "+99"),

                // Ranges.
                bad("history range of unknown ids", ExitCodes.USAGE, "No revision '9'.", VALID_TARGETS,
                        "--url", "{db}", "history", "-r", "9:1"),
                bad("history range without a colon", ExitCodes.USAGE, "Range '003' needs exactly one colon",
                        "e.g. 002:004", "--url", "{db}", "history", "-r", "003"),
                bad("history range reversed", ExitCodes.USAGE, "Range '004:002' is empty",
                        "Write it oldest first: 002:004.", "--url", "{db}", "history", "-r", "004:002"),
                bad("history range starting +N", ExitCodes.USAGE, "'+1' cannot be FROM",
                        "write current+1.", "--url", "{db}", "history", "-r", "+1:"),
                bad("history range counting each end from the other", ExitCodes.USAGE,
                        "Range '-2:+3' counts each end from the other", "give one of them as a revision",
                        "--url", "{db}", "history", "-r", "-2:+3"),
                bad("history range past head", ExitCodes.USAGE, "'current+99' goes past head",
                        "Give current+" + BELOW_HEAD + " or head", "--url", "{db}", "history", "-r", "003:current+99"),

                // Lock and time options.
                bad("negative --lock-timeout", ExitCodes.USAGE, "'-1s' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-timeout", "-1s"),
                bad("zero --lock-timeout", ExitCodes.USAGE, "--lock-timeout must be more than 0", "give e.g. 30s",
                        "--url", "{db}", "upgrade", "head", "--lock-timeout", "0"),
                bad("a range without --sql", ExitCodes.USAGE, "'003:head' is a range FROM:TO, which only upgrade "
                        + "--sql", "give one revision", "--url", "{db}", "upgrade", "003:head"),
                bad("a range to stamp", ExitCodes.USAGE, "'003:005' is a range FROM:TO", "give one revision",
                        "--url", "{db}", "stamp", "003:005"),
                bad("--sql range without TO", ExitCodes.USAGE, "'003:' has no TO", "give FROM:TO, e.g. 003:head.",
                        "--url", "{db}", "upgrade", "003:", "--sql"),
                bad("--sql range without FROM", ExitCodes.USAGE, "':003' has no FROM", "give FROM:TO, e.g. head:003.",
                        "--url", "{db}", "downgrade", ":003", "--sql"),
                bad("--lock-timeout without a unit", ExitCodes.USAGE, "'500' has no unit: PostgreSQL would read it "
                        + "as 500 ms", "write 500ms or 500s", "--url", "{db}", "upgrade", "head", "--lock-timeout", "500"),
                bad("--lock-timeout under a millisecond", ExitCodes.USAGE, "'0.0001s' is under a millisecond",
                        "give 1ms or more", "--url", "{db}", "upgrade", "head", "--lock-timeout", "0.0001s"),
                bad("--statement-timeout without a unit", ExitCodes.USAGE, "'600' has no unit", "write 600ms or 600s",
                        "--url", "{db}", "upgrade", "head", "--statement-timeout", "600"),
                bad("--retry-window without a unit", ExitCodes.USAGE, "'120' has no unit", "write 120ms or 120s",
                        "--url", "{db}", "downgrade", "-1", "--retry-window", "120"),
                bad("--lock-timeout not a duration", ExitCodes.USAGE, "'abc' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-timeout", "abc"),
                bad("--lock-timeout on downgrade", ExitCodes.USAGE, "'-1s' is not a duration",
                        "See 'retort downgrade --help'.", "--url", "{db}", "downgrade", "-1", "--lock-timeout", "-1s"),
                bad("negative --lock-retries", ExitCodes.USAGE, "--lock-retries must be 0 or more, not -1",
                        HELP_UPGRADE, "--url", "{db}", "upgrade", "head", "--lock-retries", "-1"),
                bad("--lock-retries not a number", ExitCodes.USAGE, "'x' is not an int", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-retries", "x"),
                bad("negative --lock-wait", ExitCodes.USAGE, "'-5s' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-wait", "-5s"),
                bad("--lock-wait in days", ExitCodes.USAGE, "'8d' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-wait", "8d"),
                bad("--lock-wait over 7 days", ExitCodes.USAGE, "'200h' is longer than the 7 days", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--lock-wait", "200h"),
                bad("negative --statement-timeout", ExitCodes.USAGE, "'-1s' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--statement-timeout", "-1s"),
                bad("--retry-window not a duration", ExitCodes.USAGE, "'x' is not a duration", HELP_UPGRADE,
                        "--url", "{db}", "upgrade", "head", "--retry-window", "x"),
                bad("zero --retry-window", ExitCodes.USAGE, "--retry-window must be more than 0", "give e.g. 2m",
                        "--url", "{db}", "upgrade", "head", "--retry-window", "0"),
                bad("--retry-window shorter than --lock-timeout", ExitCodes.USAGE, "--retry-window (1.0 s) is shorter "
                        + "than --lock-timeout (5.0 s): the first try alone would outlast it, and no retry could follow",
                        "Give a longer --retry-window or a shorter --lock-timeout.",
                        "--url", "{db}", "upgrade", "head", "--lock-timeout", "5s", "--retry-window", "1s"),

                // URLs.
                bad("URL with nothing after the scheme", ExitCodes.USAGE, "Invalid database URL 'postgresql://': it "
                        + "names no host", URL_EXAMPLES, "--url", "postgresql://", "upgrade", "head"),
                bad("URL of another database", ExitCodes.USAGE, "Retort speaks to PostgreSQL", URL_EXAMPLES,
                        "--url", "mysql://root:s3cret@x/y", "upgrade", "head"),
                bad("URL whose port is not a number", ExitCodes.USAGE, "the port is not a number from 1 to 65535",
                        URL_EXAMPLES, "--url", "postgresql://postgres:s3cret@localhost:notaport/db", "upgrade", "head"),
                bad("URL with an unknown sslmode", ExitCodes.USAGE, "sslmode must be one of disable, allow, prefer",
                        URL_EXAMPLES, "--url", "{db}?sslmode=sometimes", "upgrade", "head"),
                bad("URL whose connect_timeout is not a number", ExitCodes.USAGE, "Invalid database URL",
                        "connect_timeout must be", "--url", "{db}?connect_timeout=abc", "upgrade", "head"),
                bad("jdbc URL without //", ExitCodes.USAGE, "the host must follow jdbc:postgresql://", URL_EXAMPLES,
                        "--url", "jdbc:postgresql:retort", "upgrade", "head"),
                bad("URL with an IPv6 host lacking its ]", ExitCodes.USAGE, "an IPv6 address lacks its closing ]",
                        URL_EXAMPLES, "--url", "postgresql://postgres:s3cret@[::1/db", "upgrade", "head"),
                bad("URL with a broken %-escape in the password", ExitCodes.USAGE, "broken %-escape", URL_EXAMPLES,
                        "--url", "postgresql://postgres:s3cret%zz@localhost:{port}/{name}", "upgrade", "head"),
                bad("empty --url", ExitCodes.USAGE, "--url is empty.", "leave --url out",
                        "--url", "", "upgrade", "head"),
                bad("empty DATABASE_URL", ExitCodes.USAGE, "DATABASE_URL is empty.", "unset DATABASE_URL",
                        "upgrade", "head").withEnvironment("DATABASE_URL", ""),
                bad("malformed DATABASE_URL", ExitCodes.USAGE, "the port is not a number from 1 to 65535",
                        URL_EXAMPLES, "upgrade", "head")
                        .withEnvironment("DATABASE_URL", "postgres://postgres:s3cret@localhost:99999/db"),

                // Connecting.
                bad("unknown user (the wrong password of a trusting server)", ExitCodes.CANNOT_CONNECT,
                        "role \"no_such_user\" does not exist (SQLSTATE 28000)", CHECK_USER,
                        "--url", "postgresql://no_such_user:s3cret@localhost:{port}/{name}", "upgrade", "head"),
                bad("unknown user through DATABASE_URL and PGPASSWORD", ExitCodes.CANNOT_CONNECT,
                        "role \"no_such_user\" does not exist", CHECK_USER, "current")
                        .withEnvironment("DATABASE_URL", "postgresql://no_such_user@localhost:{port}/{name}")
                        .withEnvironment("PGPASSWORD", PASSWORD),
                bad("unreachable host", ExitCodes.CANNOT_CONNECT, "Cannot connect to postgresql://postgres:***@"
                        + "127.0.0.1:1/db: Connection to 127.0.0.1:1 refused", CHECK_SERVER,
                        "--url", "postgresql://postgres:s3cret@127.0.0.1:1/db", "upgrade", "head"),
                bad("unreachable host, password in a jdbc URL", ExitCodes.CANNOT_CONNECT, "Cannot connect to "
                        + "jdbc:postgresql://127.0.0.1:1/db?user=postgres&password=***: ", CHECK_SERVER,
                        "--url", "jdbc:postgresql://127.0.0.1:1/db?user=postgres&password=s3cret", "upgrade", "head"),
                bad("unknown host name", ExitCodes.CANNOT_CONNECT, "Unknown host 'no-such-host.invalid'", CHECK_SERVER,
                        "--url", "postgresql://postgres:s3cret@no-such-host.invalid/db", "upgrade", "head"),
                bad("missing database", ExitCodes.CANNOT_CONNECT, "database \"no_such_db\" does not exist (SQLSTATE "
                        + "3D000)", "a new database must be created first (createdb)",
                        "--url", "postgresql://postgres:s3cret@localhost:{port}/no_such_db", "upgrade", "head"),
                bad("a setting the server refuses, in the URL's options", ExitCodes.CANNOT_CONNECT,
                        "invalid value for parameter \"lock_timeout\": \"abc\" (SQLSTATE 22023)", CHECK_PARAMETERS,
                        "--url", "{db}?options=-c%20lock_timeout%3Dabc", "upgrade", "head"),
                bad("sslmode=require on a server without SSL", ExitCodes.CANNOT_CONNECT,
                        "The server does not support SSL (SQLSTATE 08004)", CHECK_PARAMETERS,
                        "--url", "{db}?sslmode=require", "upgrade", "head"),

                // alembic_version that Retort cannot follow.
                unknownRevision("upgrade", "--url", "{db}", "upgrade", "head"),
                unknownRevision("dry run", "--url", "{db}", "upgrade", "head", "--dry-run"),
                unknownRevision("downgrade", "--url", "{db}", "downgrade", "-1"),
                unknownRevision("current", "--url", "{db}", "current"),
                unknownRevision("history -v", "--url", "{db}", "history", "-v"),
                unknownRevision("show current", "--url", "{db}", "show", "current"),
                bad("alembic_version names an unknown revision: stamp +1", ExitCodes.USAGE,
                        "'+1' counts from the current revision, but alembic_version holds [ae1027a6acf]",
                        "Stamp an id, head or base instead.", "--url", "{db}", "stamp", "+1")
                        .on(Scene.UNKNOWN_REVISION),
                twoVersionRows("upgrade", "--url", "{db}", "upgrade", "head"),
                twoVersionRows("downgrade", "--url", "{db}", "downgrade", "base"),
                twoVersionRows("history -i", "--url", "{db}", "history", "-i"),
                twoVersionRows("show current", "--url", "{db}", "show", "current"),
                bad("two rows in alembic_version: stamp -1", ExitCodes.USAGE,
                        "'-1' counts from the current revision, but alembic_version holds [002, 003]",
                        "Stamp an id, head or base instead.", "--url", "{db}", "stamp", "-1")
                        .on(Scene.TWO_VERSION_ROWS));
    }

    private static Case unknownRevision(String verb, String... args) {
        return bad("alembic_version names an unknown revision: " + verb, ExitCodes.FAILED,
                "The database is at revision 'ae1027a6acf', which is not in this Retort's revisions (001 … "
                        + ProjectHead.id() + "): another branch or a newer version of the project migrated it",
                "downgrade to the newest revision both have, e.g. retort downgrade " + ProjectHead.id() + ", then run "
                        + "this one. Stamp only records a revision and changes no schema", args)
                .on(Scene.UNKNOWN_REVISION);
    }

    private static Case twoVersionRows(String verb, String... args) {
        return bad("two rows in alembic_version: " + verb, ExitCodes.FAILED, "alembic_version holds 2 rows [002, 003]",
                "Keep the one row that is true and delete the others, or stamp the revision", args)
                .on(Scene.TWO_VERSION_ROWS);
    }

    @BeforeAll
    static void databasesAtRevision003WithRows(@TempDir Path setupHome) throws SQLException {
        for (Scene scene : Scene.values()) {
            TestDatabase database = TestPostgres.newDatabase("bad_input_" + scene.name());
            Cli.Result upgrade = Cli.shipped(setupHome).runOn(database.postgresUrl(), "upgrade", "003");
            assertThat(upgrade.exitCode()).as(upgrade.err()).isZero();
            database.execute("""
                    INSERT INTO users (email, password_hash, full_name)
                        VALUES ('ada@example.com', 'x', 'Ada Lovelace');
                    INSERT INTO customers (name, email) VALUES ('Acme', 'billing@acme.example');
                    INSERT INTO audit_logs (action, resource_type, description)
                        VALUES ('create', 'customer', 'Acme created');""");
            DATABASES.put(scene, database);
        }
        DATABASES.get(Scene.UNKNOWN_REVISION).execute("UPDATE alembic_version SET version_num = 'ae1027a6acf'");
        DATABASES.get(Scene.TWO_VERSION_ROWS).execute("INSERT INTO alembic_version VALUES ('002')");
        for (Scene scene : Scene.values()) {
            LAST_SEEN.put(scene, DatabaseState.of(DATABASES.get(scene)));
        }
        assertThat(LAST_SEEN.get(Scene.AT_003).versions()).containsExactly("003");
        assertThat(LAST_SEEN.get(Scene.AT_003).rowCounts()).containsEntry("customers", 1L).containsEntry("users", 1L)
                .containsEntry("audit_logs", 1L).containsEntry("retort_history", 3L);
        assertThat(LAST_SEEN.get(Scene.UNKNOWN_REVISION).versions()).containsExactly("ae1027a6acf");
        assertThat(LAST_SEEN.get(Scene.TWO_VERSION_ROWS).versions()).containsExactly("002", "003");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputSaysOneLineExitsWithItsCodeAndChangesNothing(Case bad) throws SQLException {
        TestDatabase database = DATABASES.get(bad.scene());
        DatabaseState before = LAST_SEEN.get(bad.scene());

        Cli.Result result = Cli.shipped(home).withEnvironment(filledIn(bad.environment(), database))
                .run(bad.args().stream().map(arg -> filledIn(arg, database)).toArray(String[]::new));

        DatabaseState after = DatabaseState.of(database);
        LAST_SEEN.put(bad.scene(), after);
        assertThat(result.exitCode()).as("%s: exit code; stderr: %s", bad, result.err()).isEqualTo(bad.exitCode());
        assertThat(result.err()).as("%s: stderr", bad).hasLineCount(1).startsWith("retort: error: ")
                .contains(bad.fragment()).contains(bad.advice()).doesNotContain("Exception");
        assertThat(result.out()).as("%s: stdout", bad).isEmpty();
        assertThat(result.out() + result.err()).as("%s: the password", bad).doesNotContain(PASSWORD);
        assertThat(after).as("%s: the database", bad).isEqualTo(before);
        assertThat(home.resolve(".retort")).as("%s: no embedded PostgreSQL was made", bad).doesNotExist();
    }

    private static String filledIn(String text, TestDatabase database) {
        return text.replace("{db}", "postgresql://postgres:" + PASSWORD + "@localhost:" + database.port() + "/"
                        + database.name())
                .replace("{port}", String.valueOf(database.port()))
                .replace("{name}", database.name());
    }

    private static Map<String, String> filledIn(Map<String, String> environment, TestDatabase database) {
        Map<String, String> filled = new HashMap<>();
        environment.forEach((name, value) -> filled.put(name, filledIn(value, database)));
        return filled;
    }

    /**
     * What a bad invocation must leave as it was: the catalog, every row of {@code alembic_version}, how many rows
     * each table holds ({@code retort_history} included), and which databases the server has.
     */
    record DatabaseState(String catalog, List<String> versions, Map<String, Long> rowCounts, List<String> databases) {

        static DatabaseState of(TestDatabase database) throws SQLException {
            String catalog;
            try (Connection connection = database.connect()) {
                catalog = CatalogSnapshot.read(connection).text();
            }
            Map<String, Long> rowCounts = new LinkedHashMap<>();
            for (String table : database.tables()) {
                rowCounts.put(table, Long.parseLong(database.column("SELECT count(*) FROM \"" + table + "\"").get(0)));
            }
            return new DatabaseState(catalog,
                    database.column("SELECT version_num FROM alembic_version ORDER BY version_num"), rowCounts,
                    database.column("SELECT datname FROM pg_database ORDER BY datname"));
        }
    }
}
