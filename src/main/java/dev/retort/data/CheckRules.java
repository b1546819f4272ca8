package dev.retort.data;

import java.util.Map;

/**
 * What each of revision 006's check constraints guards and asks for, so that a refusal can name the field and
 * say what to send instead. PostgreSQL reports only the constraint's name (and the table), never the column.
 */
final class CheckRules {

    /** The column a constraint guards and what it asks of a value, in words. */
    record Rule(String column, String requirement) {
    }

    private static final String EMAIL = "an email address must look like name@domain.tld";
    private static final String NOT_BLANK = "it needs at least one character that is not whitespace";

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("ck_users_email_format", new Rule("email", EMAIL)),
            Map.entry("ck_users_password_hash_length", new Rule("password_hash",
                    "a password hash has at least 60 characters (bcrypt or stronger), never the password itself")),
            Map.entry("ck_users_full_name_not_empty", new Rule("full_name", NOT_BLANK)),
            Map.entry("ck_customers_email_format", new Rule("email", EMAIL)),
            Map.entry("ck_customers_phone_format", new Rule("phone",
                    "a phone number has 7 to 15 digits, an optional leading +, and only spaces, dots, hyphens and"
                            + " parentheses between them")),
            Map.entry("ck_customers_name_not_empty", new Rule("name", NOT_BLANK)),
            Map.entry("ck_customers_postal_code_length", new Rule("postal_code",
                    "a postal code has 3 to 10 characters once surrounding spaces are trimmed")),
            Map.entry("ck_audit_logs_action_not_empty", new Rule("action", NOT_BLANK)),
            Map.entry("ck_audit_logs_resource_type_not_empty", new Rule("resource_type", NOT_BLANK)),
            Map.entry("ck_audit_logs_description_not_empty", new Rule("description", NOT_BLANK)),
            Map.entry("ck_audit_logs_ip_address_format", new Rule("ip_address",
                    "an IP address is IPv4 (a dotted quad without leading zeros) or IPv6 in text form;"
                            + " it comes from the Actor")));

    private CheckRules() {
    }

    /** The rule behind {@code constraint}, or null for a constraint added after revision 006. */
    static Rule of(String constraint) {
        return constraint == null ? null : RULES.get(constraint);
    }
}
