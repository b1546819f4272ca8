package dev.retort.data;

import java.util.Objects;
import java.util.UUID;

/**
 * Who makes a change, and from where: carried into every audited change. Its user id fills the row's
 * {@code created_by}, {@code updated_by} or {@code deleted_by} and the audit row's {@code user_id}; its email
 * and role are copied into the audit row as they are now, so the entry still says who it was (and what they
 * could do) after the user is changed or deleted.
 *
 * @param userId    the acting user; null only for {@link #system()}
 * @param email     the user's email, copied to {@code audit_logs.user_email}
 * @param role      the user's role (a {@code user_role} value), copied to {@code audit_logs.user_role} as text
 * @param ipAddress the client's IPv4 or IPv6 address in text form, or null outside a request
 * @param userAgent the client's User-Agent header, or null
 */
public record Actor(UUID userId, String email, String role, String ipAddress, String userAgent) {

    public Actor {
        if (userId != null) {
            Objects.requireNonNull(email, "email (an actor with a user id carries that user's email)");
            Objects.requireNonNull(role, "role (an actor with a user id carries that user's role)");
        }
    }

    /** The application itself, acting for no user: creating the first administrator, an import, a scheduled job. */
    public static Actor system() {
        return new Actor(null, null, null, null, null);
    }

    /** {@code user}, acting from {@code ipAddress} with {@code userAgent} (either may be null). */
    public static Actor of(User user, String ipAddress, String userAgent) {
        return new Actor(user.id(), user.email(), user.role(), ipAddress, userAgent);
    }
}
