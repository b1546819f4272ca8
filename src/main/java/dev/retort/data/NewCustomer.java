package dev.retort.data;

import java.util.Objects;

/**
 * A customer to create. It starts {@code active} (the column's default). Everything but name, email and type
 * may be null; the schema's checks judge the values (email and phone format, postal code length, a name that
 * is not blank).
 */
public record NewCustomer(String name, String email, String phone, String customerType, String companyName,
                          String taxId, String address, String city, String country, String postalCode) {

    public NewCustomer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(customerType, "customerType");
    }

    /** A customer with only what the table requires: name, email, and {@code individual} or {@code business}. */
    public static NewCustomer of(String name, String email, String customerType) {
        return new NewCustomer(name, email, null, customerType, null, null, null, null, null, null);
    }

    public NewCustomer withPhone(String newPhone) {
        return new NewCustomer(name, email, newPhone, customerType, companyName, taxId, address, city, country,
                postalCode);
    }

    public NewCustomer withPostalCode(String newPostalCode) {
        return new NewCustomer(name, email, phone, customerType, companyName, taxId, address, city, country,
                newPostalCode);
    }
}
