package dev.retort.data;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An entry of the audit trail as read back. {@code userId} is null for system events and once the user is
 * deleted; {@code userEmail} and {@code userRole} still say who it was.
 */
public record AuditRecord(UUID id, Instant createdAt, String action, String resourceType, String resourceId,
                          String description, UUID userId, String userEmail, String userRole, String ipAddress,
                          String userAgent, Map<String, Object> oldValues, Map<String, Object> newValues,
                          boolean success, String errorMessage) {
}
