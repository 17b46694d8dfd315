package dev.pidbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", "a@h");
        m.put("values", List.of(1, 2.5, true));
        m.put("none", null);
        return m;
    }

    @Test
    void encodingIsCompactAndKeepsKeyOrder() {
        assertThat(JsonValues.encodeToString(sample())).isEqualTo("{\"node\":\"a@h\",\"values\":[1,2.5,true],\"none\":null}");
        assertThat(new String(JsonValues.encode(sample()), StandardCharsets.UTF_8))
                .isEqualTo(JsonValues.encodeToString(sample()));
    }

    @Test
    void decodingGivesPlainJavaValuesBack() throws IOException {
        assertThat(JsonValues.decode(JsonValues.encode(sample()))).isEqualTo(sample());
        assertThat(JsonValues.decode("[\"x\", 7]")).isEqualTo(List.of("x", 7));
    }

    @Test
    void decodingRefusesTrailingTokensAndNestingBeyondTheWireLimit() {
        assertThatThrownBy(() -> JsonValues.decode("{} {}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonValues.decode("[".repeat(101) + "]".repeat(101))).isInstanceOf(IOException.class);
    }

    @Test
    void prettyPrintingIndentsForPeople() {
        assertThat(JsonValues.pretty(Map.of("a", 1))).isEqualTo("{\n  \"a\" : 1\n}");
    }

    @Test
    void toPlainTurnsArraysIntoLists() {
        assertThat(JsonValues.toPlain(Map.of("xs", new int[] {1, 2}))).isEqualTo(Map.of("xs", List.of(1, 2)));
    }

    @Test
    void aValueThatIsNotJsonAbleIsAnIllegalArgument() {
        assertThatThrownBy(() -> JsonValues.encode(new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                return this;
            }
        })).isInstanceOf(IllegalArgumentException.class);
    }
}
