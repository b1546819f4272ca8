package dev.retort.data;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code users}, without its secrets: {@code password_hash} and {@code totp_secret} are for the code
 * that signs people in, and a record prints every field it holds into whatever log it reaches.
 * {@code role} is a value of the {@code user_role} enum, as text.
 */
public record User(UUID id, String email, String fullName, String role, boolean active, boolean twoFactorEnabled,
                   Instant createdAt, Instant updatedAt, UUID createdBy, UUID updatedBy, Instant lastLoginAt,
                   Instant deletedAt, UUID deletedBy) implements SoftDeletable {
}
