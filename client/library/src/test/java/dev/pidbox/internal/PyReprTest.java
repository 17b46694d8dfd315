package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Error texts have the shape of Python's {@code repr(exc)}, as a kombu node sends them in
 * {@code {"error": ...}}. Every expected string below is the output of Python 3.11.2's
 * {@code repr(KeyError(message))} (or the named type), copied verbatim.
 */
class PyReprTest {

    @Test
    void anUnknownCommandErrorIsPythonsKeyErrorRepr() {
        assertThat(PyRepr.error("KeyError", "nosuch")).isEqualTo("KeyError('nosuch')");
    }

    @Test
    void aMessageWithASingleQuoteIsWrappedInDoubleQuotes() {
        assertThat(PyRepr.error("KeyError", "it's")).isEqualTo("KeyError(\"it's\")");
    }

    @Test
    void aMessageWithDoubleQuotesKeepsSingleQuotes() {
        assertThat(PyRepr.error("ValueError", "say \"hi\"")).isEqualTo("ValueError('say \"hi\"')");
    }

    @Test
    void aMessageWithBothQuotesEscapesTheSingleQuotes() {
        assertThat(PyRepr.error("KeyError", "it's \"both\"")).isEqualTo("KeyError('it\\'s \"both\"')");
    }

    @Test
    void aNewlineIsEscaped() {
        assertThat(PyRepr.error("KeyError", "line1\nline2")).isEqualTo("KeyError('line1\\nline2')");
    }

    @Test
    void tabAndCarriageReturnAreEscaped() {
        assertThat(PyRepr.error("ValueError", "x\ty\rz")).isEqualTo("ValueError('x\\ty\\rz')");
    }

    @Test
    void aBackslashIsDoubled() {
        assertThat(PyRepr.error("RuntimeError", "a\\b")).isEqualTo("RuntimeError('a\\\\b')");
    }

    @Test
    void asciiControlCharactersUseHexEscapes() {
        assertThat(PyRepr.error("KeyError", "bell\u0007")).isEqualTo("KeyError('bell\\x07')");
        assertThat(PyRepr.error("KeyError", "del\u007f")).isEqualTo("KeyError('del\\x7f')");
    }

    @Test
    void printableNonAsciiIsKeptAsIs() {
        assertThat(PyRepr.error("KeyError", "caf\u00e9")).isEqualTo("KeyError('caf\u00e9')");
        assertThat(PyRepr.error("KeyError", "emoji\ud83d\ude00")).isEqualTo("KeyError('emoji\ud83d\ude00')");
    }

    @Test
    void anEmptyMessageIsAnEmptyString() {
        assertThat(PyRepr.error("KeyError", "")).isEqualTo("KeyError('')");
    }

    @Test
    void aNullMessageGivesEmptyParentheses() {
        assertThat(PyRepr.error("KeyError", null)).isEqualTo("KeyError()");
    }

    @Test
    void pythonsMissingArgumentTypeErrorIsReproduced() {
        // The exact text a kombu node replied with in capture_fanout.jsonl (bad-args).
        assertThat(PyRepr.error("TypeError", "add() missing 1 required positional argument: 'b'"))
                .isEqualTo("TypeError(\"add() missing 1 required positional argument: 'b'\")");
    }

    @Test
    void aJavaExceptionIsNamedByItsSimpleClassName() {
        assertThat(PyRepr.error(new IllegalStateException("boom"))).isEqualTo("IllegalStateException('boom')");
    }

    @Test
    void aJavaExceptionWithoutMessageHasEmptyParentheses() {
        assertThat(PyRepr.error(new UnsupportedOperationException())).isEqualTo("UnsupportedOperationException()");
    }

    @Test
    void anAnonymousExceptionClassFallsBackToItsBinaryName() {
        RuntimeException anonymous = new RuntimeException("x") {
            private static final long serialVersionUID = 1L;
        };

        assertThat(PyRepr.error(anonymous)).isEqualTo(anonymous.getClass().getName() + "('x')");
    }

    /** (message, repr(KeyError(message))) from Python 3.11.2 for non-printable Unicode. */
    static Stream<Arguments> pythonNonPrintables() {
        return Stream.of(
                arguments("nbsp\u00a0x", "KeyError('nbsp\\xa0x')"),
                arguments("c1\u0085x", "KeyError('c1\\x85x')"),
                arguments("zwsp\u200bx", "KeyError('zwsp\\u200bx')"),
                arguments("ls\u2028x", "KeyError('ls\\u2028x')"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("pythonNonPrintables")
    void nonPrintableUnicodeIsEscapedAsPythonDoes(String message, String python) {
        assertThat(PyRepr.error("KeyError", message)).isEqualTo(python);
    }
}
