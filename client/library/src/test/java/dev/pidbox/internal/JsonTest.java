package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON codec: plain Java values, bounded reads, and kombu 5.3's tagged envelopes
 * ({@code {"__type__": t, "__value__": v}}, PROTOCOL.md 5), escaped on the way out and decoded on the way in.
 */
class JsonTest {

    // ---- plain values ------------------------------------------------------------------------------------

    @Test
    void decodeGivesPlainJavaValuesInDocumentOrder() throws IOException {
        Object v = Json.decode("{\"z\": 1, \"a\": [true, null, 2.5, \"s\"], \"m\": {}}");

        assertThat(v).isInstanceOf(Map.class);
        assertThat(map(v).keySet()).containsExactly("z", "a", "m");
        assertThat(map(v).get("z")).isEqualTo(1);
        assertThat(map(v).get("a")).isEqualTo(java.util.Arrays.asList(true, null, 2.5, "s"));
    }

    @Test
    void fieldNamesAreNotKeptInASymbolTableSharedByAllDecodes() throws IOException {
        // A reply's key is its node's name: a client gathering from a large fleet meets a new one in nearly every
        // reply. Jackson's canonicalizing table is copied by each parser that adds a name, and emptied past 6,000,
        // so that decoding a gather grew with the square of the fleet (BENCHMARKS.md, ReplyDecodeBenchmark).
        assertThat(Json.factory().isEnabled(com.fasterxml.jackson.core.JsonFactory.Feature.CANONICALIZE_FIELD_NAMES))
                .isFalse();
        for (int i = 0; i < 10_000; i++) {
            // the JVM's one instance of this text: a canonicalized name is interned, and would be this very String
            String name = ("w" + i + "-" + Integer.toHexString(i * 7919) + "@host.example").intern();
            Map<String, Object> reply = map(Json.decode("{\"" + name + "\": {\"ok\": \"pong\"}}"));

            assertThat(reply).containsOnly(entry(name, Map.of("ok", "pong")));
            assertThat(reply.keySet().iterator().next()).isNotSameAs(name);
        }
    }

    @Test
    void decodeWidensIntegersOnlyAsFarAsNeeded() throws IOException {
        List<?> v = (List<?>) Json.decode("[1, 5000000000, 123456789012345678901234567890]");

        assertThat(v.get(0)).isInstanceOf(Integer.class);
        assertThat(v.get(1)).isInstanceOf(Long.class);
        assertThat(v.get(2)).isInstanceOf(BigInteger.class);
    }

    @Test
    void decodeRefusesTrailingGarbage() {
        assertThatThrownBy(() -> Json.decode("{} x")).isInstanceOf(IOException.class);
    }

    @Test
    void decodeRefusesANumberLongerThanTheLimit() {
        String digits = "1".repeat(Json.MAX_NUMBER_LENGTH + 1);

        assertThatThrownBy(() -> Json.decode("[" + digits + "]")).isInstanceOf(IOException.class);
    }

    @Test
    void decodeReadsTheNonAsciiEscapesKombuWrites() throws IOException {
        // kombu writes ensure_ascii JSON: "caf\u00e9"
        assertThat(Json.decode("\"caf\\u00e9\"")).isEqualTo("caf\u00e9");
    }

    @Test
    void encodeThenDecodeRoundTripsNonAsciiText() throws IOException {
        assertThat(Json.decode(Json.encode(Map.of("k", "caf\u00e9 \ud83d\ude00")))).isEqualTo(Map.of("k", "caf\u00e9 \ud83d\ude00"));
    }

