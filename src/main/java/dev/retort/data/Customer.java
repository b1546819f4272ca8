package dev.retort.data;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code customers}. {@code customerType} and {@code status} are values of the enum types
 * {@code customer_type_enum} and {@code customer_status_enum}, as text: the schema owns those lists, and a
 * revision may add to them without this code changing.
 */
public record Customer(UUID id, String name, String email, String phone, String customerType, String status,
                       String companyName, String taxId, String address, String city, String country,
                       String postalCode, Instant createdAt, Instant updatedAt, UUID createdBy, UUID updatedBy,
                       Instant deletedAt, UUID deletedBy) implements SoftDeletable {
}
