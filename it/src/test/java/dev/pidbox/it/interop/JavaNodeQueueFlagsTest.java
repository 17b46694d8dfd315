package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queues a Java node and a Java mailbox declare, as the broker (and so every Python peer) sees them:
 * PROTOCOL.md sections 1.2 and 1.3 with Celery's default arguments, exclusive as section 10 recommends.
 */
@RabbitMQ.Required
@Python.Required
class JavaNodeQueueFlagsTest {
    private static final String NODE = "flags@pbt";

    private static String namespace;
    private static Connection connection;
    private static Mailbox mailbox;
    private static Node node;

    @BeforeAll
    static void startJavaNode() {
        namespace = RabbitMQ.uniqueNamespace("flags");
        connection = RabbitMQ.connect("queue-flags");
        mailbox = Mailbox.builder(namespace).type(ExchangeType.FANOUT).build().bind(connection);
        node = mailbox.node(NODE).handler(TestHandlers.ping()).build().listen();
    }

    @AfterAll
    static void stopJavaNode() throws Exception {
        if (node != null) {
            node.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
        if (connection != null) {
            connection.close();
        }
        Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), namespace);
        Rabbitmqctl.deleteExchangesOf(namespace);
    }

    private static Rabbitmqctl.QueueInfo queueOnBroker(String name) {
        Rabbitmqctl.assumeAvailable();
        return Rabbitmqctl.queue(name).orElseThrow(() -> new AssertionError("no queue " + name + " on the broker; have: "
                + Rabbitmqctl.listQueues()));
    }

    @Test
    void nodeQueueIsTransientAutoDeleteAndExclusive() {
        Rabbitmqctl.QueueInfo q = queueOnBroker(NODE + "." + namespace + ".pidbox");

        assertThat(q.durable).as("durable").isFalse();
        assertThat(q.autoDelete).as("auto_delete").isTrue();
        assertThat(q.exclusive).as("exclusive").isTrue();
    }

    @Test
    void nodeQueueCarriesCeleryExpiresAndTtlAsSignedInts() {
        Rabbitmqctl.QueueInfo q = queueOnBroker(NODE + "." + namespace + ".pidbox");

        assertThat(q.arguments).isEqualTo(Map.of("x-expires", 10000, "x-message-ttl", 300000));
        assertThat(q.argumentTypes).isEqualTo(Map.of("x-expires", "signedint", "x-message-ttl", "signedint"));
    }

    @Test
    void replyQueueOfAJavaMailboxHasTheSameFlagsAndArguments() {
        CallResult r = mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofSeconds(5));
        assertThat(r.byNode()).containsOnlyKeys(NODE);

        Rabbitmqctl.QueueInfo q = queueOnBroker(mailbox.oid() + ".reply." + namespace + ".pidbox");

        assertThat(List.of(q.durable, q.autoDelete, q.exclusive)).as("durable, auto_delete, exclusive")
                .containsExactly(false, true, true);
        assertThat(q.arguments).isEqualTo(Map.of("x-expires", 10000, "x-message-ttl", 300000));
    }

    @Test
    void kombuPeersCallTheNodeWhoseQueueHasTheseFlags() {
        PythonPeer.KombuResult r = PythonPeer.kombuClient(namespace, "fanout", "--dest", NODE, "--timeout", "5", "call", "ping");

        assertThat(r.json).isEqualTo("[{\"flags@pbt\": {\"ok\": \"pong\"}}]");
    }

    @Test
    void kombuNodesDeclareTheSameMailboxExchangeBesideTheJavaNode() {
        try (PythonPeer kombu = PythonPeer.kombuNodes(namespace, "fanout", "kombu@pbt")) {
            CallResult r = mailbox.multiCall("ping", Map.of(), Duration.ofSeconds(5), 2);

            assertThat(r.answered()).containsExactlyInAnyOrder(NODE, "kombu@pbt");
            assertThat(kombu.output()).doesNotContain("PRECONDITION_FAILED");
        }
    }
}
