package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.ReplyQueue;
import dev.pidbox.it.support.TestNodes;
import dev.pidbox.spi.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input published straight to a node's queue: each is reported to the error sink, answered with an
 * error where a reply_to can be read, runs no handler, and the node answers ping right after.
 */
@RabbitMQ.Required
class NodeBadInputTest {
    private Connection connection;
    private Channel raw;
    private Mailbox mailbox;
    private Node node;
    private ReplyQueue replies;
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> recorded = TestNodes.newSink();

    @BeforeEach
    void start() throws Exception {
        connection = RabbitMQ.connect("pidbox-it-badinput");
        mailbox = Mailbox.builder(RabbitMQ.uniqueNamespace("bad")).errorSink((m, c) -> reports.add(m)).build()
                .bind(connection);
        node = mailbox.node("target@host").handlers(TestNodes.standard(recorded)).build().listen();
        raw = connection.createChannel();
        replies = ReplyQueue.declare(raw, mailbox.replyExchange());
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        mailbox.close();
        connection.close();
    }

    private void publish(String contentType, byte[] body) throws Exception {
        Map<String, Object> headers = new HashMap<>();
        headers.put("clock", 1);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(contentType)
                .contentEncoding("utf-8").deliveryMode(2).headers(headers).build();
        raw.basicPublish("", node.getQueue().name(), props, body);
    }

    private String replyToJson(String ticket) {
        return "\"ticket\": \"" + ticket + "\", \"reply_to\": {\"exchange\": \"" + mailbox.replyExchange()
                + "\", \"routing_key\": \"" + replies.routingKey() + "\"}";
    }

