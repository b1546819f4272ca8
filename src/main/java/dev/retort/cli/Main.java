package dev.retort.cli;

import dev.retort.bench.BenchException;
import dev.retort.engine.ConnectionFailedException;
import dev.retort.engine.LockNotAcquiredException;
import dev.retort.engine.LocksUnavailableException;
import dev.retort.engine.RetortException;
import dev.retort.engine.Revision;
import dev.retort.engine.SqlErrors;
import dev.retort.migrations.Migrations;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** Entry point: wires picocli to Retort's exit codes and one-line errors, and closes the database at the end. */
public final class Main {

    /** Every verb, in the order the usage lists them, by the name picocli knows it by. */
    static final Map<String, Class<?>> VERBS = verbs();
    /** The root's options that take a value, and those that take none and are not help: what may precede a verb. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--url", "--lock-wait");
    private static final Set<String> FLAGS = Set.of("--json", "--debug");
    /** The verbs that only read the database: a role refused there needs a grant to read, not to own. */
    private static final Set<String> READING_VERBS = Set.of("current", "history", "show", "verify", "snapshot");
    /** How picocli's error for an {@code @file} it found but could not read begins; the file's name follows. */
    private static final String UNREADABLE_ARGUMENT_FILE = "Could not read argument file @";
    /** What pgjdbc adds to "Connection to host:port refused", which connectionHint says better. */
    private static final String PGJDBC_REFUSED_ADVICE = ". Check that the hostname and port are correct and that the "
            + "postmaster is accepting TCP/IP connections";

