package dev.pidbox.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
    @Test
    void anExceptionIsItsSimpleClassNameAndItsMessageInPythonQuotes() {
        assertThat(ErrorText.of(new IOException("disk full"))).isEqualTo("IOException('disk full')");
    }

    @Test
    void aMessageWithASingleQuoteIsDoubleQuotedAsPythonDoes() {
        assertThat(ErrorText.of("KeyError", "no 'x'")).isEqualTo("KeyError(\"no 'x'\")");
    }

    @Test
    void noMessageGivesEmptyParentheses() {
        assertThat(ErrorText.of("TimeoutError", null)).isEqualTo("TimeoutError()");
        assertThat(ErrorText.of(new IllegalStateException())).isEqualTo("IllegalStateException()");
    }
}
