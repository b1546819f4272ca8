package dev.retort.bench;

import java.time.Instant;
import java.util.UUID;

/**
 * The three tables as {@code COPY … FROM STDIN} text: the columns revision 003 has (soft delete comes with 005),
 * and each generated row as one line of PostgreSQL's text format (tab-separated, {@code \N} for NULL, backslash,
 * tab and line breaks escaped).
 */
enum CopyRows {

    USERS("users", """
            id, email, password_hash, full_name, role, is_active, is_2fa_enabled, totp_secret, created_at, updated_at, \
            created_by, updated_by, last_login_at""") {
        @Override
        long count(Scale scale) {
            return scale.users();
        }

        @Override
        void append(Population population, long n, StringBuilder line) {
            Population.User user = population.user(n);
            field(line, user.id()).field(line, user.email()).field(line, user.passwordHash())
                    .field(line, user.fullName()).field(line, user.role()).field(line, user.active())
                    .field(line, user.twoFactor()).field(line, user.totpSecret()).field(line, user.createdAt())
                    .field(line, user.updatedAt()).field(line, user.createdBy()).field(line, user.updatedBy())
                    .last(line, user.lastLoginAt());
        }
    },

    CUSTOMERS("customers", """
            id, name, email, phone, customer_type, status, company_name, tax_id, address, city, country, postal_code, \
            created_at, updated_at, created_by, updated_by""") {
        @Override
        long count(Scale scale) {
            return scale.customers();
        }

        @Override
        void append(Population population, long n, StringBuilder line) {
            Population.Customer customer = population.customer(n);
            field(line, customer.id()).field(line, customer.name()).field(line, customer.email())
                    .field(line, customer.phone()).field(line, customer.customerType()).field(line, customer.status())
                    .field(line, customer.companyName()).field(line, customer.taxId()).field(line, customer.address())
                    .field(line, customer.city()).field(line, customer.country()).field(line, customer.postalCode())
                    .field(line, customer.createdAt()).field(line, customer.updatedAt())
                    .field(line, customer.createdBy()).last(line, customer.updatedBy());
        }
    },

    AUDIT_LOGS("audit_logs", """
            id, action, resource_type, resource_id, description, user_id, user_email, user_role, ip_address, \
            user_agent, request_method, request_path, old_values, new_values, extra_data, success, error_message, \
            created_at, updated_at, created_by, updated_by""") {
        @Override
        long count(Scale scale) {
            return scale.auditLogs();
        }

        @Override
        void append(Population population, long n, StringBuilder line) {
            Population.AuditLog entry = population.auditLog(n);
            field(line, entry.id()).field(line, entry.action()).field(line, entry.resourceType())
                    .field(line, entry.resourceId()).field(line, entry.description()).field(line, entry.userId())
                    .field(line, entry.userEmail()).field(line, entry.userRole()).field(line, entry.ipAddress())
                    .field(line, entry.userAgent()).field(line, entry.requestMethod())
                    .field(line, entry.requestPath()).field(line, entry.oldValues()).field(line, entry.newValues())
                    .field(line, entry.extraData()).field(line, entry.success()).field(line, entry.errorMessage())
                    .field(line, entry.createdAt()).field(line, entry.createdAt()).field(line, entry.createdBy())
                    .last(line, (UUID) null);
        }
    };

    private final String table;
    private final String columns;

    CopyRows(String table, String columns) {
        this.table = table;
        this.columns = columns;
    }

    String table() {
        return table;
    }

    String copySql() {
        return "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT text)";
    }

    abstract long count(Scale scale);

    /** Appends row {@code n} as one line, its newline included. */
    abstract void append(Population population, long n, StringBuilder line);

    CopyRows field(StringBuilder line, Object value) {
        value(line, value);
        line.append('\t');
        return this;
    }

    void last(StringBuilder line, Object value) {
        value(line, value);
        line.append('\n');
    }

    private static void value(StringBuilder line, Object value) {
        if (value == null) {
            line.append("\\N");
        } else if (value instanceof Boolean flag) {
            line.append(flag ? 't' : 'f');
        } else if (value instanceof String text) {
            escape(line, text);
        } else if (value instanceof Instant || value instanceof UUID) {
            line.append(value); // ISO-8601 with Z, and the canonical uuid: nothing to escape
        } else {
            throw new IllegalArgumentException("no COPY text for a " + value.getClass().getName());
        }
    }

    private static void escape(StringBuilder line, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
    }
}
