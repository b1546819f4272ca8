package dev.retort.bench;

import dev.retort.engine.MigrationContext;
import dev.retort.engine.Revision;

/**
 * The foundation's plain form of this revision (one transaction, no lock timeout), kept unchanged for
 * comparison: see {@link PlainRevisions}.
 *
 * <p>Adds the eleven named check constraints that keep malformed emails, phone numbers, postal codes, IP addresses,
 * short password hashes and blank required text out of the tables, so that every bad value is refused with
 * SQLSTATE 23514 and a constraint name the application can map to a message.
 *
 * <p>"Blank" means nothing but whitespace: {@code col ~ '\S'} asks for at least one non-whitespace character.
 * The IP address check is regular expressions only (no {@code inet} cast, which would fail with 22P02 instead of
 * naming the constraint). Regex dots are written {@code [.]} so the patterns need no backslashes.
 */
public final class PlainR006AddCheckConstraints implements Revision {

    @Override
    public String id() {
        return "006";
    }

    @Override
    public String revises() {
        return "005";
    }

    @Override
    public String message() {
        return "add check constraints";
    }

    @Override
    public void upgrade(MigrationContext context) {
        // users
        context.execute("""
                ALTER TABLE users ADD CONSTRAINT ck_users_email_format
                    CHECK (email ~* '^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$')
                """);
        context.execute("""
                ALTER TABLE users ADD CONSTRAINT ck_users_password_hash_length
                    CHECK (char_length(password_hash) >= 60)
                """);
        context.execute("""
                ALTER TABLE users ADD CONSTRAINT ck_users_full_name_not_empty
                    CHECK (full_name ~ '\\S')
                """);

        // customers
        context.execute("""
                ALTER TABLE customers ADD CONSTRAINT ck_customers_email_format
                    CHECK (email ~* '^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$')
                """);
        // An optional +, then digits, spaces, hyphens, dots and parentheses, starting with a digit or '(' and
        // ending with a digit; 7 to 15 digits in all (E.164 allows at most 15).
        context.execute("""
                ALTER TABLE customers ADD CONSTRAINT ck_customers_phone_format
                    CHECK (phone IS NULL
                           OR (phone ~ '^[+]?[0-9(][0-9 .()-]*[0-9]$'
                               AND char_length(regexp_replace(phone, '[^0-9]', '', 'g')) BETWEEN 7 AND 15))
                """);
        context.execute("""
                ALTER TABLE customers ADD CONSTRAINT ck_customers_name_not_empty
                    CHECK (name ~ '\\S')
                """);
        context.execute("""
                ALTER TABLE customers ADD CONSTRAINT ck_customers_postal_code_length
                    CHECK (postal_code IS NULL
                           OR char_length(regexp_replace(postal_code, '^\\s+|\\s+$', '', 'g')) BETWEEN 3 AND 10)
                """);

        // audit_logs
        context.execute("""
                ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_action_not_empty
                    CHECK (action ~ '\\S')
                """);
        context.execute("""
                ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_resource_type_not_empty
                    CHECK (resource_type ~ '\\S')
                """);
        context.execute("""
                ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_description_not_empty
                    CHECK (description ~ '\\S')
                """);
        // Four alternatives, one per line; a long pattern is split into adjacent string literals, which SQL
        // joins into one when only whitespace with a newline separates them.
        //  1. IPv4: a dotted quad, each octet 0-255 without leading zeros.
        //  2. IPv6 in full: eight groups of one to four hex digits.
        //  3. IPv6 compressed: one '::' standing for at least one zero group, so at most seven groups written.
        //  4. IPv6 ending in a dotted quad (RFC 4291 2.2, e.g. IPv4-mapped ::ffff:192.0.2.128): six groups'
        //     worth, in full or compressed as in 3 (at most five written), then an IPv4 address as in 1.
        context.execute("""
                ALTER TABLE audit_logs ADD CONSTRAINT ck_audit_logs_ip_address_format
                    CHECK (ip_address IS NULL
                           OR ip_address ~ '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}'
                                           '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$'
                           OR ip_address ~* '^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$'
                           OR ip_address ~* '^(([0-9a-f]{1,4}:){1,7}:'
                                            '|([0-9a-f]{1,4}:){1,6}(:[0-9a-f]{1,4}){1}'
                                            '|([0-9a-f]{1,4}:){1,5}(:[0-9a-f]{1,4}){1,2}'
                                            '|([0-9a-f]{1,4}:){1,4}(:[0-9a-f]{1,4}){1,3}'
                                            '|([0-9a-f]{1,4}:){1,3}(:[0-9a-f]{1,4}){1,4}'
                                            '|([0-9a-f]{1,4}:){1,2}(:[0-9a-f]{1,4}){1,5}'
                                            '|([0-9a-f]{1,4}:){1}(:[0-9a-f]{1,4}){1,6}'
                                            '|:(:[0-9a-f]{1,4}){1,7}'
                                            '|::)$'
                           OR ip_address ~* '^(([0-9a-f]{1,4}:){6}'
                                            '|::([0-9a-f]{1,4}:){0,5}'
                                            '|([0-9a-f]{1,4}:){1}:([0-9a-f]{1,4}:){0,4}'
                                            '|([0-9a-f]{1,4}:){2}:([0-9a-f]{1,4}:){0,3}'
                                            '|([0-9a-f]{1,4}:){3}:([0-9a-f]{1,4}:){0,2}'
                                            '|([0-9a-f]{1,4}:){4}:([0-9a-f]{1,4}:){0,1}'
                                            '|([0-9a-f]{1,4}:){5}:)'
                                            '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}'
                                            '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$')
                """);
    }

    /** Drops the constraints in reverse order; the data they admitted stays as it is. */
    @Override
    public void downgrade(MigrationContext context) {
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT ck_audit_logs_ip_address_format
                """);
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT ck_audit_logs_description_not_empty
                """);
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT ck_audit_logs_resource_type_not_empty
                """);
        context.execute("""
                ALTER TABLE audit_logs DROP CONSTRAINT ck_audit_logs_action_not_empty
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT ck_customers_postal_code_length
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT ck_customers_name_not_empty
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT ck_customers_phone_format
                """);
        context.execute("""
                ALTER TABLE customers DROP CONSTRAINT ck_customers_email_format
                """);
        context.execute("""
                ALTER TABLE users DROP CONSTRAINT ck_users_full_name_not_empty
                """);
        context.execute("""
                ALTER TABLE users DROP CONSTRAINT ck_users_password_hash_length
                """);
        context.execute("""
                ALTER TABLE users DROP CONSTRAINT ck_users_email_format
                """);
    }
}
