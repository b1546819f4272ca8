package dev.retort.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlNameTest {

    @Test
    void anUnquotedPartIsFoldedAndAQuotedOneKeptAsWritten() {
        assertThat(SqlName.canonical("Users")).isEqualTo("users");
        assertThat(SqlName.canonical("\"users\"")).isEqualTo("users");
        assertThat(SqlName.canonical("\"Cust\"")).isEqualTo("\"Cust\"");
        assertThat(SqlName.canonical("Public.\"Cust\"")).isEqualTo("public.\"Cust\"");
        // PostgreSQL folds ASCII capitals only
        assertThat(SqlName.canonical("Café")).isEqualTo("café");
        assertThat(SqlName.canonical("CAFÉ")).isEqualTo("cafÉ");
    }

    @Test
    void aQuotedDotIsPartOfOneNameNotASchema() {
        assertThat(SqlName.canonical("\"a.b\"")).isEqualTo("\"a.b\"");
        assertThat(SqlName.canonical("a.b")).isEqualTo("a.b");
        assertThat(SqlName.quotedParts("\"a.b\"")).isEqualTo("\"a.b\"");
        assertThat(SqlName.quotedParts("a.b")).isEqualTo("\"a\".\"b\"");
    }

    @Test
    void quotedPartsNameAnythingIncludingKeywordsAndQuotes() {
        assertThat(SqlName.quotedParts("user")).isEqualTo("\"user\"");
        assertThat(SqlName.canonical("\"a\"\"b\"")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlName.quotedParts("\"a\"\"b\"")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlName.inCatalog("\"a\"\"b\"")).isEqualTo("a\"b");
        assertThat(SqlName.quotedParts("the index's table")).isEqualTo("\"the index's table\"");
    }

    @Test
    void inCatalogIsTheLastPartAsPgCatalogHoldsIt() {
        assertThat(SqlName.inCatalog("\"Note\"")).isEqualTo("Note");
        assertThat(SqlName.inCatalog("app.\"IxA\"")).isEqualTo("IxA");
        assertThat(SqlName.inCatalog("\"Ck.A\"")).isEqualTo("Ck.A");
    }
}
