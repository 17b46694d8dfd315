package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.pidbox.internal.GoldenCaptures.WireMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request captured from real kombu 5.2.4 / Celery 5.2.6 clients decodes to the fields kombu sent.
 * The expected values come from the capture, read with a plain Jackson tree, independently of our codec.
 */
class GoldenRequestDecodingTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final int LIMIT = 1 << 20;

    static List<WireMessage> jsonRequests() {
        return GoldenCaptures.jsonRequests();
    }

    @Test
    void theCapturesHoldEveryWireLineOfAllFourFiles() {
        // 42 requests (two of them pickle) and 32 replies; a line lost by the loader would shrink these.
        assertThat(GoldenCaptures.all()).hasSize(74);
        assertThat(GoldenCaptures.requests()).hasSize(42);
        assertThat(GoldenCaptures.jsonRequests()).hasSize(40);
        assertThat(GoldenCaptures.replies()).hasSize(32);
        assertThat(GoldenCaptures.all()).extracting(m -> m.file).containsAll(GoldenCaptures.FILES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void aCapturedRequestParsesWithoutAProblem(WireMessage m) {
        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.cause()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void aCapturedRequestYieldsTheMethodArgumentsAndAddressKombuSent(WireMessage m) {
        JsonNode expected = m.bodyTree();

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.method()).isEqualTo(expected.get("method").asText());
        assertThat(in.arguments()).isEqualTo(plain(expected.get("arguments")));
        assertThat(in.destination()).isEqualTo(plain(expected.get("destination")));
        assertThat(in.pattern()).isEqualTo(plain(expected.get("pattern")));
        assertThat(in.matcher()).isEqualTo(plain(expected.get("matcher")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void aCapturedRequestYieldsTheTicketAndReplyToKombuSent(WireMessage m) {
        JsonNode expected = m.bodyTree();

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        if (expected.has("ticket")) {
            assertThat(in.ticket()).isEqualTo(expected.get("ticket").asText());
            assertThat(in.replyTo()).isNotNull();
            assertThat(in.replyTo().exchange()).isEqualTo(expected.get("reply_to").get("exchange").asText());
            assertThat(in.replyTo().routingKey()).isEqualTo(expected.get("reply_to").get("routing_key").asText());
            assertThat(in.replyTo().exchange()).isEqualTo("reply." + m.exchange);
        } else {
            assertThat(in.ticket()).isNull();
            assertThat(in.replyTo()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void aCapturedRequestYieldsTheClockHeader(WireMessage m) {
        long expected = m.properties.get("application_headers").get("clock").longValue();

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.clock()).isEqualTo(expected).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void fromBodyReadsADecodedCapturedRequestLikeParseDoes(WireMessage m) throws Exception {
        AMQP.BasicProperties props = m.deliveredProperties();
        IncomingRequest parsed = IncomingRequest.parse(props, m.body(), LIMIT);

        IncomingRequest read = IncomingRequest.fromBody(m.jsonBody(), props);

        assertThat(read.problem()).isNull();
        assertThat(read.method()).isEqualTo(parsed.method());
        assertThat(read.arguments()).isEqualTo(parsed.arguments());
        assertThat(read.destination()).isEqualTo(parsed.destination());
        assertThat(read.pattern()).isEqualTo(parsed.pattern());
        assertThat(read.matcher()).isEqualTo(parsed.matcher());
        assertThat(read.ticket()).isEqualTo(parsed.ticket());
        assertThat(read.clock()).isEqualTo(parsed.clock());
        if (parsed.replyTo() == null) {
            assertThat(read.replyTo()).isNull();
        } else {
            assertThat(read.replyTo().exchange()).isEqualTo(parsed.replyTo().exchange());
            assertThat(read.replyTo().routingKey()).isEqualTo(parsed.replyTo().routingKey());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonRequests")
    void jsonDecodeKeepsKombusKeyOrder(WireMessage m) {
        List<String> kombuOrder = iterableToList(m.bodyTree().fieldNames());

        Map<String, Object> decoded = m.jsonBody();

        assertThat(decoded.keySet()).containsExactlyElementsOf(kombuOrder);
    }

    @Test
    void aCapturedCelerySelfHelloCarriesTheFromNodeAndAnEmptyRevokedMap() {
        WireMessage m = GoldenCaptures.find("capture_worker_startup.jsonl", "(no label)", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.method()).isEqualTo("hello");
        assertThat(in.arguments()).isEqualTo(Map.of("from_node", "real@probe", "revoked", Map.of()));
        assertThat(in.destination()).isNull();
        assertThat(in.ticket()).isEqualTo("6ccc5024-9cce-4639-9f16-77a8f67bcde6");
        assertThat(in.replyTo().routingKey()).isEqualTo("0a440ad3-711b-3bf5-a764-8552c48b1618");
    }

    @Test
    void aCapturedGlobRequestCarriesPatternAndMatcherWithNoDestination() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "glob-node*", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.destination()).isNull();
        assertThat(in.pattern()).isEqualTo("node*");
        assertThat(in.matcher()).isEqualTo("glob");
    }

    @Test
    void aCapturedPcreRequestCarriesThePythonRegex() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "pcre-.*2@", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.pattern()).isEqualTo(".*2@");
        assertThat(in.matcher()).isEqualTo("pcre");
    }

    @Test
    void aCapturedMultiNodeCallCarriesBothDestinationsInOrder() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "args-add", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.destination()).isEqualTo(List.of("node1@probe", "node2@probe"));
        assertThat(in.arguments()).isEqualTo(Map.of("a", 2, "b", 3));
    }

    @Test
    void aCapturedCastHasNeitherTicketNorReplyTo() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "cast-echo-node2", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.method()).isEqualTo("echo");
        assertThat(in.ticket()).isNull();
        assertThat(in.replyTo()).isNull();
    }

    @Test
    void aCapturedMinimalRequestLeavesTheMissingKeysNull() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "raw-json-minimal", false);

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.method()).isEqualTo("ping");
        assertThat(in.arguments()).isNull();
        assertThat(in.destination()).isNull();
        assertThat(in.pattern()).isNull();
        assertThat(in.matcher()).isNull();
        assertThat(in.ticket()).isEqualTo("raw-ticket-3");
    }

    static List<WireMessage> pickleRequests() {
        List<WireMessage> out = new java.util.ArrayList<>(GoldenCaptures.requests());
        out.removeAll(GoldenCaptures.jsonRequests());
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pickleRequests")
    void aCapturedPickleRequestIsRefusedWithAProblemNamingItsContentType(WireMessage m) {
        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.problem()).contains("application/x-python-serialize");
        assertThat(in.method()).isNull();
        assertThat(in.clock()).isEqualTo(1);
    }

    private static Object plain(JsonNode node) {
        return TREE.convertValue(node, Object.class);
    }

    private static <T> List<T> iterableToList(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
