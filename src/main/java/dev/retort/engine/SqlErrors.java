package dev.retort.engine;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.net.UnknownHostException;
import java.sql.SQLException;

/** PostgreSQL's errors told in one line, pointing at the line of the statement where the server found the fault. */
public final class SqlErrors {

    /** {@code canceling statement due to lock timeout}: a lock not had within {@code lock_timeout}. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * What a command that creates a database (snapshot --write, bench) says its role needs when refused (42501):
     * the general advice on privileges, which is about a schema's tables, is then not added to it.
     */
    public static final String MAY_CREATE_DATABASES = "a role that may create databases (CREATEDB)";

    private SqlErrors() {
    }

    public static String describe(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String text = server != null && server.getMessage() != null ? server.getMessage() : String.valueOf(error.getMessage());
        text = withUnknownHost(text.strip(), error);
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        String state = error.getSQLState() == null ? "" : " (SQLSTATE " + error.getSQLState() + ")";
        String detail = server != null && server.getDetail() != null ? "; " + server.getDetail() : "";
        return text + state + detail;
    }

    /** pgjdbc says only "The connection attempt failed." for a host name that does not resolve; name it. */
    private static String withUnknownHost(String text, Throwable error) {
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return "Unknown host '" + cause.getMessage() + "'";
            }
        }
        return text;
    }

    /** Like {@link #describe(SQLException)}, plus where in {@code sql} the error is, when the server says. */
    public static String describe(SQLException error, String sql) {
        ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        int position = server == null ? 0 : server.getPosition();
        if (position <= 0 || position > sql.length()) {
            return describe(error) + ", in: " + firstLine(sql);
        }
        String before = sql.substring(0, position - 1);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        int lineStart = before.lastIndexOf('\n') + 1;
        // The line is shown without the passwords the statement holds; one whose literal spans lines would leave
        // the lines out of step, and then the statement is named by its first line instead.
        String[] shownLines = SqlText.withoutSecrets(sql).split("\n", -1);
        if (shownLines.length != sql.split("\n", -1).length) {
            return describe(error) + ", in: " + firstLine(sql);
        }
        String lineText = shownLines[line - 1].strip();
        int column = position - lineStart;
        return describe(error) + ", at line " + line + " column " + column + " of the statement: " + lineText;
    }

    private static String firstLine(String sql) {
        String stripped = SqlText.withoutSecrets(sql.strip());
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline) + " …";
    }
}
