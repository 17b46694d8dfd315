package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.pidbox.LamportClock;
import dev.pidbox.internal.GoldenCaptures.WireMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our requests and replies carry the same fields, JSON types and AMQP header types as the ones real kombu
 * 5.2.4 / Celery 5.2.6 peers put on the wire. Header type tags are read from the content header frame that
 * amqp-client's own writer produces.
 */
class WireFormatTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    private static final String FANOUT = "capture_fanout.jsonl";
    private static final WireMessage GOLDEN_CALL = GoldenCaptures.find(FANOUT, "call-ping-node1", false);
    private static final WireMessage GOLDEN_CALL_REPLY = GoldenCaptures.find(FANOUT, "call-ping-node1", true);
    private static final WireMessage GOLDEN_CAST = GoldenCaptures.find(FANOUT, "cast-echo-node2", false);
    private static final WireMessage GOLDEN_GLOB = GoldenCaptures.find(FANOUT, "glob-node*", false);
    private static final WireMessage GOLDEN_BROADCAST = GoldenCaptures.find(FANOUT, "multi_call-echo", false);

    // ---- request bodies ----------------------------------------------------------------------------------

    @Test
    void aCallBodyHasKombusKeysInKombusOrder() {
        JsonNode ours = tree(callPingNode1());

        assertThat(fieldNames(ours)).containsExactlyElementsOf(fieldNames(GOLDEN_CALL.bodyTree()))
                .containsExactly("method", "arguments", "destination", "pattern", "matcher", "ticket", "reply_to");
    }

    @Test
    void aCallBodyHasKombusJsonTypeForEveryKey() {
        assertThat(jsonTypes(tree(callPingNode1()))).isEqualTo(jsonTypes(GOLDEN_CALL.bodyTree()));
    }

    @Test
    void aCallBodyReplyToHasExchangeAndRoutingKeyStrings() {
        JsonNode replyTo = tree(callPingNode1()).get("reply_to");

        assertThat(fieldNames(replyTo)).containsExactlyElementsOf(fieldNames(GOLDEN_CALL.bodyTree().get("reply_to")));
        assertThat(jsonTypes(replyTo)).isEqualTo(jsonTypes(GOLDEN_CALL.bodyTree().get("reply_to")));
    }

    @Test
    void aCallBodyWithKombusTicketAndOidIsTheCapturedBody() {
        assertThat(tree(callPingNode1())).isEqualTo(GOLDEN_CALL.bodyTree());
    }

    @Test
    void aCastBodyHasNoTicketOrReplyToKeysAtAll() {
        Map<String, Object> cast = Wire.requestBody("echo", Map.of("hello", "world"), List.of("node2@probe"), null, null,
                null, null, null);

        assertThat(cast).doesNotContainKeys("ticket", "reply_to");
        assertThat(fieldNames(tree(cast))).containsExactlyElementsOf(fieldNames(GOLDEN_CAST.bodyTree()));
    }

    @Test
    void aCastBodyIsTheCapturedCast() {
        Map<String, Object> cast = Wire.requestBody("echo", Map.of("hello", "world"), List.of("node2@probe"), null, null,
                null, null, null);

        assertThat(tree(cast)).isEqualTo(GOLDEN_CAST.bodyTree());
    }

    @Test
    void aBroadcastBodySendsDestinationAsNull() {
        Map<String, Object> body = Wire.requestBody("echo", echoArguments(), null, null, null,
                "7ca2e880-a2a0-426c-9faa-51490f8270a3", "reply.specprobe.pidbox", "980d509b-3f3a-33d9-b73b-b257cc182038");

        assertThat(tree(body)).isEqualTo(GOLDEN_BROADCAST.bodyTree());
    }

    @Test
    void anEmptyDestinationListIsSentAsNullLikeKombusBroadcast() {
        Map<String, Object> body = Wire.requestBody("echo", echoArguments(), List.of(), null, null,
                "7ca2e880-a2a0-426c-9faa-51490f8270a3", "reply.specprobe.pidbox", "980d509b-3f3a-33d9-b73b-b257cc182038");

        assertThat(tree(body).get("destination").getNodeType()).isEqualTo(JsonNodeType.NULL);
    }

    @Test
    void missingArgumentsAreSentAsAnEmptyObject() {
        Map<String, Object> body = Wire.requestBody("ping", null, null, null, null, null, null, null);

        assertThat(tree(body).get("arguments").getNodeType()).isEqualTo(JsonNodeType.OBJECT);
        assertThat(tree(body).get("arguments").size()).isZero();
    }

    @Test
    void aGlobBodyIsTheCapturedGlobRequest() {
        Map<String, Object> body = Wire.requestBody("ping", Map.of(), null, "node*", "glob",
                "2a14dca0-a51d-43c4-bc58-0d05c9262236", "reply.specprobe.pidbox", "980d509b-3f3a-33d9-b73b-b257cc182038");

        assertThat(tree(body)).isEqualTo(GOLDEN_GLOB.bodyTree());
    }

    static List<WireMessage> kombuShapedRequests() {
        List<WireMessage> out = new ArrayList<>();
        for (WireMessage m : GoldenCaptures.jsonRequests()) {
            if (m.bodyTree().has("arguments")) { // all but the hand-made minimal body
                out.add(m);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kombuShapedRequests")
    void rebuildingACapturedRequestFromItsFieldsGivesTheCapturedBody(WireMessage m) {
        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), 1 << 20);

        @SuppressWarnings("unchecked")
        Map<String, Object> body = Wire.requestBody((String) in.method(), (Map<String, Object>) in.arguments(),
                (List<String>) in.destination(), (String) in.pattern(), (String) in.matcher(), in.ticket(),
                in.replyTo() == null ? null : in.replyTo().exchange(),
                in.replyTo() == null ? null : in.replyTo().routingKey());

        assertThat(tree(body)).isEqualTo(m.bodyTree());
        assertThat(fieldNames(tree(body))).containsExactlyElementsOf(fieldNames(m.bodyTree()));
    }

    // ---- request properties ------------------------------------------------------------------------------

    @Test
    void requestPropertiesMatchTheCapturedOnes() {
        AMQP.BasicProperties golden = GOLDEN_CALL.publishedProperties();

        AMQP.BasicProperties ours = Wire.requestProperties(1, 1795614574.7567074);

        assertThat(ours.getContentType()).isEqualTo(golden.getContentType()).isEqualTo("application/json");
        assertThat(ours.getContentEncoding()).isEqualTo(golden.getContentEncoding()).isEqualTo("utf-8");
        assertThat(ours.getDeliveryMode()).isEqualTo(golden.getDeliveryMode()).isEqualTo(2);
        assertThat(ours.getPriority()).isEqualTo(golden.getPriority()).isEqualTo(0);
        assertThat(ours.getHeaders()).isEqualTo(golden.getHeaders());
    }

    @Test
    void requestPropertiesSetNothingKombuLeavesUnset() {
        AMQP.BasicProperties ours = Wire.requestProperties(1, 1795614574.7567074);

        assertThat(ours.getCorrelationId()).isNull();
        assertThat(ours.getReplyTo()).isNull();
        assertThat(ours.getMessageId()).isNull();
        assertThat(ours.getTimestamp()).isNull();
        assertThat(ours.getExpiration()).isNull();
        assertThat(ours.getType()).isNull();
        assertThat(ours.getAppId()).isNull();
        assertThat(ours.getUserId()).isNull();
    }

    @Test
    void requestHeadersAreAnIntegerClockAndADoubleExpires() {
        Map<String, Object> headers = Wire.requestProperties(5, 1795614576.0721934).getHeaders();

        assertThat(headers).containsOnlyKeys("clock", "expires");
        assertThat(headers.get("clock")).isInstanceOf(Integer.class).isEqualTo(5);
        assertThat(headers.get("expires")).isInstanceOf(Double.class).isEqualTo(1795614576.0721934);
    }

    @Test
    void requestHeaderJavaTypesAreTheCapturedOnes() {
        Map<String, Object> golden = GOLDEN_CALL.publishedProperties().getHeaders();

        Map<String, Object> ours = Wire.requestProperties(1, 1795614574.7567074).getHeaders();

        for (String key : golden.keySet()) {
            assertThat(ours.get(key)).as(key).isExactlyInstanceOf(golden.get(key).getClass());
        }
    }

    @Test
    void requestWithoutTimeoutSendsExpiresAsIntegerZero() {
        Map<String, Object> headers = Wire.requestProperties(1, 0).getHeaders();

        assertThat(headers.get("expires")).isInstanceOf(Integer.class).isEqualTo(0);
    }

    @Test
    void requestWithoutTimeoutHasTheHeadersOfTheCapturedRawRequests() {
        WireMessage raw = GoldenCaptures.find(FANOUT, "raw-json-no-encoding", false);

        Map<String, Object> ours = Wire.requestProperties(1, 0).getHeaders();

        assertThat(ours).isEqualTo(raw.publishedProperties().getHeaders());
    }

    @Test
    void requestFrameTagsClockAsSignedIntAndExpiresAsDouble() {
        Map<String, Character> tags = AmqpHeaderFrames.headerTypeTags(Wire.requestProperties(1, 1795614574.7567074));

        assertThat(tags).containsOnly(entry("clock", 'I'), entry("expires", 'd'));
    }

    @Test
    void requestFrameTagsAreTheCapturedRequestsTags() {
        Map<String, Character> golden = AmqpHeaderFrames.headerTypeTags(GOLDEN_CALL.publishedProperties());

        Map<String, Character> ours = AmqpHeaderFrames.headerTypeTags(Wire.requestProperties(1, 1795614574.7567074));

        assertThat(ours).isEqualTo(golden);
    }

    @Test
    void requestFrameWithoutTimeoutTagsExpiresAsSignedInt() {
        Map<String, Character> tags = AmqpHeaderFrames.headerTypeTags(Wire.requestProperties(1, 0));

        assertThat(tags).containsEntry("expires", 'I');
    }

    @Test
    void theLargestClockStillTravelsAsAPositiveSignedInt() {
        AMQP.BasicProperties props = Wire.requestProperties(LamportClock.MAX, 0);

        assertThat(AmqpHeaderFrames.headerTypeTags(props)).containsEntry("clock", 'I');
        assertThat(GoldenCaptures.throughTheWire(props, 0).getHeaders().get("clock")).isEqualTo((int) LamportClock.MAX);
        assertThat((int) LamportClock.MAX).isPositive();
    }

    @Test
    void requestPropertiesSurviveAmqpClientsFrameCodec() {
        AMQP.BasicProperties delivered = GoldenCaptures.throughTheWire(Wire.requestProperties(7, 1795614600.5), 10);

        assertThat(delivered.getContentType()).isEqualTo("application/json");
        assertThat(delivered.getContentEncoding()).isEqualTo("utf-8");
        assertThat(delivered.getDeliveryMode()).isEqualTo(2);
        assertThat(delivered.getPriority()).isEqualTo(0);
        assertThat(delivered.getHeaders()).containsOnly(entry("clock", 7), entry("expires", 1795614600.5));
    }

    // ---- replies -----------------------------------------------------------------------------------------

    @Test
    void replyPropertiesMatchTheCapturedOnes() {
        AMQP.BasicProperties golden = GOLDEN_CALL_REPLY.publishedProperties();

        AMQP.BasicProperties ours = Wire.replyProperties("a734415a-3774-40cd-8038-4c75cd9d2425", 3, null);

        assertThat(ours.getContentType()).isEqualTo(golden.getContentType());
        assertThat(ours.getContentEncoding()).isEqualTo(golden.getContentEncoding());
        assertThat(ours.getDeliveryMode()).isEqualTo(golden.getDeliveryMode()).isEqualTo(1);
        assertThat(ours.getPriority()).isEqualTo(golden.getPriority()).isEqualTo(0);
        assertThat(ours.getHeaders()).isEqualTo(golden.getHeaders());
    }

    @Test
    void replyHeadersAreAStringTicketAndAnIntegerClockWithoutExpires() {
        Map<String, Object> headers = Wire.replyProperties("t-1", 3, null).getHeaders();

        assertThat(headers).containsOnlyKeys("ticket", "clock");
        assertThat(headers.get("ticket")).isInstanceOf(String.class).isEqualTo("t-1");
        assertThat(headers.get("clock")).isInstanceOf(Integer.class).isEqualTo(3);
    }

    @Test
    void replyFrameTagsTicketAsLongStringAndClockAsSignedInt() {
        Map<String, Character> tags = AmqpHeaderFrames.headerTypeTags(Wire.replyProperties("t-1", 3, null));

        assertThat(tags).containsOnly(entry("ticket", 'S'), entry("clock", 'I'));
    }

    @Test
    void replyFrameTagsAreTheCapturedRepliesTags() {
        Map<String, Character> golden = AmqpHeaderFrames.headerTypeTags(GOLDEN_CALL_REPLY.publishedProperties());

        Map<String, Character> ours = AmqpHeaderFrames.headerTypeTags(
                Wire.replyProperties("a734415a-3774-40cd-8038-4c75cd9d2425", 3, null));

        assertThat(ours).isEqualTo(golden);
    }

    @Test
    void aReplyToARequestWithoutTicketSendsTheTicketHeaderAsVoid() {
        Map<String, Character> tags = AmqpHeaderFrames.headerTypeTags(Wire.replyProperties(null, 3, null));

        assertThat(tags).containsEntry("ticket", 'V');
    }

    @Test
    void aReplyTicketArrivesAsALongStringThatReadsBackAsTheTicket() {
        AMQP.BasicProperties delivered = GoldenCaptures.throughTheWire(Wire.replyProperties("t-1", 3, null), 10);

        assertThat(delivered.getHeaders().get("ticket")).isInstanceOf(LongString.class);
        assertThat(Wire.headerString(delivered.getHeaders(), Wire.HEADER_TICKET)).isEqualTo("t-1");
        assertThat(delivered.getDeliveryMode()).isEqualTo(1);
    }

    @Test
    void replyExtraHeadersCannotOverrideTicketOrClock() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("ticket", "forged");
        extra.put("clock", "not-a-number");
        extra.put("x-pidbox-extension", "kept");

        Map<String, Object> headers = Wire.replyProperties("t-1", 3, extra).getHeaders();

        assertThat(headers).containsOnly(entry("ticket", "t-1"), entry("clock", 3), entry("x-pidbox-extension", "kept"));
    }

    @Test
    void aReplyBodyIsTheCapturedReply() {
        Map<String, Object> body = Wire.replyBody("node1@probe", Map.of("ok", "pong"));

        assertThat(tree(body)).isEqualTo(GOLDEN_CALL_REPLY.bodyTree());
    }

    @Test
    void aReplyOfNoneIsASingleKeyObjectWithNull() {
        WireMessage golden = GoldenCaptures.find(FANOUT, "return-None", true);

        assertThat(tree(Wire.replyBody("node1@probe", null))).isEqualTo(golden.bodyTree());
    }

    static List<WireMessage> replies() {
        return GoldenCaptures.replies();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void reEncodingACapturedReplyValueGivesTheCapturedBody(WireMessage m) throws IOException {
        Map<?, ?> decoded = (Map<?, ?>) Json.decode(m.body());
        String node = (String) decoded.keySet().iterator().next();

        byte[] ours = Json.encode(Wire.replyBody(node, decoded.get(node)));

        assertThat(TREE.readTree(ours)).isEqualTo(m.bodyTree());
    }

    // ---- names -------------------------------------------------------------------------------------------

    @Test
    void exchangeAndQueueNamesFollowKombu() {
        assertThat(Wire.exchangeName("specprobe")).isEqualTo(GOLDEN_CALL.exchange);
        assertThat(Wire.replyExchangeName("specprobe")).isEqualTo(GOLDEN_CALL_REPLY.exchange);
        assertThat(Wire.nodeQueueName("node1@probe", "specprobe")).isEqualTo("node1@probe.specprobe.pidbox");
        assertThat(Wire.replyQueueName("980d509b-3f3a-33d9-b73b-b257cc182038", "specprobe"))
                .isEqualTo("980d509b-3f3a-33d9-b73b-b257cc182038.reply.specprobe.pidbox");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static Map<String, Object> callPingNode1() {
        return Wire.requestBody("ping", Map.of(), List.of("node1@probe"), null, null,
                "a734415a-3774-40cd-8038-4c75cd9d2425", "reply.specprobe.pidbox", "980d509b-3f3a-33d9-b73b-b257cc182038");
    }

    private static Map<String, Object> echoArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x", 1);
        args.put("y", List.of(1, 2));
        args.put("z", null);
        return args;
    }

    /** Our body as a Python peer would read it: encoded by our codec, parsed by a plain JSON reader. */
    private static JsonNode tree(Map<String, Object> body) {
        try {
            return TREE.readTree(Json.encode(body));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Map<String, JsonNodeType> jsonTypes(JsonNode node) {
        Map<String, JsonNodeType> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().getNodeType());
        }
        return out;
    }
}
