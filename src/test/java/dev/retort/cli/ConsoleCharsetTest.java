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

    /** Java 17 names the locale's encoding for a stream that is a terminal: that is no choice of the user's. */
    @Test
    void aTerminalUnderTheCLocaleGetsUtf8TooButAUsersChoiceIsKept() {
        assertThat(ConsoleCharset.forStream("ANSI_X3.4-1968", "ANSI_X3.4-1968")).isEqualTo("UTF-8");
        assertThat(ConsoleCharset.forStream(null, "ANSI_X3.4-1968")).isEqualTo("UTF-8");
        assertThat(ConsoleCharset.forStream("ISO-8859-1", "ANSI_X3.4-1968")).isEqualTo("ISO-8859-1");
        assertThat(ConsoleCharset.forStream("UTF-8", "UTF-8")).isEqualTo("UTF-8");
    }
}
