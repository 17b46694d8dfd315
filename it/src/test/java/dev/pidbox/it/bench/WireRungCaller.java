package dev.pidbox.it.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client of one rung of {@link GatherWireBenchmark}'s ladder, in plain amqp-client. Without flags it is the bare
 * floor's client, nothing but amqp-client (the main benchmark's bare floor too, against {@link BenchNodeHost}'s raw
 * nodes): a request {@code {"method": "ping"}} whose only property is its reply-to, to the fanout exchange, replies
 * into a server-named queue on the default exchange. Each flag adds a part of kombu's wire:
 * <ul>
 * <li>{@code b}: the request body is a kombu request (method, arguments, destination, pattern, matcher, ticket,
 * reply_to) instead of {@code {"method": "ping"}};
 * <li>{@code c}: the request body is a kombu request without its null fields and without spaces (kombu's node
 * takes the missing destination, pattern and matcher as null), instead of {@code {"method": "ping"}};
 * <li>{@code p}: the request carries kombu's properties: content type and encoding, delivery mode 2, priority 0,
 * headers {@code clock} and {@code expires} (now plus 5 s, made for each request);
 * <li>{@code d}: replies by RabbitMQ's direct reply-to (the body's {@code reply_to} names the default exchange and
 * this channel's full {@code amq.rabbitmq.reply-to.*} name), no reply queue;
 * <li>{@code r}: the reply queue is declared as a mailbox's ({@code oid.reply.NS}, auto-delete, Celery's
 * {@code x-expires} and {@code x-message-ttl}) and bound to the direct reply exchange {@code reply.NS} under the
 * oid; without it, a server-named exclusive queue on the default exchange.
 * </ul>
 * Each gather publishes one request to the fanout exchange and counts replies on the consumer until {@code n}.
 */
final class WireRungCaller implements GatherComparison.Gatherer {
    private final Channel channel;
    private final String exchange;
    private final String flags;
    private final int n;
    private final String replyTo;
    private final byte[] body;
    private final AtomicInteger got = new AtomicInteger();
    private final AtomicReference<CountDownLatch> done = new AtomicReference<>();
    private int clock;

    WireRungCaller(Connection connection, String exchange, String flags, int n) throws IOException {
        this.channel = connection.createChannel();
        this.exchange = exchange;
        this.flags = flags;
        this.n = n;
        Consumer counter = new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] b) {
                if (got.incrementAndGet() == WireRungCaller.this.n) {
                    done.get().countDown();
                }
            }
        };
        String queue;
        String replyExchange = "";
        if (flags.contains("d")) {
            // RabbitMQ's direct reply-to: no reply queue; the broker hands each reply from the replier's channel to
            // this one. A kombu node reads where to reply from the body, which the broker does not rewrite, so the
            // full name ("amq.rabbitmq.reply-to.<this channel>") is learnt first from a message sent to oneself.
            queue = "amq.rabbitmq.reply-to";
            String self = channel.queueDeclare().getQueue();
            channel.basicConsume(queue, true, counter);
            channel.basicPublish("", self, new AMQP.BasicProperties.Builder().replyTo(queue).build(), new byte[0]);
            GetResponse r = null;
            for (int i = 0; i < 100 && r == null; i++) {
                r = channel.basicGet(self, true);
            }
            if (r == null) {
                throw new IOException("no message came back to learn the direct reply-to name");
            }
            replyTo = r.getProps().getReplyTo();
            channel.queueDelete(self);
        } else if (flags.contains("r")) {
            String oid = UUID.randomUUID().toString();
            replyExchange = "reply." + exchange;
            queue = oid + ".reply." + exchange;
            replyTo = oid;
            channel.exchangeDeclare(replyExchange, "direct", false, true, null);
            Map<String, Object> args = new HashMap<>();
            args.put("x-expires", 10_000);
            args.put("x-message-ttl", 300_000);
            channel.queueDeclare(queue, false, false, true, args);
            channel.queueBind(queue, replyExchange, oid);
        } else {
            queue = channel.queueDeclare().getQueue();
            replyTo = queue;
        }
        String text = flags.contains("c")
                ? "{\"method\":\"ping\",\"arguments\":{},\"ticket\":\"" + UUID.randomUUID()
                        + "\",\"reply_to\":{\"exchange\":\"" + replyExchange + "\",\"routing_key\":\"" + replyTo
                        + "\"}}"
                : flags.contains("b")
                ? "{\"method\": \"ping\", \"arguments\": {}, \"destination\": null, \"pattern\": null,"
                        + " \"matcher\": null, \"ticket\": \"" + UUID.randomUUID() + "\","
                        + " \"reply_to\": {\"exchange\": \"" + replyExchange + "\", \"routing_key\": \"" + replyTo
                        + "\"}}"
                : "{\"method\": \"ping\"}";
        body = text.getBytes(StandardCharsets.UTF_8);
        if (!flags.contains("d")) {
            channel.basicConsume(queue, true, counter);
        }
    }

    private AMQP.BasicProperties properties() {
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder().replyTo(replyTo);
        if (flags.contains("p")) {
            Map<String, Object> headers = new HashMap<>();
            headers.put("clock", ++clock);
            headers.put("expires", System.currentTimeMillis() / 1000.0 + 5);
            b.contentType("application/json").contentEncoding("utf-8").deliveryMode(2).priority(0).headers(headers);
        }
        return b.build();
    }

    @Override
    public double gather() throws IOException, InterruptedException {
        got.set(0);
        CountDownLatch latch = new CountDownLatch(1);
        done.set(latch);
        long t = System.nanoTime();
        channel.basicPublish(exchange, "", properties(), body);
        boolean all = latch.await(5, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t) / 1e6;
        return all ? ms : 5000;
    }

    @Override
    public int replies() {
        return got.get();
    }

    @Override
    public void close() throws IOException, TimeoutException {
        channel.close();
    }
}
