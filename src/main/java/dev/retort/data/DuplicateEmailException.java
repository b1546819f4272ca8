package dev.retort.data;

/** Another user, live or soft-deleted, already has this email (SQLSTATE 23505 on {@code uq_users_email}). */
public final class DuplicateEmailException extends DataException {

    private final String email;

    DuplicateEmailException(String email, Throwable cause) {
        super("a user with email '" + email + "' already exists (unique constraint uq_users_email, which compares"
                + " emails as stored and also holds the emails of soft-deleted users): use another email, or, if the"
                + " user that has it is soft-deleted, restore that user", "23505", cause);
        this.email = email;
    }

    public String email() {
        return email;
    }
}
