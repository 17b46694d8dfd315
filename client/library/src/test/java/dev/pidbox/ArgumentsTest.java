package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared-argument checking ({@link Arguments#validate}) and the typed getters handlers use. */
class ArgumentsTest {

    private static HandlerDefinition.Builder handler(String name) {
        return HandlerDefinition.builder(name).handler((ctx, args) -> null);
    }

    private static final HandlerDefinition ADD = handler("add")
            .argument(ArgumentSpec.required("a", ArgType.INTEGER, "first"))
            .argument(ArgumentSpec.required("b", ArgType.INTEGER, "second"))
            .build();

    private static final HandlerDefinition GREET = handler("greet")
            .argument(ArgumentSpec.optional("name", ArgType.STRING, "world", "who"))
            .argument(ArgumentSpec.optional("loud", ArgType.BOOLEAN, false, "shout"))
            .argument(ArgumentSpec.optional("tags", ArgType.LIST, null, "labels"))
            .build();

    // ---- validate ----------------------------------------------------------------------------------------

    @Test
    void aMissingRequiredArgumentIsRefusedNamingItAndItsType() {
        assertThatThrownBy(() -> Arguments.validate(ADD, Map.of("a", 1)))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("add() missing required argument 'b' (integer)");
    }

    @Test
    void aRequiredArgumentGivenAsNullCountsAsMissing() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("a", 1);
        raw.put("b", null);

        assertThatThrownBy(() -> Arguments.validate(ADD, raw)).isInstanceOf(ArgumentException.class)
                .hasMessageContaining("missing required argument 'b'");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingBothTypes() {
        assertThatThrownBy(() -> Arguments.validate(ADD, Map.of("a", 1, "b", "two")))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("add() argument 'b' must be an integer, got string");
    }

    @Test
    void aFractionalNumberIsNotAnInteger() {
        assertThatThrownBy(() -> Arguments.validate(ADD, Map.of("a", 1, "b", 2.5)))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("got number");
    }

    @Test
    void aNumberArgumentAcceptsIntegersAndFractions() {
        HandlerDefinition scale = handler("scale").argument(ArgumentSpec.required("f", ArgType.NUMBER, "")).build();

        assertThat(Arguments.validate(scale, Map.of("f", 2)).get("f")).isEqualTo(2);
        assertThat(Arguments.validate(scale, Map.of("f", 2.5)).get("f")).isEqualTo(2.5);
    }

    @Test
    void anObjectArgumentRefusesAList() {
        HandlerDefinition conf = handler("conf").argument(ArgumentSpec.required("o", ArgType.OBJECT, "")).build();

        assertThatThrownBy(() -> Arguments.validate(conf, Map.of("o", List.of())))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("conf() argument 'o' must be an object, got list");
    }

    @Test
    void leftOutOptionalArgumentsGetTheirDefaults() {
        Arguments args = Arguments.validate(GREET, Map.of());

        assertThat(args.asMap()).containsOnly(entry("name", "world"), entry("loud", false), entry("tags", null));
    }

    @Test
    void givenOptionalArgumentsOverrideTheirDefaults() {
        Arguments args = Arguments.validate(GREET, Map.of("name", "kombu", "loud", true));

        assertThat(args.getString("name")).isEqualTo("kombu");
        assertThat(args.getBoolean("loud")).isTrue();
    }

    @Test
    void aNullRawMapIsTheSameAsNoArguments() {
        assertThat(Arguments.validate(GREET, null).getString("name")).isEqualTo("world");
    }

    @Test
    void undeclaredArgumentsAreKeptByADefaultHandlerAsKombusKwargs() {
        Arguments args = Arguments.validate(GREET, Map.of("extra", 1));

        assertThat(args.get("extra")).isEqualTo(1);
    }

    @Test
    void undeclaredArgumentsAreRefusedByAStrictHandler() {
        HandlerDefinition strict = handler("strict")
                .argument(ArgumentSpec.optional("n", ArgType.INTEGER, 1L, ""))
                .strictArguments(true)
                .build();

        assertThatThrownBy(() -> Arguments.validate(strict, Map.of("n", 2, "extra", 1)))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("strict() got an unexpected argument 'extra'");
    }

    @Test
    void aStrictHandlerAcceptsItsDeclaredArguments() {
        HandlerDefinition strict = handler("strict")
                .argument(ArgumentSpec.optional("n", ArgType.INTEGER, 1L, ""))
                .strictArguments(true)
                .build();

        assertThat(Arguments.validate(strict, Map.of("n", 2)).getLong("n")).isEqualTo(2L);
    }

    @Test
    void validatedArgumentsAreUnmodifiable() {
        Arguments args = Arguments.validate(GREET, Map.of());

        assertThatThrownBy(() -> args.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anArgumentExceptionIsAnIllegalArgumentException() {
        assertThat(new ArgumentException("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDefaultOfTheWrongTypeIsRefusedWhenDeclared() {
        assertThatThrownBy(() -> ArgumentSpec.optional("n", ArgType.INTEGER, "one", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'n'");
    }

    @Test
    void anArgumentDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> handler("twice")
                .argument(ArgumentSpec.required("a", ArgType.ANY, ""))
                .argument(ArgumentSpec.required("a", ArgType.ANY, "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declared twice");
    }

    // ---- typed getters -----------------------------------------------------------------------------------

    @Test
    void getStringRefusesANumber() {
        Arguments args = Arguments.of(Map.of("s", 5));

        assertThatThrownBy(() -> args.getString("s")).isInstanceOf(ArgumentException.class)
                .hasMessage("argument 's' must be a string, got integer");
    }

    @Test
    void getStringFallsBackWhenAbsent() {
        assertThat(Arguments.empty().getString("s", "dflt")).isEqualTo("dflt");
    }

    @Test
    void getLongAcceptsEveryJsonIntegerRepresentation() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("i", 7);
        raw.put("l", 7_000_000_000L);
        raw.put("big", BigInteger.valueOf(9));
        raw.put("whole", 3.0);
        Arguments args = Arguments.of(raw);

        assertThat(args.getLong("i")).isEqualTo(7L);
        assertThat(args.getLong("l")).isEqualTo(7_000_000_000L);
        assertThat(args.getLong("big")).isEqualTo(9L);
        assertThat(args.getLong("whole")).isEqualTo(3L);
    }

    @Test
    void getLongRefusesAFraction() {
        assertThatThrownBy(() -> Arguments.of(Map.of("f", 3.5)).getLong("f")).isInstanceOf(ArgumentException.class)
                .hasMessage("argument 'f' must be an integer, got number");
    }

    @Test
    void getLongRefusesAnIntegerBeyondSixtyFourBits() {
        Arguments args = Arguments.of(Map.of("huge", BigInteger.ONE.shiftLeft(70)));

        assertThatThrownBy(() -> args.getLong("huge")).isInstanceOf(ArgumentException.class);
    }

    @Test
    void getLongRefusesText() {
        assertThatThrownBy(() -> Arguments.of(Map.of("n", "5")).getLong("n")).isInstanceOf(ArgumentException.class);
    }

    @Test
    void getLongIsNullWhenAbsentAndFallsBackWhenAsked() {
        assertThat(Arguments.empty().getLong("n")).isNull();
        assertThat(Arguments.empty().getLong("n", 4L)).isEqualTo(4L);
    }

    @Test
    void getIntRefusesAValueOutsideTheIntRange() {
        Arguments args = Arguments.of(Map.of("n", 1L << 40));

        assertThatThrownBy(() -> args.getInt("n", 0)).isInstanceOf(ArgumentException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void getIntReturnsAnInRangeValue() {
        assertThat(Arguments.of(Map.of("n", 12)).getInt("n", 0)).isEqualTo(12);
        assertThat(Arguments.empty().getInt("n", 3)).isEqualTo(3);
    }

    @Test
    void getDoubleWidensAnInteger() {
        assertThat(Arguments.of(Map.of("d", 2)).getDouble("d")).isEqualTo(2.0);
    }

    @Test
    void getDoubleRefusesABoolean() {
        assertThatThrownBy(() -> Arguments.of(Map.of("d", true)).getDouble("d")).isInstanceOf(ArgumentException.class)
                .hasMessage("argument 'd' must be a number, got boolean");
    }

    @Test
    void getBooleanRefusesPythonishText() {
        assertThatThrownBy(() -> Arguments.of(Map.of("b", "True")).getBoolean("b")).isInstanceOf(ArgumentException.class);
    }

    @Test
    void getBooleanFallsBackWhenAbsent() {
        assertThat(Arguments.empty().getBoolean("b", true)).isTrue();
    }

    @Test
    void getListAndGetMapReturnTheDecodedContainers() {
        Arguments args = Arguments.of(Map.of("l", List.of(1, 2), "m", Map.of("k", "v")));

        assertThat(args.getList("l")).containsExactly(1, 2);
        assertThat(args.getMap("m")).containsOnly(entry("k", "v"));
    }

    @Test
    void getListRefusesAnObjectAndGetMapRefusesAList() {
        Arguments args = Arguments.of(Map.of("l", List.of(1), "m", Map.of()));

        assertThatThrownBy(() -> args.getList("m")).isInstanceOf(ArgumentException.class);
        assertThatThrownBy(() -> args.getMap("l")).isInstanceOf(ArgumentException.class);
    }

    @Test
    void hasIsFalseForAnExplicitNull() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("safe", null);

        assertThat(Arguments.of(raw).has("safe")).isFalse();
        assertThat(Arguments.of(Map.of("x", 0)).has("x")).isTrue();
    }

    @Test
    void ofCopiesTheMapItIsGiven() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("a", 1);
        Arguments args = Arguments.of(raw);

        raw.put("a", 2);

        assertThat(args.get("a")).isEqualTo(1);
    }
}