    /** Waits for the reply carrying {@code ticket}; fails after 5 s. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> replyFor(String ticket) throws Exception {
        return (Map<String, Object>) replies.replyFor(ticket, "target@host", Duration.ofSeconds(5));
    }

    private void assertNoReplyAndStillAnswersPing() throws Exception {
        CallResult ping = mailbox.call(List.of("target@host"), "ping", Map.of(), Duration.ofSeconds(5));
        assertThat(ping.byNode()).containsEntry("target@host", Map.of("ok", "pong"));
        assertThat(replies.poll()).as("no reply was sent for the bad message").isNull();
        assertThat(recorded).as("no handler ran for bad input").isEmpty();
        assertThat(node.isListening()).isTrue();
    }

    private void awaitReport(String fragment) {
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.stream().anyMatch(r -> r.contains(fragment)));
    }

    @Test
    void bodyThatIsNotJsonIsReportedAndDropped() throws Exception {
        publish("application/json", "this is {not json".getBytes(StandardCharsets.UTF_8));

        awaitReport("not valid JSON");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void truncatedBodyGetsAnErrorReplyWhenReplyToPrecedesTheCut() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"method\": \"record\", " + replyToJson(ticket) + ", \"arguments\": {\"a\": [1, 2")
                .getBytes(StandardCharsets.UTF_8));

        Map<String, Object> reply = replyFor(ticket);

        assertThat((String) reply.get("error")).startsWith("ValueError(").contains("not valid JSON");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void bodyThatIsNotAnObjectIsReportedAndDropped() throws Exception {
        publish("application/json", "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));

        awaitReport("not a JSON object");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void emptyBodyIsReportedAndDropped() throws Exception {
        publish("application/json", new byte[0]);

        awaitReport("empty");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void requestWithoutMethodGetsAnErrorReply() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"arguments\": {}, " + replyToJson(ticket) + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(replyFor(ticket)).containsEntry("error", "ValueError('request has no method')");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void methodThatIsNotAStringGetsAnErrorReply() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"method\": 42, " + replyToJson(ticket) + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(replyFor(ticket)).containsEntry("error", "ValueError('request method is not a string')");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void argumentsThatAreNotAnObjectGetATypeError() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"method\": \"record\", \"arguments\": [1, 2], " + replyToJson(ticket) + "}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(replyFor(ticket)).containsEntry("error", "TypeError('record() arguments must be an object, got list')");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void argumentOfTheWrongTypeGetsATypeError() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"method\": \"sleep\", \"arguments\": {\"ms\": \"soon\"}, " + replyToJson(ticket)
                + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(replyFor(ticket)).containsEntry("error", "TypeError(\"sleep() argument 'ms' must be an integer, got string\")");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void unknownMethodGetsAKeyError() throws Exception {
        String ticket = UUID.randomUUID().toString();
        publish("application/json", ("{\"method\": \"nosuch\", " + replyToJson(ticket) + "}").getBytes(StandardCharsets.UTF_8));

        assertThat(replyFor(ticket)).containsEntry("error", "KeyError('nosuch')");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void pickleIsRefusedUnreadAndUnanswered() throws Exception {
        long dispatchedBefore = node.stats().get("dispatched");
        // A pickle of {'method': 'record', ...}: never deserialized, whatever it holds.
        byte[] pickle = {(byte) 0x80, 0x04, (byte) 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7d, (byte) 0x94, 0x2e};
        publish("application/x-python-serialize", pickle);

        awaitReport("application/x-python-serialize");
        assertNoReplyAndStillAnswersPing();
        assertThat(node.stats().get("dispatched")).isEqualTo(dispatchedBefore + 1); // the ping only
    }

    @Test
    void oversizedMessageIsRefusedBeforeParsingButAnswered() throws Exception {
        String ticket = UUID.randomUUID().toString();
        StringBuilder body = new StringBuilder("{\"method\": \"record\", " + replyToJson(ticket) + ", \"arguments\": {\"blob\": \"");
        body.append("x".repeat(mailbox.maxMessageSize()));
        body.append("\"}}");
        publish("application/json", body.toString().getBytes(StandardCharsets.UTF_8));

        Map<String, Object> reply = replyFor(ticket);

        assertThat((String) reply.get("error")).startsWith("ValueError(").contains("exceeds the limit of 1048576 bytes");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void absurdlyDeepNestingIsRefusedWithoutHarm() throws Exception {
        String ticket = UUID.randomUUID().toString();
        String deep = "[".repeat(50_000) + "]".repeat(50_000);
        publish("application/json", ("{\"method\": \"record\", " + replyToJson(ticket) + ", \"arguments\": {\"d\": " + deep
                + "}}").getBytes(StandardCharsets.UTF_8));

        Map<String, Object> reply = replyFor(ticket);

        assertThat((String) reply.get("error")).startsWith("ValueError(").contains("nesting depth");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void malformedReplyToRunsNothing() throws Exception {
        publish("application/json", "{\"method\": \"record\", \"ticket\": \"t\", \"reply_to\": \"somewhere\"}"
                .getBytes(StandardCharsets.UTF_8));

        awaitReport("reply_to must be");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void replyToTheDefaultOrAmqExchangesIsRefused() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", "ping");
        body.put("ticket", "t");
        body.put("reply_to", Map.of("exchange", "amq.direct", "routing_key", replies.name()));
        publish("application/json", JsonValues.encode(body));

        awaitReport("refused to reply to exchange 'amq.direct'");
        assertNoReplyAndStillAnswersPing();
    }

    @Test
    void replyToAnExchangeOfAnotherTypeCostsOnlyThatReply() throws Exception {
        raw.exchangeDeclare(mailbox.namespace() + ".fanout-trap", "fanout", false, true, false, Map.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", "ping");
        body.put("ticket", "t");
        body.put("reply_to", Map.of("exchange", mailbox.namespace() + ".fanout-trap", "routing_key", "x"));
        publish("application/json", JsonValues.encode(body));

        awaitReport("could not reply to exchange");
        CallResult ping = mailbox.call(List.of("target@host"), "ping", Map.of(), Duration.ofSeconds(5));
        assertThat(ping.byNode()).containsEntry("target@host", Map.of("ok", "pong"));
        raw.exchangeDelete(mailbox.namespace() + ".fanout-trap");
    }
}
