package dev.retort.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.retort.data.DataLayerDatabase.BCRYPT;
import static dev.retort.data.DataLayerDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class UsersTest {

    private static DataLayerDatabase db;
    private static Actor admin;
    private static Users users;

    @BeforeAll
    static void migrateToHead() {
        db = DataLayerDatabase.atHead("data_users");
        admin = db.newAdmin();
        users = db.users;
    }

    private static String uniqueEmail() {
        return "u-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void theFirstAdministratorIsCreatedByTheSystemAndAuditedWithoutAUser() throws SQLException {
        User first = users.create(Actor.system(), new NewUser(uniqueEmail(), BCRYPT, "Ada Admin", "admin"));

        assertThat(first.createdBy()).isNull();
        Map<String, String> audit = db.auditRows(first.id()).get(0);
        assertThat(audit).contains(entry("action", "create"), entry("resource_type", "user"),
                entry("user_id", null), entry("user_email", null), entry("user_role", null));
        assertThat(audit.get("description")).isEqualTo("Created user " + first.email() + " (admin)");
    }

    @Test
    void createAuditsTheFieldsButNeverThePasswordHash() throws SQLException {
        String email = uniqueEmail();
        User user = users.create(admin, new NewUser(email, BCRYPT, "Bo Client", "client"));

        assertThat(user.createdBy()).isEqualTo(admin.userId());
        assertThat(user.active()).isTrue();
        assertThat(json(db.auditRows(user.id()).get(0).get("new_values"))).isEqualTo(
                Map.of("email", email, "full_name", "Bo Client", "role", "client", "is_active", true));
        assertThat(db.value("SELECT count(*) FROM audit_logs WHERE new_values::text LIKE ?", "%" + BCRYPT + "%"))
                .isEqualTo("0");
        assertThat(new NewUser(email, BCRYPT, "Bo Client", "client").toString()).doesNotContain(BCRYPT);
    }

    @Test
    void activeByEmailFindsOnlyALiveActiveUser() {
        User user = users.create(admin, new NewUser(uniqueEmail(), BCRYPT, "Cy Corporate", "corporate"));
        assertThat(users.activeByEmail(user.email())).contains(user);

        User inactive = users.update(admin, user.id(), UserChanges.none().withActive(false));
        assertThat(users.activeByEmail(user.email())).isEmpty();
        assertThat(users.find(user.id())).contains(inactive);

        users.update(admin, user.id(), UserChanges.none().withActive(true));
        users.softDelete(admin, user.id());
        assertThat(users.activeByEmail(user.email())).isEmpty();
        assertThat(users.find(user.id())).isEmpty();
        assertThat(users.deleted(1)).extracting(User::id).containsExactly(user.id());

        users.restore(admin, user.id());
        assertThat(users.activeByEmail(user.email())).isPresent();
        assertThat(users.activeByEmail(user.email().toUpperCase())).as("emails compare as stored").isEmpty();
    }

    @Test
    void updateAuditsOnlyTheFieldsThatChanged() throws SQLException {
        User user = db.newUser("client");

        User updated = users.update(admin, user.id(),
                UserChanges.none().withFullName(user.fullName()).withRole("corporate").withActive(false));

        assertThat(updated.role()).isEqualTo("corporate");
        assertThat(updated.active()).isFalse();
        Map<String, String> audit = db.auditRows(user.id()).get(1);
        assertThat(audit).containsEntry("description", "Updated user " + user.email() + ": role, is_active");
        assertThat(json(audit.get("old_values"))).isEqualTo(Map.of("role", "client", "is_active", true));
        assertThat(json(audit.get("new_values"))).isEqualTo(Map.of("role", "corporate", "is_active", false));
    }

    /**
     * PostgreSQL may store other than what was sent: a varchar(255) drops the spaces past its 255th character
     * instead of refusing them. The audit row and the returned user say what the table holds.
     */
    @Test
    void updateAuditsAndReturnsTheValueStoredNotTheValueSent() throws SQLException {
        User user = db.newUser("client");
        String sent = "Ann Lee" + " ".repeat(300);
        String stored = sent.substring(0, 255);

        User updated = users.update(admin, user.id(), UserChanges.none().withFullName(sent));

        assertThat(db.row("users", user.id())).containsEntry("full_name", stored);
        assertThat(updated.fullName()).isEqualTo(stored);
        assertThat(users.find(user.id())).contains(updated);
        Map<String, String> audit = db.auditRows(user.id()).get(1);
        assertThat(json(audit.get("old_values"))).isEqualTo(Map.of("full_name", user.fullName()));
        assertThat(json(audit.get("new_values"))).isEqualTo(Map.of("full_name", stored));
    }

    /**
     * A value that differs from the row's but is stored as what the row holds: the row was written (updated_at,
     * updated_by), so it has its audit row, which says that no field changed.
     */
    @Test
    void anUpdateStoredAsTheValuesAlreadyThereIsAuditedAsChangingNoField() throws SQLException {
        User user = db.newUser("client");
        String stored = "Ann Lee" + " ".repeat(248);
        users.update(admin, user.id(), UserChanges.none().withFullName(stored));

        User again = users.update(admin, user.id(), UserChanges.none().withFullName(stored + "  "));

        assertThat(again.fullName()).isEqualTo(stored);
        Map<String, String> audit = db.auditRows(user.id()).get(2);
        assertThat(audit).containsEntry("description", "Updated user " + user.email() + ": no field changed as"
                + " stored");
        assertThat(audit.get("old_values")).isNull();
        assertThat(audit.get("new_values")).isNull();
    }

    @Test
    void softDeleteThenRestoreRoundTripsWithAnAuditRowEach() throws SQLException {
        User user = db.newUser("client");

        User deleted = users.softDelete(admin, user.id());
        User restored = users.restore(admin, user.id());

        assertThat(deleted.deletedBy()).isEqualTo(admin.userId());
        assertThat(restored.deletedAt()).isNull();
        List<Map<String, String>> audit = db.auditRows(user.id());
        assertThat(audit).extracting(row -> row.get("action")).containsExactly("create", "delete", "restore");
        assertThat(json(audit.get(1).get("new_values"))).isEqualTo(Map.of(
                "deleted_at", deleted.deletedAt().toString(), "deleted_by", admin.userId().toString()));
        assertThat(json(audit.get(2).get("old_values"))).isEqualTo(json(audit.get(1).get("new_values")));
    }

    @Test
    void aDuplicateEmailIsRefusedByNameEvenWhenItsHolderIsSoftDeleted() throws SQLException {
        User holder = db.newUser("client");
        users.softDelete(admin, holder.id());
        long auditRowsBefore = Long.parseLong(db.value("SELECT count(*) FROM audit_logs"));

        assertThatThrownBy(() -> users.create(admin, new NewUser(holder.email(), BCRYPT, "Second", "client")))
                .isInstanceOfSatisfying(DuplicateEmailException.class, refused -> {
                    assertThat(refused.email()).isEqualTo(holder.email());
                    assertThat(refused.sqlState()).isEqualTo("23505");
                })
                .hasMessage("a user with email '" + holder.email() + "' already exists (unique constraint"
                        + " uq_users_email, which compares emails as stored and also holds the emails of"
                        + " soft-deleted users): use another email, or, if the user that has it is soft-deleted, "
                        + "restore that user");

        assertThat(db.value("SELECT count(*) FROM users WHERE email = ?", holder.email())).isEqualTo("1");
        assertThat(Long.parseLong(db.value("SELECT count(*) FROM audit_logs"))).isEqualTo(auditRowsBefore);
    }

    @Test
    void aRoleThatIsNoEnumValueNamesTheTypeAndItsValuesAndWritesNothing() throws SQLException {
        User user = db.newUser("client");
        Map<String, String> before = db.row("users", user.id());

        assertThatThrownBy(() -> users.update(admin, user.id(), UserChanges.none().withRole("superuser")))
                .isInstanceOf(InvalidEnumValueException.class)
                .hasMessage("'superuser' is not a value of enum user_role; valid values: admin, corporate, client");

        assertThat(db.row("users", user.id())).isEqualTo(before);
        assertThat(db.auditRows(user.id())).hasSize(1);
    }

    @Test
    void valuesTheChecksRefuseNameTheConstraintAndFieldAndWriteNothing() throws SQLException {
        User user = db.newUser("client");
        Map<String, String> before = db.row("users", user.id());
        String email = uniqueEmail();

        assertThatThrownBy(() -> users.update(admin, user.id(), UserChanges.none().withFullName("   ")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("users.full_name was refused by check constraint ck_users_full_name_not_empty:"
                        + " it needs at least one character that is not whitespace");
        assertThatThrownBy(() -> users.create(admin, new NewUser(email, "plaintext", "Short Hash", "client")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("users.password_hash was refused by check constraint ck_users_password_hash_length:"
                        + " a password hash has at least 60 characters (bcrypt or stronger), never the password"
                        + " itself");
        assertThatThrownBy(() -> users.create(admin, new NewUser("not-an-email", BCRYPT, "Bad Email", "client")))
                .isInstanceOf(CheckViolationException.class)
                .hasMessage("users.email was refused by check constraint ck_users_email_format: an email address"
                        + " must look like name@domain.tld");

        assertThat(db.row("users", user.id())).isEqualTo(before);
        assertThat(db.auditRows(user.id())).hasSize(1);
        assertThat(db.value("SELECT count(*) FROM users WHERE email IN (?, 'not-an-email')", email)).isEqualTo("0");
    }

    @Test
    void aValueTooLongForItsColumnNamesTheFieldAndTheLimitAndWritesNothing() throws SQLException {
        User user = db.newUser("client");
        Map<String, String> before = db.row("users", user.id());

        assertThatThrownBy(() -> users.update(admin, user.id(), UserChanges.none().withFullName("x".repeat(300))))
                .isInstanceOfSatisfying(ValueTooLongException.class, refused -> {
                    assertThat(refused.table()).isEqualTo("users");
                    assertThat(refused.fields())
                            .containsExactly(new ValueTooLongException.Field("full_name", 300, 255));
                    assertThat(refused.sqlState()).isEqualTo("22001");
                    assertThat(refused.getCause()).isInstanceOf(SQLException.class);
                })
                .hasMessage("full_name is 300 characters, but users.full_name takes at most 255: shorten it");

        assertThat(db.row("users", user.id())).isEqualTo(before);
        assertThat(db.auditRows(user.id())).hasSize(1);
    }

    /** PostgreSQL stops at the first; the message names every field that is too long, and never its value. */
    @Test
    void aNewUserWithSeveralValuesTooLongHasThemAllNamedAndIsNotCreated() throws SQLException {
        String email = "a".repeat(290) + "@example.com";
        String hash = BCRYPT + "9".repeat(200);
        long auditRowsBefore = Long.parseLong(db.value("SELECT count(*) FROM audit_logs"));

        assertThatThrownBy(() -> users.create(admin, new NewUser(email, hash, "Long Everything", "client")))
                .isInstanceOf(ValueTooLongException.class)
                .hasMessage("email is 302 characters, but users.email takes at most 255; password_hash is 260"
                        + " characters, but users.password_hash takes at most 255: shorten them")
                .hasMessageNotContaining(BCRYPT);

        assertThat(db.value("SELECT count(*) FROM users WHERE full_name = 'Long Everything'")).isEqualTo("0");
        assertThat(Long.parseLong(db.value("SELECT count(*) FROM audit_logs"))).isEqualTo(auditRowsBefore);
    }

    /** PostgreSQL counts characters, not Java's UTF-16 units: an emoji is one character, and two units. */
    @Test
    void lengthsAreCountedInCharactersAsPostgresqlCountsThem() {
        User user = db.newUser("client");
        String fits = "\uD83D\uDE00".repeat(255);

        assertThat(users.update(admin, user.id(), UserChanges.none().withFullName(fits)).fullName()).isEqualTo(fits);
        assertThatThrownBy(() -> users.update(admin, user.id(), UserChanges.none().withFullName(fits + "!")))
                .isInstanceOf(ValueTooLongException.class)
                .hasMessage("full_name is 256 characters, but users.full_name takes at most 255: shorten it");
    }

    @Test
    void anUnknownIdADeletedUserAndALiveOneAreEachRefusedClearly() {
        UUID nobody = UUID.randomUUID();
        User live = db.newUser("client");

        assertThatThrownBy(() -> users.softDelete(admin, nobody))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no user has id " + nobody + " (soft-deleted ones included): check the id");
        assertThatThrownBy(() -> users.restore(admin, live.id()))
                .isInstanceOf(NotDeletedException.class)
                .hasMessage("user " + live.id() + " (" + live.email() + ") is not deleted, so there is nothing to"
                        + " restore");
        users.softDelete(admin, live.id());
        assertThatThrownBy(() -> users.update(admin, live.id(), UserChanges.none().withRole("admin")))
                .isInstanceOf(SoftDeletedException.class)
                .hasMessageEndingWith(": restore it before changing or deleting it");
    }
}
