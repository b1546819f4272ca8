package dev.retort.data;

import java.util.Objects;

/**
 * An account to create. {@code passwordHash} is the hash (bcrypt or stronger, at least 60 characters), never
 * the password; it is written to the table but never to the audit trail, and {@link #toString()} hides it.
 *
 * @param role a value of {@code user_role}: {@code admin}, {@code corporate} or {@code client} at revision 006
 */
public record NewUser(String email, String passwordHash, String fullName, String role) {

    public NewUser {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(fullName, "fullName");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String toString() {
        return "NewUser[email=" + email + ", passwordHash=***, fullName=" + fullName + ", role=" + role + "]";
    }
}
