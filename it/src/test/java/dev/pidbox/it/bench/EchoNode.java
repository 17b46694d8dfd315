package dev.pidbox.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.Mailbox;
import dev.pidbox.QueueSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

/**
 * The least a node that kombu's clients can call must do, in plain amqp-client and nothing else: its queue declared
 * as a pidbox node's (name, flags, {@code x-message-ttl} and {@code x-expires}, taken from {@link Mailbox#getQueue}),
 * bound to the mailbox exchange, consumed with automatic acknowledgement on one channel; for each request, the body
 * read for its {@code ticket} and {@code reply_to}, and one reply {@code {name: {"ok": "pong"}}} published on a
 * second channel with the ticket in its headers. No pidbox code runs on a delivery: what is left of a call's round
 * trip against it is the broker, the client and amqp-client.
 */
final class EchoNode extends DefaultConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Channel reply;
    private final byte[] answer;

    private EchoNode(Channel consume, Channel reply, String name) {
        super(consume);
        this.reply = reply;
        this.answer = ("{\"" + name + "\": {\"ok\": \"pong\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Starts nodes {@code PREFIX-FROM@bench} .. in namespace {@code namespace}; returns how many. */
    static int start(Connection connection, String namespace, String prefix, int from, int count) throws IOException {
        Mailbox shape = Mailbox.builder(namespace).build();
        Channel setup = connection.createChannel();
        setup.exchangeDeclare(shape.exchange(), shape.type().wireName(), false, false, false, Collections.emptyMap());
        Channel consume = connection.createChannel();
        Channel reply = connection.createChannel();
        for (int i = from; i < from + count; i++) {
            String name = prefix + "-" + i + "@bench";
            QueueSpec q = shape.getQueue(name);
            setup.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
            setup.queueBind(q.name(), q.exchange(), q.routingKey());
            consume.basicConsume(q.name(), true, new EchoNode(consume, reply, name));
        }
        return count;
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode to = request.path("reply_to");
        if (to.isMissingNode()) {
            return; // a cast
        }
        AMQP.BasicProperties out = new AMQP.BasicProperties.Builder().contentType("application/json")
                .headers(Map.of("ticket", request.path("ticket").asText())).build();
        synchronized (reply) {
            reply.basicPublish(to.path("exchange").asText(), to.path("routing_key").asText(), out, answer);
        }
    }
}
