package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.TrafficListener;
import dev.pidbox.Brokers;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose first reply meets a burst of requests. amqp-client hands a channel's deliveries to its consumer thread
 * through a queue of at most 1000, past which its one reader thread waits for the consumer thread; a node opens its
 * reply channel (a broker round trip that this reader must read) on the consumer thread, at its first reply. This
 * holds the consumer thread until more than 1000 requests wait behind it, then checks that every one is answered and
 * the connection stays up.
 */
@RabbitMQ.Required
class NodeBurstTest {
    private static final int BURST = 1500;
    private static final HandlerDefinition PING = HandlerDefinition.builder("ping").quick(true)
            .handler((ctx, args) -> Map.of("ok", "pong")).build();

    @Test
    void aNodeAnswersABurstOfMoreThanAThousandRequestsThatArrivesBeforeItsFirstReply() throws Exception {
        String ns = RabbitMQ.uniqueNamespace("burst");
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        try (Connection nodeConnection = RabbitMQ.connect("pidbox-it-burst-node");
                Connection clientConnection = RabbitMQ.connect("pidbox-it-burst-client")) {
            Mailbox nodes = Mailbox.builder(ns).build().bind(nodeConnection);
            // "hold" is quick, so it runs on amqp-client's consumer thread, and keeps it until released: the burst
            // then piles up in front of the node's first reply.
            Node node = nodes.node("burst@host")
                    .handler(HandlerDefinition.builder("hold").quick(true).handler((ctx, args) -> {
                        held.countDown();
                        try {
                            hold.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "released";
                    }).build())
                    .handler(PING)
                    .build().listen();
            try {
                Channel ch = clientConnection.createChannel();
                String replies = replyQueue(ch, "reply." + ns + ".pidbox");
                publish(ch, ns, "hold", null); // a cast: no reply, so the node has not replied yet
                assertThat(held.await(10, TimeUnit.SECONDS)).as("the node took the hold request").isTrue();
                for (int i = 0; i < BURST; i++) {
                    publish(ch, ns, "ping", "t" + i);
                }
                Thread.sleep(1000); // the burst reaches the node's connection while its consumer thread is held
                hold.countDown();

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long got = ch.messageCount(replies);
                while (got < BURST && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    got = ch.messageCount(replies);
                }
                assertThat(got).as("replies to the burst").isEqualTo(BURST);
                assertThat(nodeConnection.isOpen()).isTrue();
            } finally {
                hold.countDown();
                node.close();
                nodes.close();
            }
        }
    }

    /**
     * The cause of the silent JVMs of the 10,000-node gathers (BENCHMARKS.md): amqp-client's consumer thread, replying
     * for a quick handler, opened the reply channel and then declared the reply exchange on it, two broker round trips
     * back to back; amqp-client can restore its 1000-delivery bound between them, and then its reader waits for the
     * consumer thread that waits for the reader. Whether that race strikes depends on thread scheduling, so this test
     * checks its precondition instead, every time: everything the consumer threads write to the broker while a node
     * answers a burst, replies to an exchange new to its reply channel, audits to a third, and loses its reply channel
     * to a refused declare, is a publish (a frame no reply is awaited for), and every request is still answered.
     */
    @Test
    void amqpClientsConsumerThreadNeverWaitsForTheBrokerWhileANodeReplies() throws Exception {
        String ns = RabbitMQ.uniqueNamespace("burst-rpc");
        List<String> consumerWrites = new CopyOnWriteArrayList<>();
        List<String> reports = new CopyOnWriteArrayList<>();
        ConnectionFactory factory = Brokers.factory(RabbitMQ.uri());
        factory.setTrafficListener(new TrafficListener() {
            @Override
            public void write(Command command) {
                if (Thread.currentThread().getName().startsWith("pidbox-amqp-consumer")) {
                    consumerWrites.add(command.getMethod().protocolMethodName());
                }
            }

            @Override
            public void read(Command command) {
            }
        });
        String other = ns + ".other-replies";
        String trap = ns + ".fanout-trap";
        String audit = ns + ".audit";
        try (Connection nodeConnection = factory.newConnection("pidbox-it-burst-rpc-node");
                Connection clientConnection = RabbitMQ.connect("pidbox-it-burst-rpc-client")) {
            Mailbox nodes = Mailbox.builder(ns).errorSink((m, e) -> reports.add(m)).build().bind(nodeConnection);
            Node node = nodes.node("burst@host").auditExchange(audit)
                    .handler(PING)
                    .build().listen();
            try {
                Channel ch = clientConnection.createChannel();
                String replies = replyQueue(ch, "reply." + ns + ".pidbox");
                String otherReplies = replyQueue(ch, other);
                ch.exchangeDeclare(trap, "fanout", false, true, false, Map.of());
                String audits = ch.queueDeclare().getQueue();
                ch.exchangeDeclare(audit, "fanout", false, false, false, Map.of());
                ch.queueBind(audits, audit, "");

                for (int i = 0; i < BURST; i++) {
                    publish(ch, ns, "ping", "t" + i);
                }
                publish(ch, ns, "ping", "other", other); // an exchange new to the node's reply channel
                publish(ch, ns, "ping", "trapped", trap); // refused: a fanout exchange declared as direct
                for (int i = 0; i < 100; i++) {
                    publish(ch, ns, "ping", "after" + i); // on the fresh reply channel that the refusal leaves
                }

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long got = ch.messageCount(replies);
                while ((got < BURST + 100 || ch.messageCount(otherReplies) < 1) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    got = ch.messageCount(replies);
                }
                assertThat(got).as("replies to the burst and to the requests after the refused one")
                        .isEqualTo(BURST + 100);
                assertThat(ch.messageCount(otherReplies)).as("the reply to the other exchange").isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> reports.stream()
                        .anyMatch(r -> r.contains("could not reply to exchange '" + trap + "'")));
                await().atMost(Duration.ofSeconds(10)).until(() -> ch.messageCount(audits) >= BURST + 102);
                assertThat(nodeConnection.isOpen()).isTrue();
                assertThat(consumerWrites).as("methods amqp-client's consumer threads wrote").isNotEmpty()
                        .allMatch("basic.publish"::equals);
                ch.exchangeDelete(other);
                ch.exchangeDelete(trap);
                ch.exchangeDelete(audit);
            } finally {
                node.close();
                nodes.close();
            }
        }
    }

