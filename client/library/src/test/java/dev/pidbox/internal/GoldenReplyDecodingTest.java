package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.pidbox.internal.GoldenCaptures.CallerResult;
import dev.pidbox.internal.GoldenCaptures.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reply captured from real kombu nodes and a real Celery worker decodes to a single-key object
 * {@code {node: value}}, and its headers correlate with the request that asked for it.
 */
class GoldenReplyDecodingTest {
    private static final ObjectMapper TREE = new ObjectMapper();

    static List<WireMessage> replies() {
        return GoldenCaptures.replies();
    }

    static List<CallerResult> replyListResults() {
        return GoldenCaptures.replyListResults();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyDecodesToASingleKeyObjectNamedAfterTheNode(WireMessage m) throws Exception {
        Object decoded = Json.decode(m.body());

        assertThat(decoded).isInstanceOf(Map.class);
        assertThat((Map<?, ?>) decoded).hasSize(1);
        assertThat(((Map<?, ?>) decoded).keySet().iterator().next()).asString().matches("[a-z0-9]+@probe");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyValueDecodesToWhatTheNodeReturned(WireMessage m) throws Exception {
        JsonNode expected = m.bodyTree();
        String node = expected.fieldNames().next();

        Map<?, ?> decoded = (Map<?, ?>) Json.decode(m.body());

        assertThat(decoded.get(node)).isEqualTo(TREE.convertValue(expected.get(node), Object.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyArrivesWithAStringTicketAndAnIntegerClockAndNoExpires(WireMessage m) {
        Map<String, Object> headers = m.deliveredProperties().getHeaders();

        assertThat(headers).containsOnlyKeys("clock", "ticket");
        assertThat(headers.get("clock")).isInstanceOf(Integer.class);
        assertThat(headers.get("ticket")).isInstanceOf(LongString.class);
        assertThat(Wire.headerLong(headers, Wire.HEADER_CLOCK))
                .isEqualTo(m.properties.get("application_headers").get("clock").longValue());
        assertThat(Wire.headerString(headers, Wire.HEADER_TICKET))
                .isEqualTo(m.properties.get("application_headers").get("ticket").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyIsTransientJsonWithPriorityZero(WireMessage m) {
        AMQP.BasicProperties props = m.deliveredProperties();

        assertThat(props.getContentType()).isEqualTo(Wire.CONTENT_TYPE);
        assertThat(props.getContentEncoding()).isEqualTo(Wire.CONTENT_ENCODING);
        assertThat(props.getDeliveryMode()).isEqualTo(Wire.DELIVERY_MODE_REPLY);
        assertThat(props.getPriority()).isZero();
        assertThat(Wire.acceptsContentType(props.getContentType())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyGoesToTheReplyToOfTheRequestWithItsTicket(WireMessage reply) throws Exception {
        String ticket = Wire.headerString(reply.deliveredProperties().getHeaders(), Wire.HEADER_TICKET);

        IncomingRequest request = requestWithTicket(reply.file, ticket);

        assertThat(reply.exchange).isEqualTo(request.replyTo().exchange());
        assertThat(reply.routingKey).isEqualTo(request.replyTo().routingKey());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void aCapturedReplyClockIsPastTheRequestClock(WireMessage reply) throws Exception {
        Map<String, Object> headers = reply.deliveredProperties().getHeaders();
        IncomingRequest request = requestWithTicket(reply.file, Wire.headerString(headers, Wire.HEADER_TICKET));

        assertThat(Wire.headerLong(headers, Wire.HEADER_CLOCK)).isGreaterThan(request.clock());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replyListResults")
    void everyReplyAPythonCallerReturnedWasCapturedOnTheWire(CallerResult result) throws Exception {
        List<Object> wireBodies = new ArrayList<>();
        for (WireMessage m : GoldenCaptures.replies()) {
            if (m.file.equals(result.file) && m.label.equals(result.label)) {
                wireBodies.add(Json.decode(m.body()));
            }
        }

        List<Object> returned = new ArrayList<>();
        result.result.forEach(n -> returned.add(TREE.convertValue(n, Object.class)));

        assertThat(wireBodies).containsExactlyInAnyOrderElementsOf(returned);
    }

    @Test
    void anUnknownCommandOnARealWorkerRepliesWithAPythonKeyErrorRepr() throws Exception {
        WireMessage m = GoldenCaptures.find("capture_worker.jsonl", "nosuch", true);

        Map<?, ?> decoded = (Map<?, ?>) Json.decode(m.body());

        assertThat(decoded.get("real@probe")).isEqualTo(Map.of("error", PyRepr.error("KeyError", "nosuch")));
    }

    @Test
    void aHandlerReturningNoneRepliesWithANullValue() throws Exception {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "return-None", true);

        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) Json.decode(m.body());

        assertThat(decoded).containsOnlyKeys("node1@probe");
        assertThat(decoded.get("node1@probe")).isNull();
    }

    @Test
    void celeryStatsReportsTheClockAsAString() throws Exception {
        WireMessage m = GoldenCaptures.find("capture_worker.jsonl", "stats", true);

        Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) Json.decode(m.body())).get("real@probe");

        assertThat(stats.get("clock")).isEqualTo("6");
        assertThat(stats.get("pid")).isEqualTo(6778);
        assertThat(((Map<?, ?>) stats.get("broker")).get("heartbeat")).isEqualTo(120.0);
    }

    private static IncomingRequest requestWithTicket(String file, String ticket) {
        for (WireMessage m : GoldenCaptures.jsonRequests()) {
            if (!m.file.equals(file)) {
                continue;
            }
            IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), 1 << 20);
            if (ticket.equals(in.ticket())) {
                return in;
            }
        }
        throw new AssertionError("no captured request in " + file + " has ticket " + ticket);
    }
}
