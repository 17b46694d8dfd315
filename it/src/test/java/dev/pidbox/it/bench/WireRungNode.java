package dev.pidbox.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A node of {@link GatherWireBenchmark}'s ladder, in plain amqp-client: the bare floor's node ({@code raw} in
 * {@link BenchNodeHost}) with a part of kombu's wire added per flag, so that each rung of the ladder adds one part:
 * <ul>
 * <li>{@code a}: its queue declared with Celery's arguments ({@code x-expires} 10 s, {@code x-message-ttl} 300 s);
 * <li>{@code j}: each request body read as JSON for its {@code ticket} and {@code reply_to};
 * <li>{@code h}: the reply carries a content type and the {@code ticket} header;
 * <li>{@code f}: the reply carries all of a kombu node's reply properties: content type and encoding, delivery mode
 * 1, priority 0, headers {@code ticket} and {@code clock};
 * <li>{@code k}: the reply carries the ticket as its correlation id and no other property (a wire kombu clients do
 * not read: they match replies by the {@code ticket} header), to measure what the header costs;
 * <li>{@code x}: the reply goes to the exchange and routing key of the body's {@code reply_to} (needs {@code j});
 * without it, to the default exchange with the request's {@code reply-to} property as routing key.
 * </ul>
 * Queues are non-durable, auto-delete, bound to the fanout exchange of their namespace; all the nodes of a host
 * consume on one channel and reply on another, as the bare floor's.
 */
final class WireRungNode extends DefaultConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Channel reply;
    private final String flags;
    private final byte[] answer;
    private int clock;

    private WireRungNode(Channel consume, Channel reply, String flags, String name) {
        super(consume);
        this.reply = reply;
        this.flags = flags;
        this.answer = ("{\"" + name + "\": {\"ok\": \"pong\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts nodes {@code PREFIX-FROM@bench} .. on the fanout exchange {@code exchange}; returns how many. The three
     * channels it opens are added to {@code channels}: closing them cancels the consumers, and the broker then deletes
     * the auto-delete queues.
     */
    static int start(Connection connection, String exchange, String prefix, int from, int count, String flags,
            java.util.List<Channel> channels) throws IOException {
        if (flags.contains("x") && !flags.contains("j")) {
            throw new IllegalArgumentException("wire flag x needs j (the reply route is read from the body): " + flags);
        }
        Channel setup = connection.createChannel();
        setup.exchangeDeclare(exchange, "fanout", false, true, null);
        Channel consume = connection.createChannel();
        Channel reply = connection.createChannel();
        channels.addAll(java.util.List.of(setup, consume, reply));
        Map<String, Object> args = new HashMap<>();
        if (flags.contains("a")) {
            args.put("x-expires", 10_000);
            args.put("x-message-ttl", 300_000);
        }
        for (int i = from; i < from + count; i++) {
            String name = prefix + "-" + i + "@bench";
            String queue = name + "." + exchange;
            setup.queueDeclare(queue, false, false, true, args);
            setup.queueBind(queue, exchange, "");
            consume.basicConsume(queue, true, new WireRungNode(consume, reply, flags, name));
        }
        return count;
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        String exchange = "";
        String routingKey = props.getReplyTo();
        String ticket = "";
        if (flags.contains("j")) {
            JsonNode request = JSON.readTree(body);
            ticket = request.path("ticket").asText();
            if (flags.contains("x")) {
                exchange = request.path("reply_to").path("exchange").asText();
                routingKey = request.path("reply_to").path("routing_key").asText();
            }
        }
        AMQP.BasicProperties out = null;
        if (flags.contains("f")) {
            Map<String, Object> headers = new HashMap<>();
            headers.put("ticket", ticket);
            headers.put("clock", ++clock);
            out = new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding("utf-8")
                    .deliveryMode(1).priority(0).headers(headers).build();
        } else if (flags.contains("k")) {
            out = new AMQP.BasicProperties.Builder().correlationId(ticket).build();
        } else if (flags.contains("h")) {
            out = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .headers(Map.of("ticket", ticket)).build();
        }
        synchronized (reply) {
            reply.basicPublish(exchange, routingKey, out, answer);
        }
    }
}
