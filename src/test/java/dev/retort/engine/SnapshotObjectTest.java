package dev.retort.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind of snapshot line read back as the object it describes; names as quote_ident writes them. */
class SnapshotObjectTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            extension pgcrypto                                                          | extension         | pgcrypto
            enum user_role (admin, corporate, client) -- What a user may do             | enum              | user_role
            domain email_address text constraint has_at CHECK ((VALUE ~~ '%@%'::text))   | domain            | email_address
            range floatrange subtype double precision                                   | range             | floatrange
            sequence s1 bigint start 1 increment 1 owned by users.n                     | sequence          | s1
            table users -- Accounts                                                     | table             | users
            unlogged table audit_logs with (fillfactor=50) -- One row per audited event | table             | audit_logs
            table "Order Items" [ENABLE ROW LEVEL SECURITY]                             | table             | "Order Items"
            `  column "Unit Price" numeric(12,2) not null -- per unit`                  | column            | "Order Items"."Unit Price"
            constraint fk_items_order on "Order Items": FOREIGN KEY (order_id) REFERENCES orders(id) | constraint | fk_items_order on "Order Items"
            index ix_users_email on users: CREATE INDEX ix_users_email ON users USING btree (email) | index | ix_users_email on users
            trigger touch on users: CREATE TRIGGER touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch() | trigger | touch on users
            policy own_rows on users: AS PERMISSIVE FOR SELECT TO public USING ((deleted_at IS NULL)) | policy | own_rows on users
            view active_users: SELECT users.id FROM users                               | view              | active_users
            materialized view totals: SELECT count(*) AS count FROM users               | materialized view | totals
            function touch() returns trigger language plpgsql body 0a1b2c3d4e5f         | function          | touch()
            procedure archive(cutoff timestamp with time zone) language sql body 0a1b2c | procedure         | archive(cutoff timestamp with time zone)
            window function rank_of(integer) returns bigint language internal body 0a1b | window function   | rank_of(integer)
            function greet(who text, language text) returns text language sql body 0a1b | function          | greet(who text, language text)
            procedure tag(n numeric(12,2), language text) language sql body 0a1b       | procedure         | tag(n numeric(12,2), language text)
            something a newer Retort writes                                             | object            | something a newer Retort writes
            """)
    void aLineNamesItsObject(String line, String kind, String name) {
        assertThat(SnapshotObject.of(line, "\"Order Items\"")).isEqualTo(new SnapshotObject(kind, name));
    }
}