    /**
     * Declares {@code exchange} as a node declares a reply exchange (direct, not auto-deleted) and a queue bound to
     * it with the routing key the requests' {@code reply_to} names; returns the queue.
     */
    private static String replyQueue(Channel ch, String exchange) throws Exception {
        ch.exchangeDeclare(exchange, "direct", false, false, false, Map.of());
        String queue = ch.queueDeclare().getQueue();
        ch.queueBind(queue, exchange, "burst-replies");
        return queue;
    }

    /** A kombu request to every node of {@code ns}: a cast when {@code ticket} is null, else a call. */
    private static void publish(Channel ch, String ns, String method, String ticket) throws Exception {
        publish(ch, ns, method, ticket, "reply." + ns + ".pidbox");
    }

    /** {@link #publish(Channel, String, String, String)} with replies to {@code replyExchange}. */
    private static void publish(Channel ch, String ns, String method, String ticket, String replyExchange)
            throws Exception {
        String body = "{\"method\": \"" + method + "\", \"arguments\": {}, \"destination\": null, \"pattern\": null,"
                + " \"matcher\": null"
                + (ticket == null ? "" : ", \"ticket\": \"" + ticket + "\", \"reply_to\": {\"exchange\": \""
                        + replyExchange + "\", \"routing_key\": \"burst-replies\"}")
                + "}";
        ch.basicPublish(ns + ".pidbox", "", new AMQP.BasicProperties.Builder().contentType("application/json")
                .contentEncoding("utf-8").build(), body.getBytes(StandardCharsets.UTF_8));
    }
}
