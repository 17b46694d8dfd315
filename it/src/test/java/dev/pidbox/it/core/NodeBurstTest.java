package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
                    .handler(HandlerDefinition.builder("ping").quick(true)
                            .handler((ctx, args) -> Map.of("ok", "pong")).build())
                    .build().listen();
            try {
                Channel ch = clientConnection.createChannel();
                String replyExchange = "reply." + ns + ".pidbox";
                ch.exchangeDeclare(replyExchange, "direct", false, false, false, Map.of());
                String replies = ch.queueDeclare().getQueue();
                ch.queueBind(replies, replyExchange, "burst-replies");
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

    /** A kombu request to every node of {@code ns}: a cast when {@code ticket} is null, else a call. */
    private static void publish(Channel ch, String ns, String method, String ticket) throws Exception {
        String body = "{\"method\": \"" + method + "\", \"arguments\": {}, \"destination\": null, \"pattern\": null,"
                + " \"matcher\": null"
                + (ticket == null ? "" : ", \"ticket\": \"" + ticket + "\", \"reply_to\": {\"exchange\": \"reply."
                        + ns + ".pidbox\", \"routing_key\": \"burst-replies\"}")
                + "}";
        ch.basicPublish(ns + ".pidbox", "", new AMQP.BasicProperties.Builder().contentType("application/json")
                .contentEncoding("utf-8").build(), body.getBytes(StandardCharsets.UTF_8));
    }
}