    @Test
    void encodeRefusesAValueThatIsNotJsonAble() {
        Object selfReferencing = new Object() {
            public Object getSelf() {
                return this;
            }
        };

        assertThatThrownBy(() -> Json.encode(selfReferencing)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toPlainTurnsAnArrayIntoAList() {
        assertThat(Json.toPlain(new int[] {1, 2})).isEqualTo(List.of(1, 2));
    }

    // ---- escapeKombuTags ---------------------------------------------------------------------------------

    @Test
    void anExactTypeValueObjectGetsAThirdKeySoKombuKeepsItPlain() {
        Map<String, Object> tagged = tagged("decimal", "1.5");

        Object escaped = Json.escapeKombuTags(tagged);

        assertThat(map(escaped)).containsOnlyKeys("__type__", "__value__", "__pidbox_plain__");
        assertThat(map(escaped).get("__pidbox_plain__")).isEqualTo(true);
    }

    @Test
    void escapingDoesNotChangeTheInput() {
        Map<String, Object> tagged = tagged("decimal", "1.5");

        Json.escapeKombuTags(tagged);

        assertThat(tagged).containsOnlyKeys("__type__", "__value__");
    }

    @Test
    void taggedObjectsNestedInMapsAndListsAreEscaped() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("list", List.of(1, tagged("uuid", "x")));
        value.put("map", Map.of("inner", tagged("datetime", "2024-01-01T00:00:00")));

        Map<String, Object> escaped = map(Json.escapeKombuTags(value));

        assertThat(map(((List<?>) escaped.get("list")).get(1))).containsKey("__pidbox_plain__");
        assertThat(map(map(escaped.get("map")).get("inner"))).containsKey("__pidbox_plain__");
    }

    @Test
    void anObjectWithTypeValueAndMoreKeysIsLeftAlone() {
        Map<String, Object> value = new LinkedHashMap<>(tagged("decimal", "1.5"));
        value.put("other", 1);

        assertThat(Json.escapeKombuTags(value)).isSameAs(value);
    }

    @Test
    void aValueWithNothingToEscapeIsReturnedAsIs() {
        Map<String, Object> value = Map.of("ok", List.of("pong", Map.of("__type__", "only-one-key")));

        assertThat(Json.escapeKombuTags(value)).isSameAs(value);
    }

    @Test
    void anEscapedObjectIsNotDecodedAsATag() {
        Object escaped = Json.escapeKombuTags(tagged("decimal", "1.5"));

        assertThat(Json.decodeKombuTags(escaped)).isEqualTo(escaped);
    }

    // ---- decodeKombuTags ---------------------------------------------------------------------------------

    @Test
    void aDatetimeTagDecodesToItsIsoText() {
        assertThat(Json.decodeKombuTags(tagged("datetime", "2024-05-01T12:00:00+00:00")))
                .isEqualTo("2024-05-01T12:00:00+00:00");
    }

    @Test
    void aDecimalTagDecodesToABigDecimal() {
        assertThat(Json.decodeKombuTags(tagged("decimal", "3.14"))).isEqualTo(new BigDecimal("3.14"));
    }

    @Test
    void aMalformedDecimalTagDecodesToItsText() {
        assertThat(Json.decodeKombuTags(tagged("decimal", "pi"))).isEqualTo("pi");
    }

    @Test
    void aUuidTagDecodesToTheDashedUuid() {
        Object v = Json.decodeKombuTags(tagged("uuid", Map.of("hex", "a734415a377440cd80384c75cd9d2425")));

        assertThat(v).isEqualTo("a734415a-3774-40cd-8038-4c75cd9d2425");
    }

    @Test
    void aBytesTagDecodesToItsText() {
        assertThat(Json.decodeKombuTags(tagged("bytes", "abc"))).isEqualTo("abc");
    }

    @Test
    void anUnknownTagIsLeftAsTheObject() {
        Map<String, Object> unknown = tagged("set", List.of(1));

        assertThat(Json.decodeKombuTags(unknown)).isEqualTo(unknown);
    }

    @Test
    void tagsNestedInARealReplyAreDecoded() throws IOException {
        Object reply = Json.decode("{\"n@h\": {\"ok\": [{\"__type__\": \"decimal\", \"__value__\": \"2\"}], "
                + "\"at\": {\"__type__\": \"date\", \"__value__\": \"2024-05-01\"}}}");

        Map<?, ?> value = (Map<?, ?>) ((Map<?, ?>) Json.decodeKombuTags(reply)).get("n@h");

        assertThat(value.get("ok")).isEqualTo(List.of(new BigDecimal("2")));
        assertThat(value.get("at")).isEqualTo("2024-05-01");
    }

    @Test
    void aReplyWithoutTagsDecodesToAnEqualValue() throws IOException {
        Object reply = Json.decode("{\"real@probe\": {\"revoked\": {}, \"clock\": 4}}");

        assertThat(map(Json.decodeKombuTags(reply)))
                .containsOnly(entry("real@probe", Map.of("revoked", Map.of(), "clock", 4)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> tagged(String type, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("__type__", type);
        m.put("__value__", value);
        return m;
    }
}
