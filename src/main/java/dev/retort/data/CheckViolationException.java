package dev.retort.data;

/**
 * A value was refused by one of the schema's named check constraints (SQLSTATE 23514). The message names the
 * field and the constraint, and says what the constraint asks for.
 */
public final class CheckViolationException extends DataException {

    private final String constraint;
    private final String table;
    private final String column;

    CheckViolationException(String message, String constraint, String table, String column, Throwable cause) {
        super(message, "23514", cause);
        this.constraint = constraint;
        this.table = table;
        this.column = column;
    }

    /** The constraint's name, e.g. {@code ck_customers_phone_format}. */
    public String constraint() {
        return constraint;
    }

    public String table() {
        return table;
    }

    /** The column the constraint guards, or null for a constraint this layer does not know. */
    public String column() {
        return column;
    }
}
