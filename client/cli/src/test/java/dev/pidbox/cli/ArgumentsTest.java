package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    @Test
    void argValuesAreJsonWhenTheyParseAndStringsOtherwise() {
        assertThat(Options.Arguments.value("5")).isEqualTo(5);
        assertThat(Options.Arguments.value("true")).isEqualTo(true);
        assertThat(Options.Arguments.value("[1,2]")).isEqualTo(List.of(1, 2));
        assertThat(Options.Arguments.value("java.lang:type=Memory")).isEqualTo("java.lang:type=Memory");
        assertThat(Options.Arguments.value("1abc")).isEqualTo("1abc");
        assertThat(Options.Arguments.value("\"5\"")).isEqualTo("5");
    }

    @Test
    void argOptionsAddToArgsJson() {
        Options.Arguments a = new Options.Arguments();
        a.argsJson = "{\"top\": 3, \"name\": \"java.*\"}";
        a.args.put("top", "10");

        assertThat(a.toMap()).isEqualTo(Map.of("top", 10, "name", "java.*"));
    }
}
