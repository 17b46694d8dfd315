package dev.pidbox.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.pidbox.spi.JsonValues;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A reply queue of a test's own, for requests published raw with amqp-client: bound to a namespace's reply
 * exchange under a random routing key, exclusive to the test's connection.
 */
public final class ReplyQueue {
    private final Channel channel;
    private final String queue;
    private final String routingKey;

    private ReplyQueue(Channel channel, String queue, String routingKey) {
        this.channel = channel;
        this.queue = queue;
        this.routingKey = routingKey;
    }

    /** Declares the reply exchange (as kombu does) and a fresh queue bound to it. */
    public static ReplyQueue declare(Channel channel, String replyExchange) throws Exception {
        channel.exchangeDeclare(replyExchange, "direct", false, false, false, Map.of());
        String key = UUID.randomUUID().toString();
        String queue = channel.queueDeclare("", false, true, true, Map.of()).getQueue();
        channel.queueBind(queue, replyExchange, key);
        return new ReplyQueue(channel, queue, key);
    }

    public String name() {
        return queue;
    }

    /** The routing key a request's {@code reply_to} names. */
    public String routingKey() {
        return routingKey;
    }

    /** The next message on the queue, or null. */
    public GetResponse poll() throws Exception {
        return channel.basicGet(queue, true);
    }

    /** The value {@code node} replied to the request carrying {@code ticket}; fails after {@code timeout}. */
    public Object replyFor(String ticket, String node, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            GetResponse r = poll();
            if (r == null) {
                Thread.sleep(20);
                continue;
            }
            if (ticket.equals(String.valueOf(r.getProps().getHeaders().get("ticket")))) {
                return ((Map<?, ?>) JsonValues.decode(r.getBody())).get(node);
            }
        }
        throw new AssertionError("no reply for ticket " + ticket + " from " + node + " within " + timeout);
    }
}
