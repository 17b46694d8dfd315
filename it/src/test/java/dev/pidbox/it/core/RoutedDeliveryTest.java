package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routed delivery: a call to named nodes reaches only those nodes' queues; broadcasts reach all. */
@RabbitMQ.Required
class RoutedDeliveryTest {
    private Connection connection;
    private Mailbox routed;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void start() {
        connection = RabbitMQ.connect("pidbox-it-routed");
        routed = Mailbox.builder(RabbitMQ.uniqueNamespace("routed")).routed(true).build().bind(connection);
        for (int i = 0; i < 6; i++) {
            nodes.add(routed.node("r" + i + "@host").handlers(TestNodes.standard(TestNodes.newSink())).build().listen());
        }
    }

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(Node::close);
        routed.close();
        connection.close();
    }

    private long received(int i) {
        return nodes.get(i).stats().get("received");
    }

    @Test
    void aCallToOneNodeIsDeliveredToThatNodeOnly() {
        CallResult r = routed.call(List.of("r3@host"), "ping", Map.of(), Duration.ofSeconds(5));

        assertThat(r.answered()).containsExactly("r3@host");
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(received(i)).as("deliveries to r%d", i).isEqualTo(i == 3 ? 1 : 0);
        }
    }

    @Test
    void aCallToSeveralNodesGoesOutOnceWithTheOthersInCc() {
        CallResult r = routed.call(List.of("r1@host", "r4@host", "r5@host"), "ping", Map.of(), Duration.ofSeconds(5));

        assertThat(r.answered()).containsExactlyInAnyOrder("r1@host", "r4@host", "r5@host");
        assertThat(List.of(received(0), received(1), received(2), received(3), received(4), received(5)))
                .containsExactly(0L, 1L, 0L, 0L, 1L, 1L);
    }

    @Test
    void broadcastsStillReachEveryNode() {
        CallResult r = routed.multiCall("ping", Map.of(), Duration.ofSeconds(1), null);

        assertThat(r.answered()).hasSize(6);
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(received(i)).isEqualTo(1);
        }
    }

    @Test
    void aCallToANodeThatIsNotRoutedFallsBackToTheMailboxExchange() {
        Mailbox plain = Mailbox.builder(routed.namespace()).build().bind(connection);
        Node kombuLike = plain.node("plain@host").handler(TestNodes.ping()).build().listen();
        try {
            CallResult r = routed.call(List.of("plain@host"), "ping", Map.of(), Duration.ofSeconds(5));

            assertThat(r.byNode()).containsEntry("plain@host", Map.of("ok", "pong"));
        } finally {
            kombuLike.close();
            plain.close();
        }
    }
}
