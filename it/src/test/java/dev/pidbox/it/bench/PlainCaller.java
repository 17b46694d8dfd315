package dev.pidbox.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.Mailbox;
import dev.pidbox.QueueSpec;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The least a client of a pidbox mailbox must do, in plain amqp-client: a reply queue declared as a mailbox's (name,
 * flags, {@code x-message-ttl}, {@code x-expires}, bound to the reply exchange), and per call one publish of a
 * request body built once to the mailbox exchange and a wait, on the calling thread, for the consumer to see the
 * reply. With an {@link EchoNode} at the other end no pidbox code runs: the round trip of the broker and amqp-client
 * with the queue arguments pidbox uses.
 */
final class PlainCaller implements AutoCloseable {
    private final Channel channel;
    private final String exchange;
    private final byte[] request;
    private final AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
            .build();
    private final boolean kombuProperties;
    private final AtomicInteger clock = new AtomicInteger();
    private final AtomicReference<CountDownLatch> pending = new AtomicReference<>();
    private final AtomicInteger replies = new AtomicInteger();

    PlainCaller(Connection connection, String namespace) throws IOException {
        this(connection, namespace, false);
    }

    /**
     * As {@link #PlainCaller(Connection, String)}; with {@code kombuProperties} every request also carries the
     * properties a kombu (and pidbox) client sends: content encoding, delivery mode 2, priority 0 and the headers
     * {@code clock} and {@code expires} (now plus 5 s), made anew for each request as a client makes them.
     */
    PlainCaller(Connection connection, String namespace, boolean kombuProperties) throws IOException {
        this.kombuProperties = kombuProperties;
        Mailbox shape = Mailbox.builder(namespace).build();
        QueueSpec q = shape.getReplyQueue();
        channel = connection.createChannel();
        channel.exchangeDeclare(q.exchange(), "direct", false, false, false, Collections.emptyMap());
        channel.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
        channel.queueBind(q.name(), q.exchange(), q.routingKey());
        channel.basicConsume(q.name(), true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body) {
                replies.incrementAndGet();
                CountDownLatch latch = pending.get();
                if (latch != null) {
                    latch.countDown();
                }
            }
        });
        exchange = shape.exchange();
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = json.createObjectNode();
        body.put("method", "ping");
        body.putObject("arguments");
        body.putNull("destination");
        body.putNull("pattern");
        body.putNull("matcher");
        body.put("ticket", "plain-" + shape.oid());
        body.putObject("reply_to").put("exchange", q.exchange()).put("routing_key", q.routingKey());
        request = json.writeValueAsBytes(body);
    }

    /** One call: the wall time in ms from the publish to the reply seen by the caller, or -1 when none came in 2 s. */
    double call() throws IOException, InterruptedException {
        return gather(1);
    }

    /**
     * One request to every node of the namespace: the wall time in ms from the publish until {@code n} replies were
     * seen, or -1 when fewer came in 5 s. {@link #replies()} tells how many came.
     */
    double gather(int n) throws IOException, InterruptedException {
        CountDownLatch latch = new CountDownLatch(n);
        replies.set(0);
        pending.set(latch);
        long t = System.nanoTime();
        channel.basicPublish(exchange, "", kombuProperties ? kombuProperties() : props, request);
        boolean answered = latch.await(n == 1 ? 2 : 5, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - t) / 1e6;
        pending.set(null);
        return answered ? ms : -1;
    }

    private AMQP.BasicProperties kombuProperties() {
        Map<String, Object> headers = new HashMap<>();
        headers.put("clock", clock.incrementAndGet());
        headers.put("expires", System.currentTimeMillis() / 1000.0 + 5);
        return new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding("utf-8")
                .deliveryMode(2).priority(0).headers(headers).build();
    }

    /** The replies seen since the last call or gather began. */
    int replies() {
        return replies.get();
    }

    @Override
    public void close() throws IOException, TimeoutException {
        channel.close();
    }
}
