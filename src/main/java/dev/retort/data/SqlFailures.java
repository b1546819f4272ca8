package dev.retort.data;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns PostgreSQL's refusals into the data layer's exceptions, in one place. The server's structured fields
 * (SQLSTATE, constraint, table) decide which exception; its detail text only fills in a value. The enum
 * message is the exception: PostgreSQL names neither the type nor the value in a field of its own, so they are
 * read from its (English) message, and anything unexpected falls back to the plain description.
 */
final class SqlFailures {

    /** How PostgreSQL's detail begins, in English, when it lists a refused row, every column of it. */
    private static final String FAILING_ROW = "Failing row contains";
    /**
     * The states whose detail is that row, in whatever language the server speaks: NOT NULL, CHECK (a partition's
     * bound too) and a view's WITH CHECK OPTION.
     */
    private static final Set<String> STATES_LISTING_THE_ROW = Set.of("23502", "23514", "44000");
    private static final Pattern INVALID_ENUM = Pattern.compile("invalid input value for enum (\\S+): \"(.*)\"");
    private static final Pattern DUPLICATE_EMAIL = Pattern.compile("Key \\(email\\)=\\((.*)\\) already exists\\.?");
    private static final Pattern MISSING_KEY =
            Pattern.compile("Key \\((\\w+)\\)=\\((.*)\\) is not present in table \"(\\w+)\"\\.?");

    private SqlFailures() {
    }

    /**
     * The exception to throw for {@code error}. {@code connection}, when given, must be usable (its failed
     * transaction already rolled back): an enum refusal reads the type's values from it, a value too long its
     * columns' lengths. Those queries run only here, on the error path, so that a revision adding a value or
     * widening a column never leaves this layer with a stale list.
     */
    static DataException translate(SQLException error, Connection connection) {
        if (error instanceof WriteFailure write) {
            return valueTooLong(write, connection);
        }
        return byState(withoutFailingRow(error), connection);
    }

