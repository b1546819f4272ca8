package dev.retort.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleCharsetTest {

    @Test
    void theCLocalesAsciiBecomesUtf8AndAnyOtherLocaleKeepsItsOwn() {
        assertThat(ConsoleCharset.forLocaleEncoding("ANSI_X3.4-1968")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(ConsoleCharset.forLocaleEncoding("US-ASCII")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(ConsoleCharset.forLocaleEncoding("UTF-8")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(ConsoleCharset.forLocaleEncoding("ISO-8859-1")).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(ConsoleCharset.forLocaleEncoding("no-such-charset")).isEqualTo(Charset.defaultCharset());
    }
}
