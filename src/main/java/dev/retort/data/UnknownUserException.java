package dev.retort.data;

/**
 * A column that points at {@code users} was given an id no user has (SQLSTATE 23503). Every foreign key of the
 * schema points at users, and this layer fills them from the {@link Actor}: the actor must be an existing user.
 */
public final class UnknownUserException extends DataException {

    private final String constraint;

    UnknownUserException(String message, String constraint, Throwable cause) {
        super(message, "23503", cause);
        this.constraint = constraint;
    }

    /** The foreign key that refused the row, e.g. {@code fk_customers_updated_by}. */
    public String constraint() {
        return constraint;
    }
}