    private Main() {
    }

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> verbs = new LinkedHashMap<>();
        verbs.put("current", CurrentCommand.class);
        verbs.put("history", HistoryCommand.class);
        verbs.put("heads", HeadsCommand.class);
        verbs.put("show", ShowCommand.class);
        verbs.put("upgrade", UpgradeCommand.class);
        verbs.put("downgrade", DowngradeCommand.class);
        verbs.put("stamp", StampCommand.class);
        verbs.put("verify", VerifyCommand.class);
        verbs.put("snapshot", SnapshotCommand.class);
        verbs.put("revision", RevisionCommand.class);
        verbs.put("bench", BenchCommand.class);
        verbs.put("help", HelpCommand.class);
        return Collections.unmodifiableMap(verbs);
    }

    public static void main(String[] args) {
        // Library logging (zonky, pgjdbc) stays quiet: --debug means stack traces. Set before any logger exists.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // Our annotations hold no Groovy closures: without this, picocli looks for groovy.lang.Closure on the class
        // path, which opens every jar on it, on every run (some 5 ms of a short command).
        System.setProperty("picocli.disable.closures", "true");
        ConsoleCharset.applyToPicocli();
        Map<String, String> environment = System.getenv();
        EarlyConnection early = EarlyConnection.forCommandLine(args, environment);
        CommandLine commandLine = commandLine(Migrations::all, environment, Folders.fromSystemProperties(), args,
                early);
        int exitCode = execute(commandLine, args);
        early.close(); // unless the command took it: after a usage error, say
        // picocli's writers flush only on println; System.exit would drop what a print left in the buffer.
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    /**
     * Runs {@code args} on {@code commandLine}, as {@code retort} does. Picocli reads each {@code @file} as it parses,
     * and one named inside another too; one it cannot read although it is there (a directory) makes it throw, and
     * {@code execute} prints that as a stack trace, exit 1. So a command line with an {@code @} word is parsed once
     * beforehand, where that can be caught and said as a usage error, one line and exit 2, like any other bad word on
     * the command line; any other error of that parse is left to {@code execute} to report.
     */
    static int execute(CommandLine commandLine, String[] args) {
        if (Arrays.stream(args).anyMatch(arg -> arg.startsWith("@"))) {
            try {
                commandLine.parseArgs(args);
            } catch (ParameterException reportedByExecute) {
                // Reported as always below.
            } catch (CommandLine.InitializationException e) {
                Optional<String> file = unreadableArgumentFile(e);
                if (file.isEmpty()) {
                    throw e;
                }
                String why = new File(file.get()).isDirectory() ? "it is a directory"
                        : String.valueOf(rootCause(e).getMessage());
                return usageError(commandLine, args, "Could not read the argument file " + file.get() + ": " + why
                        + ". See 'retort --help'.");
            }
        }
        return commandLine.execute(args);
    }

    /** The innermost @file picocli could not read, if that is what {@code error} says: it names the outer ones too. */
    private static Optional<String> unreadableArgumentFile(Throwable error) {
        String file = null;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CommandLine.InitializationException && cause.getMessage() != null
                    && cause.getMessage().startsWith(UNREADABLE_ARGUMENT_FILE)) {
                file = cause.getMessage().substring(UNREADABLE_ARGUMENT_FILE.length());
            }
        }
        return Optional.ofNullable(file);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * A configured command line with every verb, for a {@code checkout} that keeps the embedded data inside itself;
     * tests call {@code execute} on it with their own output streams.
     */
    public static CommandLine commandLine(Supplier<List<Revision>> revisions, Map<String, String> environment,
                                          Path checkout) {
        return commandLine(new RetortCommand(revisions, environment, checkout));
    }

    /**
     * A configured command line for {@code args}, to be executed with them: it models only the verb they name (see
     * {@link #verbsFor}), which is what {@code retort} itself runs.
     */
    public static CommandLine commandLine(Supplier<List<Revision>> revisions, Map<String, String> environment,
                                          Path checkout, String[] args) {
        return commandLine(revisions, environment, Folders.of(checkout), args, EarlyConnection.NONE);
    }

    /** As above, in {@code folders}, with the command's first connection opening already ({@link EarlyConnection}). */
    static CommandLine commandLine(Supplier<List<Revision>> revisions, Map<String, String> environment,
                                   Folders folders, String[] args, EarlyConnection early) {
        return commandLine(new RetortCommand(revisions, environment, folders, early), verbsFor(args));
    }

    static CommandLine commandLine(RetortCommand root) {
        return commandLine(root, VERBS.values());
    }

    private static CommandLine commandLine(RetortCommand root, Collection<Class<?>> verbs) {
        CommandLine commandLine = new CommandLine(root);
        // A loop, not forEach(commandLine::addSubcommand): a lambda whose target is a picocli class makes the JVM
        // link picocli's Java 5 classes while dumping the launcher's archive, which leaves them out of it.
        for (Class<?> verb : verbs) {
            commandLine.addSubcommand(verb);
        }
        commandLine.setHelpFactory(new SpaceWrappedHelp.Factory()); // on every verb added above; used only for help
        withExitCodes(commandLine);
        commandLine.getSubcommands().values().stream().filter(verb -> !(verb.getCommand() instanceof HelpCommand))
                .forEach(Main::withExitCodes);
        commandLine.setExecutionStrategy(parseResult -> executeThenClose(root, parseResult));
        commandLine.setParameterExceptionHandler(Main::reportUsageError);
        commandLine.setExecutionExceptionHandler((error, failed, parseResult) -> reportError(root, error, failed));
        return commandLine;
    }

    private static void withExitCodes(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.IN_HELP);
    }

    /**
     * The verbs to model for {@code args}. Picocli builds its model of a verb by reflection on the verb's class, and
     * that is a good part of a short command's start-up: so a command line that names a verb models that one only.
     * Anything this scan is not sure of (help, {@code -h}, an {@code @file}, an unknown word or option before the
     * verb) models them all, so that usage, errors and suggestions are exactly what they always were.
     */
    static Collection<Class<?>> verbsFor(String[] args) {
        if (asksForTheVersionOnly(args)) {
            return List.of();
        }
        return verbNamed(args).<Collection<Class<?>>>map(verb -> List.of(VERBS.get(verb))).orElse(VERBS.values());
    }

    /** {@code --version} or {@code -V} with nothing but the root's options beside it: the version needs no verb. */
    private static boolean asksForTheVersionOnly(String[] args) {
        List<String> words = wordsBesideRootOptions(args);
        return !words.isEmpty() && words.stream().allMatch(word -> word.equals("-V") || word.equals("--version"));
    }

    /**
     * The verb {@code args} run, when a scan is sure of it: the first word that is neither a root option nor its
     * value, if it is a verb other than {@code help}.
     */
    static Optional<String> verbNamed(String[] args) {
        return wordsBesideRootOptions(args).stream().findFirst().filter(word -> VERBS.get(word) != null
                && VERBS.get(word) != HelpCommand.class);
    }

    /** The words of {@code args}, in order, that are neither one of the root's options nor such an option's value. */
    private static List<String> wordsBesideRootOptions(String[] args) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!FLAGS.contains(arg) && !OPTIONS_WITH_VALUE.contains(arg.split("=", 2)[0])) {
                words.add(arg);
            }
        }
        return words;
    }

    private static int executeThenClose(RetortCommand root, ParseResult parseResult) {
        try {
            refuseAnOptionGivenOnBothSidesOfTheVerb(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        } finally {
            closeQuietly(root, parseResult.commandSpec().commandLine().getErr());
        }
    }

    /**
     * Picocli refuses {@code --url a --url b}, but an inherited option given before the verb and again after it is
     * two options to picocli, the verb's value silently winning: {@code --url $PROD upgrade head --url $STAGING} must
     * not pick one. Flags ({@code --json}, {@code --debug}) given twice mean the same, and are left alone.
     */
    private static void refuseAnOptionGivenOnBothSidesOfTheVerb(ParseResult parseResult) {
        ParseResult verb = parseResult.subcommand();
        if (verb == null) {
            return;
        }
        for (OptionSpec option : parseResult.matchedOptions()) {
            if (option.arity().max() > 0 && verb.hasMatchedOption(option.longestName())) {
                throw new ParameterException(verb.commandSpec().commandLine(), "option '" + option.longestName()
                        + "' (" + option.paramLabel() + ") should be specified only once, before the verb or after "
                        + "it");
            }
        }
    }

    /** A failure to stop the embedded server must not replace the command's own result or error. */
    private static void closeQuietly(RetortCommand root, PrintWriter err) {
        try {
            root.closeSession();
        } catch (RuntimeException e) {
            err.println("retort: warning: the embedded PostgreSQL did not stop cleanly (" + e.getMessage()
                    + "); the next retort will stop it.");
        }
    }

    /** Bad words on the command line: one line saying what and where to look, exit 2. */
    private static int reportUsageError(ParameterException error, String[] args) {
        CommandLine failed = error.getCommandLine();
        String message = sentence(error.getMessage());
        if (error instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()
                && failed.getCommandSpec().parent() == null && !unmatched.getUnmatched().isEmpty()) {
            message = "Unknown command '" + unmatched.getUnmatched().get(0) + "'. Commands: "
                    + String.join(", ", failed.getSubcommands().keySet()) + ".";
        }
        if (error instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()
                && failed.getCommandSpec().parent() != null && !unmatched.getUnmatched().isEmpty()) {
            // Picocli's "Unmatched argument at index 4" counts the root's options too: name the words instead.
            List<String> words = unmatched.getUnmatched();
            message = (words.size() == 1 ? "Unexpected argument '" : "Unexpected arguments '")
                    + String.join("' '", words) + "': " + failed.getCommandSpec().name() + " takes "
                    + takes(failed.getCommandSpec()) + ".";
        }
        if (error instanceof UnmatchedArgumentException unmatched) {
            // Picocli keeps an @file that does not exist as a word, then suggests verbs for it. @@x is the word @x,
            // escaped: no file.
            Optional<String> atFile = unmatched.getUnmatched().stream()
                    .filter(word -> word.length() > 1 && word.startsWith("@") && !List.of(args).contains("@" + word))
                    .findFirst();
            if (atFile.isPresent()) {
                String file = atFile.get().substring(1);
                String line = (new File(file).exists() ? "Could not read the argument file " + file + ": it may not "
                        + "be read." : "No argument file " + file + ": a word that starts with @ names a file of "
                        + "arguments to read, and there is none there.") + " See '"
                        + failed.getCommandSpec().qualifiedName() + " --help'.";
                return usageError(failed, args, line);
            }
        }
        if (error.getMessage() != null && error.getMessage().startsWith("Unknown subcommand '")) {
            // Picocli's help verb says "subcommand" where every other message says "command".
            message = message.replace("Unknown subcommand '", "Unknown command '");
        }
        if (error instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += " Did you mean: " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return usageError(failed, args, message + " See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
    }

    private static int usageError(CommandLine failed, String[] args, String line) {
        if (List.of(args).contains("--json")) {
            Json.printError(failed.getOut(), ExitCodes.USAGE, line);
            return ExitCodes.USAGE;
        }
        failed.getErr().println("retort: error: " + line);
        failed.getErr().flush();
        return ExitCodes.USAGE;
    }

    /** What a verb takes besides options, for a message about words it does not: {@code one REV}, {@code no argument}. */
    private static String takes(CommandSpec verb) {
        List<String> labels = verb.positionalParameters().stream().map(PositionalParamSpec::paramLabel).toList();
        return labels.isEmpty() ? "no argument" : "one " + String.join(" and one ", labels);
    }

    /** Everything else: one line (a stack trace too with --debug), never a password, the exit code for its kind. */
    private static int reportError(RetortCommand root, Exception error, CommandLine failed) {
        ConnectionUrl url = safeUrl(root);
        PrintWriter err = failed.getErr();
        String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        int exitCode = ExitCodes.of(error);
        // The engine's and the bench's exceptions are written for the person who ran the command; others are not.
        boolean explained = error instanceof RetortException || error instanceof BenchException;
        String hint = exitCode == ExitCodes.FAILED && !explained
                ? " (an unexpected error; run again with --debug for details)" : "";
        if (error instanceof LockNotAcquiredException && !message.contains("--lock-wait")) {
            message += " Let it finish, or wait longer with --lock-wait.";
        }
        if (error.getCause() instanceof LocksUnavailableException locks) {
            message += " " + lockHint(locks);
        }
        if (causedBy(error, "3F000")) {
            message = sentence(message) + (READING_VERBS.contains(failed.getCommandSpec().name())
                    ? " No schema on the search_path exists: name the one the tables are in"
                    : " No schema on the search_path exists to create the tables in: create it (CREATE SCHEMA), or "
                    + "name one that exists") + ", e.g. with options=-c%20search_path%3Dapp in the URL "
                    + "(options='-c search_path=app' in a keyword string).";
        }
        if (causedBy(error, "57P05")) {
            message = sentence(message) + " The role's or the database's idle_session_timeout ended the session before "
                    + "Retort could turn it off for the run: raise it for the role that migrates, or give "
                    + "options=-c%20idle_session_timeout%3D0 in the URL (options='-c idle_session_timeout=0' in a "
                    + "keyword string).";
        }
        if (causedBy(error, "25006")) {
            message = sentence(message) + " The session is read-only: this is a standby, or default_transaction_"
                    + "read_only is on (for the role, the database, the connection's options or the server). Migrate "
                    + "the primary, as a role and with settings that may write.";
        }
        if (causedBy(error, "42501") && !(error instanceof ConnectionFailedException)
                && !message.contains(SqlErrors.MAY_CREATE_DATABASES)) {
            message = sentence(message) + " The role lacks a privilege: " + (READING_VERBS.contains(
                    failed.getCommandSpec().name()) ? "reading needs SELECT on Retort's tables (GRANT SELECT ON "
                    + "alembic_version, retort_history TO the role) and, for verify, on the seed's."
                    : "run Retort as the owner of the schema and of its tables (revisions create, alter and drop "
                    + "them), or GRANT what the message names.");
        }
        if (error instanceof ConnectionFailedException && url != null) {
            // pgjdbc's own advice would come before ours, and say less: "postmaster", and no word of DATABASE_URL.
            message = message.replace(PGJDBC_REFUSED_ADVICE, "");
            message = "Cannot connect to " + url.masked() + ": " + sentence(message) + " " + connectionHint(error);
        }
        // An InvalidUrlException is written never to hold the password; masking it would garble its examples.
        String shown = error instanceof InvalidUrlException ? message : PasswordMask.mask(message, url);
        if (root.json()) {
            Json.printError(failed.getOut(), exitCode, shown + hint);
        } else {
            err.println("retort: error: " + shown + hint);
        }
        if (root.debug()) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            err.print(PasswordMask.mask(trace.toString(), url));
        }
        err.flush();
        return exitCode;
    }

    /** What to do when a statement could not get its table locks: deal with the blocker, or wait longer. */
    private static String lockHint(LocksUnavailableException locks) {
        String terminate = locks.blockers().isEmpty() ? ""
                : " (SELECT pg_terminate_backend(" + locks.blockers().get(0).pid() + ") ends it)";
        return "Let the blocking session finish or end it" + terminate + ", then run the command again; "
                + (locks.windowRanOut() ? "--retry-window sets how long Retort keeps trying."
                : "--lock-timeout and --lock-retries set how long Retort waits.");
    }

    /** What to check, by what the server or driver said (SQLSTATE class 28 is authentication, 3D000 no database). */
    private static String connectionHint(Exception error) {
        String state = error.getCause() instanceof SQLException sql && sql.getSQLState() != null
                ? sql.getSQLState() : "";
        String text = String.valueOf(error.getMessage());
        if (text.contains("no password was provided")) {
            return "The server asks for a password: give it in the URL, in PGPASSWORD or in ~/.pgpass.";
        }
        if (state.startsWith("28")) {
            return "Check the user and the password (from the URL, PGPASSWORD or ~/.pgpass).";
        }
        if (state.equals("42501")) {
            return "The role may not connect to this database: GRANT CONNECT ON DATABASE to it, or connect as another "
                    + "role.";
        }
        if (state.equals("53300")) {
            return "A connection limit is reached (the server's max_connections, or the role's or the database's "
                    + "CONNECTION LIMIT): let other sessions end, or raise it; a migration takes two connections.";
        }
        if (state.equals("55000") && text.contains("not currently accepting connections")) {
            return "The database does not allow connections: ALTER DATABASE … WITH ALLOW_CONNECTIONS true, as a "
                    + "superuser or its owner.";
        }
        if (state.equals("57P03")) {
            return "The server is starting up, shutting down or in recovery: try again once it accepts connections "
                    + "(pg_isready tells when).";
        }
        if (state.equals("3D000")) {
            return "Check the database name; a new database must be created first (createdb).";
        }
        if (state.equals("22023") || state.equals("42704") || state.equals("08004")) {
            // The server (or the driver) refused a setting the URL asks for: options=-c …, sslmode and the like.
            return "Check the URL's parameters (options, sslmode and the like).";
        }
        return "Check that the server is up and that the host and port in --url or DATABASE_URL are right.";
    }

    /** Whether an SQLException with {@code sqlState} is among the causes of {@code error}. */
    private static boolean causedBy(Throwable error, String sqlState) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String sentence(String message) {
        return message.endsWith(".") || message.endsWith("?") ? message : message + ".";
    }

    private static ConnectionUrl safeUrl(RetortCommand root) {
        try {
            return root.connectionUrl();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
