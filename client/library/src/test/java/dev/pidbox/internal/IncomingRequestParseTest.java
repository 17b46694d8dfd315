package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.rabbitmq.client.AMQP;
import dev.pidbox.internal.GoldenCaptures.WireMessage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link IncomingRequest#parse} on the bodies and properties a node must survive (PROTOCOL.md 4, step 1). */
class IncomingRequestParseTest {
    private static final int LIMIT = 1 << 20;
    private static final String REPLY_TO =
            "{\"exchange\": \"reply.specprobe.pidbox\", \"routing_key\": \"980d509b-3f3a-33d9-b73b-b257cc182038\"}";

    // ---- content type and encoding -----------------------------------------------------------------------

    @Test
    void aPickleMessageIsRefusedWithAProblemNamingTheContentType() {
        WireMessage pickle = GoldenCaptures.find("capture_fanout.jsonl", "raw-pickle-request", false);

        IncomingRequest in = IncomingRequest.parse(pickle.deliveredProperties(), pickle.body(), LIMIT);

        assertThat(in.problem()).contains("application/x-python-serialize");
    }

    @Test
    void aPickleMessageIsNeverDecodedEvenWhenItsBodyIsValidJson() {
        AMQP.BasicProperties props = json().contentType("application/x-python-serialize").build();

        IncomingRequest in = IncomingRequest.parse(props, bytes(kombuCall("ping")), LIMIT);

        assertThat(in.problem()).contains("application/x-python-serialize");
        assertThat(in.method()).isNull();
        assertThat(in.ticket()).isNull();
    }

    @Test
    void aRefusedMessageStillAdvancesTheClockFromItsHeader() {
        AMQP.BasicProperties props = json().contentType("application/x-python-serialize")
                .headers(Map.of("clock", 41)).build();

        IncomingRequest in = IncomingRequest.parse(props, new byte[] {(byte) 0x80, 4}, LIMIT);

        assertThat(in.clock()).isEqualTo(41);
    }

    @Test
    void aMissingContentEncodingIsAccepted() {
        WireMessage m = GoldenCaptures.find("capture_fanout.jsonl", "raw-json-no-encoding", false);
        assertThat(m.deliveredProperties().getContentEncoding()).isNull();

        IncomingRequest in = IncomingRequest.parse(m.deliveredProperties(), m.body(), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.method()).isEqualTo("ping");
        assertThat(in.ticket()).isEqualTo("raw-ticket-2");
    }

    @Test
    void aMissingContentTypeIsAccepted() {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentEncoding("utf-8").build();

        IncomingRequest in = IncomingRequest.parse(props, bytes(kombuCall("ping")), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.method()).isEqualTo("ping");
    }

    @Test
    void missingPropertiesAltogetherAreAccepted() {
        IncomingRequest in = IncomingRequest.parse(new AMQP.BasicProperties(), bytes(kombuCall("ping")), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.clock()).isZero();
    }

    @Test
    void aJsonContentTypeWithACharsetParameterIsAccepted() {
        AMQP.BasicProperties props = json().contentType("application/json; charset=utf-8").build();

        IncomingRequest in = IncomingRequest.parse(props, bytes(kombuCall("ping")), LIMIT);

        assertThat(in.problem()).isNull();
    }

    @Test
    void aTextContentTypeIsRefused() {
        AMQP.BasicProperties props = json().contentType("text/plain").build();

        IncomingRequest in = IncomingRequest.parse(props, bytes(kombuCall("ping")), LIMIT);

        assertThat(in.problem()).contains("text/plain");
    }

    // ---- malformed bodies --------------------------------------------------------------------------------

