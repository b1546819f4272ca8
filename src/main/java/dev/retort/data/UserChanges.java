package dev.retort.data;

/**
 * The fields an update sets; null means "keep", which is unambiguous here because none of them may be NULL.
 * Applied to the row as it is when the update locks it. Start from {@link #none()}:
 * {@code UserChanges.none().withRole("admin")}.
 */
public record UserChanges(String fullName, String role, Boolean active) {

    public static UserChanges none() {
        return new UserChanges(null, null, null);
    }

    public UserChanges withFullName(String newFullName) {
        return new UserChanges(newFullName, role, active);
    }

    /** Sets the role, a value of {@code user_role}. */
    public UserChanges withRole(String newRole) {
        return new UserChanges(fullName, newRole, active);
    }

    /** False blocks sign-in without deleting the account. */
    public UserChanges withActive(boolean newActive) {
        return new UserChanges(fullName, role, newActive);
    }

    String fullNameFor(User current) {
        return fullName == null ? current.fullName() : fullName;
    }

    String roleFor(User current) {
        return role == null ? current.role() : role;
    }

    boolean activeFor(User current) {
        return active == null ? current.active() : active;
    }
}