    private static DataException byState(SQLException error, Connection connection) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String state = error.getSQLState();
        String constraint = server == null ? null : server.getConstraint();
        if (state == null || server == null) {
            return generic(error);
        }
        return switch (state) {
            case "23514" -> checkViolation(error, constraint, server.getTable());
            case "23505" -> "uq_users_email".equals(constraint) ? duplicateEmail(error, server) : generic(error);
            case "23503" -> unknownUser(error, server);
            case "22P02" -> invalidText(error, server, connection);
            case "23502" -> notNull(error, server);
            default -> generic(error);
        };
    }

    private static DataException checkViolation(SQLException error, String constraint, String table) {
        CheckRules.Rule rule = CheckRules.of(constraint);
        if (rule == null) {
            return new CheckViolationException("a row of " + table + " was refused by check constraint " + constraint
                    + " (" + describe(error) + ")", constraint, table, null, error);
        }
        return new CheckViolationException(table + "." + rule.column() + " was refused by check constraint "
                + constraint + ": " + rule.requirement(), constraint, table, rule.column(), error);
    }

    private static DataException duplicateEmail(SQLException error, ServerErrorMessage server) {
        Matcher key = DUPLICATE_EMAIL.matcher(String.valueOf(server.getDetail()));
        return key.matches() ? new DuplicateEmailException(key.group(1), error) : generic(error);
    }

    private static DataException unknownUser(SQLException error, ServerErrorMessage server) {
        Matcher key = MISSING_KEY.matcher(String.valueOf(server.getDetail()));
        if (!key.matches() || !"users".equals(key.group(3))) {
            return generic(error);
        }
        return new UnknownUserException(server.getTable() + "." + key.group(1) + " was given " + key.group(2)
                + ", which is no user's id (foreign key " + server.getConstraint() + "): every *_by column and"
                + " audit_logs.user_id come from the Actor, which must be an existing user", server.getConstraint(),
                error);
    }

    /**
     * A value too long for its column names the fields: PostgreSQL's error names only the column's type, so the
     * texts sent are held against the lengths the catalog gives. Without a usable connection, or when no text sent
     * is too long (the refused value came from elsewhere, a trigger say), PostgreSQL's own message is all there is.
     */
    private static DataException valueTooLong(WriteFailure write, Connection connection) {
        SQLException failure = write.failure();
        for (Throwable suppressed : write.getSuppressed()) { // a rollback that failed on top of it, say
            failure.addSuppressed(suppressed);
        }
        if (connection == null) {
            return generic(failure);
        }
        try {
            List<ValueTooLongException.Field> fields =
                    ColumnLengths.read(connection, write.table()).tooLong(write.texts());
            if (!fields.isEmpty()) {
                return new ValueTooLongException(write.table(), fields, failure);
            }
        } catch (SQLException lookup) {
            failure.addSuppressed(lookup);
        }
        return generic(failure);
    }

    /**
     * The column and table come in the server's own fields. PostgreSQL's detail is left out: it lists the whole
     * row, which for users holds the password hash.
     */
    private static DataException notNull(SQLException error, ServerErrorMessage server) {
        if (server.getColumn() == null || server.getTable() == null) {
            return generic(error);
        }
        return new DataException(server.getTable() + "." + server.getColumn() + " was given no value, and it is"
                + " NOT NULL: give it one", error.getSQLState(), error);
    }

    private static DataException invalidText(SQLException error, ServerErrorMessage server, Connection connection) {
        Matcher invalid = INVALID_ENUM.matcher(String.valueOf(server.getMessage()));
        if (!invalid.matches()) {
            return generic(error);
        }
        String type = invalid.group(1);
        List<String> values = List.of();
        if (connection != null) {
            try {
                values = enumValues(connection, type);
            } catch (SQLException lookup) {
                error.addSuppressed(lookup);
            }
        }
        return new InvalidEnumValueException(type, invalid.group(2), values, error);
    }

    private static List<String> enumValues(Connection connection, String type) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT enumlabel FROM pg_enum WHERE enumtypid = to_regtype(?) ORDER BY enumsortorder
                """)) {
            query.setString(1, type);
            return Rows.all(query, row -> row.getString(1));
        }
    }

    /**
     * The driver's exception as the cause to keep: its message holds PostgreSQL's detail, and a detail that lists
     * the failing row would be printed with the cause wherever the refusal is logged. One with the same server
     * fields (detail included, for a caller who asks) and a message without the detail stands in for it.
     */
    private static SQLException withoutFailingRow(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        if (!listsTheFailingRow(error, server)) {
            return error;
        }
        PSQLException withoutDetail = new PSQLException(server, false);
        withoutDetail.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) { // a rollback that failed on top of it, say
            withoutDetail.addSuppressed(suppressed);
        }
        return withoutDetail;
    }

    private static DataException generic(SQLException error) {
        return new DataException("the database refused the operation: " + describe(error), error.getSQLState(), error);
    }

    /**
     * The server's message with its SQLSTATE and detail, in one line. A detail that lists the failing row (of a
     * check or NOT NULL refusal) is left out: a user's row holds the password hash, and messages reach logs.
     */
    private static String describe(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String message = server != null && server.getMessage() != null ? server.getMessage() : error.getMessage();
        String state = error.getSQLState() == null ? "" : " (SQLSTATE " + error.getSQLState() + ")";
        String detail = server == null || server.getDetail() == null || listsTheFailingRow(error, server)
                ? "" : "; " + server.getDetail();
        return message + state + detail;
    }

    private static boolean listsTheFailingRow(SQLException error, ServerErrorMessage server) {
        return server != null && server.getDetail() != null
                && (STATES_LISTING_THE_ROW.contains(error.getSQLState()) || server.getDetail().startsWith(FAILING_ROW));
    }
}