    @Test
    void aNonJsonBodyIsRefused() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes("ping please"), LIMIT);

        assertThat(in.problem()).contains("not valid JSON");
        assertThat(in.method()).isNull();
    }

    @Test
    void anEmptyBodyIsRefused() {
        IncomingRequest in = IncomingRequest.parse(json().build(), new byte[0], LIMIT);

        assertThat(in.problem()).contains("empty");
    }

    @Test
    void aJsonArrayBodyIsRefusedAsNotAnObject() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes("[\"ping\", {}]"), LIMIT);

        assertThat(in.problem()).contains("not a JSON object");
    }

    @Test
    void aJsonStringBodyIsRefusedAsNotAnObject() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes("\"ping\""), LIMIT);

        assertThat(in.problem()).contains("not a JSON object");
    }

    @Test
    void aJsonNullBodyIsRefusedAsNotAnObject() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes("null"), LIMIT);

        assertThat(in.problem()).contains("not a JSON object");
    }

    @Test
    void twoConcatenatedObjectsAreRefused() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(kombuCall("ping") + kombuCall("ping")), LIMIT);

        assertThat(in.problem()).isNotNull();
    }

    // ---- oversized bodies --------------------------------------------------------------------------------

    @Test
    void anOversizedBodyIsRefusedWithAProblemNamingTheLimit() {
        byte[] body = bytes(kombuCallWithArgument("x".repeat(5000)));

        IncomingRequest in = IncomingRequest.parse(json().build(), body, 4096);

        assertThat(in.problem()).contains("4096").contains(Integer.toString(body.length));
        assertThat(in.method()).isNull();
    }

    @Test
    void anOversizedBodyStillYieldsItsTicketAndReplyToForAnErrorReply() {
        byte[] body = bytes(kombuCallWithArgument("x".repeat(5000)));

        IncomingRequest in = IncomingRequest.parse(json().build(), body, 4096);

        assertThat(in.ticket()).isEqualTo("t-1");
        assertThat(in.replyTo()).isNotNull();
        assertThat(in.replyTo().exchange()).isEqualTo("reply.specprobe.pidbox");
        assertThat(in.replyTo().routingKey()).isEqualTo("980d509b-3f3a-33d9-b73b-b257cc182038");
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() {
        byte[] body = bytes(kombuCall("ping"));

        IncomingRequest in = IncomingRequest.parse(json().build(), body, body.length);

        assertThat(in.problem()).isNull();
    }

    @Test
    void aBodyOneByteOverTheLimitIsRefused() {
        byte[] body = bytes(kombuCall("ping"));

        IncomingRequest in = IncomingRequest.parse(json().build(), body, body.length - 1);

        assertThat(in.problem()).contains(Integer.toString(body.length - 1));
    }

    // ---- truncated bodies --------------------------------------------------------------------------------

    @Test
    void aTruncatedBodyWhoseReplyToPrecedesTheCutStillYieldsIt() {
        String body = "{\"ticket\": \"t-9\", \"reply_to\": " + REPLY_TO
                + ", \"method\": \"ping\", \"arguments\": {\"big\": [1, 2, 3";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).contains("not valid JSON");
        assertThat(in.ticket()).isEqualTo("t-9");
        assertThat(in.replyTo()).isNotNull();
        assertThat(in.replyTo().routingKey()).isEqualTo("980d509b-3f3a-33d9-b73b-b257cc182038");
    }

    @Test
    void aTruncatedKombuBodyCutBeforeItsReplyToYieldsNoReplyTo() {
        String full = kombuCall("ping");
        String cut = full.substring(0, full.indexOf("\"ticket\"") - 2);

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(cut), LIMIT);

        assertThat(in.problem()).isNotNull();
        assertThat(in.replyTo()).isNull();
        assertThat(in.ticket()).isNull();
    }

    @Test
    void aBodyCutInsideReplyToYieldsNoReplyTo() {
        String full = kombuCall("ping");
        String cut = full.substring(0, full.indexOf("\"routing_key\""));

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(cut), LIMIT);

        assertThat(in.problem()).isNotNull();
        assertThat(in.replyTo()).isNull();
        assertThat(in.ticket()).isEqualTo("t-1");
    }

    // ---- nesting -----------------------------------------------------------------------------------------

    @Test
    void nestingFarDeeperThanTheLimitIsRefusedWithoutAStackOverflow() {
        byte[] body = bytes(nested(200_000));

        assertThatCode(() -> {
            IncomingRequest in = IncomingRequest.parse(json().build(), body, Integer.MAX_VALUE);
            assertThat(in.problem()).isNotNull();
        }).doesNotThrowAnyException();
    }

    @Test
    void nestingOneLevelDeeperThanMaxDepthIsRefused() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(nested(Json.MAX_DEPTH + 1)), LIMIT);

        assertThat(in.problem()).isNotNull();
        assertThat(in.method()).isNull();
    }

    @Test
    void nestingExactlyMaxDepthIsAccepted() {
        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(nested(Json.MAX_DEPTH)), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.method()).isEqualTo("ping");
    }

    @Test
    void aTooDeepBodyStillYieldsTheReplyToThatPrecedesTheDeepPart() {
        String body = "{\"ticket\": \"t-deep\", \"reply_to\": " + REPLY_TO + ", \"method\": \"ping\", \"arguments\": {\"a\": "
                + "[".repeat(10_000) + "]".repeat(10_000) + "}}";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).isNotNull();
        assertThat(in.ticket()).isEqualTo("t-deep");
        assertThat(in.replyTo()).isNotNull();
    }

    // ---- reply_to ----------------------------------------------------------------------------------------

    @Test
    void aReplyToThatIsAStringIsAProblem() {
        String body = "{\"method\": \"ping\", \"ticket\": \"t-1\", \"reply_to\": \"reply.specprobe.pidbox\"}";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).contains("reply_to");
        assertThat(in.replyTo()).isNull();
    }

    @Test
    void aReplyToWithoutRoutingKeyIsAProblem() {
        String body = "{\"method\": \"ping\", \"ticket\": \"t-1\", \"reply_to\": {\"exchange\": \"reply.x.pidbox\"}}";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).contains("reply_to");
        assertThat(in.replyTo()).isNull();
    }

    @Test
    void aReplyToWithANumericExchangeIsAProblem() {
        String body = "{\"method\": \"ping\", \"reply_to\": {\"exchange\": 5, \"routing_key\": \"rk\"}}";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).contains("reply_to");
    }

    @Test
    void aNullReplyToIsACast() {
        String body = "{\"method\": \"ping\", \"reply_to\": null}";

        IncomingRequest in = IncomingRequest.parse(json().build(), bytes(body), LIMIT);

        assertThat(in.problem()).isNull();
        assertThat(in.replyTo()).isNull();
    }

    @Test
    void aFalseOrEmptyReplyToIsACastAsPythonTruthinessHasIt() {
        IncomingRequest falsy = IncomingRequest.parse(json().build(),
                bytes("{\"method\": \"ping\", \"reply_to\": false}"), LIMIT);
        IncomingRequest empty = IncomingRequest.parse(json().build(),
                bytes("{\"method\": \"ping\", \"reply_to\": \"\"}"), LIMIT);

        assertThat(falsy.problem()).isNull();
        assertThat(empty.problem()).isNull();
        assertThat(falsy.replyTo()).isNull();
        assertThat(empty.replyTo()).isNull();
    }

    @Test
    void aNumericTicketIsReadAsText() {
        IncomingRequest in = IncomingRequest.parse(json().build(),
                bytes("{\"method\": \"ping\", \"ticket\": 12, \"reply_to\": " + REPLY_TO + "}"), LIMIT);

        assertThat(in.ticket()).isEqualTo("12");
    }

    // ---- headers -----------------------------------------------------------------------------------------

    @Test
    void aClockHeaderSentAsTextIsRead() {
        AMQP.BasicProperties props = json().headers(Map.of("clock", "17")).build();

        IncomingRequest in = IncomingRequest.parse(GoldenCaptures.throughTheWire(props, 10), bytes(kombuCall("ping")), LIMIT);

        assertThat(in.clock()).isEqualTo(17);
    }

    @Test
    void aMissingClockHeaderCountsAsZero() {
        IncomingRequest in = IncomingRequest.parse(json().headers(new HashMap<>()).build(), bytes(kombuCall("ping")), LIMIT);

        assertThat(in.clock()).isZero();
    }

    @Test
    void aNegativeClockHeaderCountsAsZero() {
        IncomingRequest in = IncomingRequest.parse(json().headers(Map.of("clock", -5)).build(),
                bytes(kombuCall("ping")), LIMIT);

        assertThat(in.clock()).isZero();
    }

    @Test
    void aRequestBuiltInProcessCarriesExchangeRoutingKeyAndTicket() {
        IncomingRequest in = IncomingRequest.of("ping", null, "t-1",
                IncomingRequest.ReplyTo.of("reply.x.pidbox", "rk"));

        assertThat(in.replyTo().exchange()).isEqualTo("reply.x.pidbox");
        assertThat(in.replyTo().routingKey()).isEqualTo("rk");
        assertThat(in.ticket()).isEqualTo("t-1");
        assertThat(in.problem()).isNull();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static AMQP.BasicProperties.Builder json() {
        return new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding("utf-8")
                .deliveryMode(2).priority(0).headers(Map.of("clock", 1, "expires", 0));
    }

    /** A call body laid out as kombu lays it out (ticket and reply_to last). */
    private static String kombuCall(String method) {
        return "{\"method\": \"" + method + "\", \"arguments\": {}, \"destination\": null, \"pattern\": null, "
                + "\"matcher\": null, \"ticket\": \"t-1\", \"reply_to\": " + REPLY_TO + "}";
    }

    private static String kombuCallWithArgument(String value) {
        return "{\"method\": \"echo\", \"arguments\": {\"text\": \"" + value + "\"}, \"destination\": null, "
                + "\"pattern\": null, \"matcher\": null, \"ticket\": \"t-1\", \"reply_to\": " + REPLY_TO + "}";
    }

    /** A request whose whole document nests {@code depth} containers deep, the body object included. */
    private static String nested(int depth) {
        int arrays = depth - 2; // the body object and the arguments object count as two levels
        return "{\"method\": \"ping\", \"arguments\": {\"deep\": " + "[".repeat(arrays) + "]".repeat(arrays) + "}}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
