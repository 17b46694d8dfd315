package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Request;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One namespace served by Java nodes and kombu nodes side by side: a single multi-call, Java's or kombu's,
 * hears all of them, with both mailbox exchange types.
 */
@RabbitMQ.Required
@Python.Required
class MixedFleetTest {
    private static final String JAVA_1 = "java-1@fleet";
    private static final String JAVA_2 = "java-2@fleet";
    private static final String KOMBU_1 = "kombu-1@fleet";
    private static final String KOMBU_2 = "kombu-2@fleet";
    private static final Map<String, Object> PONG = Map.of("ok", "pong");

    private final List<AutoCloseable> fleet = new ArrayList<>();
    private String namespace;
    private Mailbox mailbox;

    /** Starts two Java nodes (on their own connection) and two kombu nodes (one Python process). */
    private void startFleet(ExchangeType type) throws Exception {
        namespace = RabbitMQ.uniqueNamespace("mixed-" + type.wireName());
        Connection nodes = RabbitMQ.connect("mixed-fleet-nodes");
        fleet.add(nodes);
        Mailbox nodeMailbox = Mailbox.builder(namespace).type(type).build().bind(nodes);
        for (String name : List.of(JAVA_1, JAVA_2)) {
            Node node = nodeMailbox.node(name).handler(TestHandlers.ping()).handler(TestHandlers.fail()).build().listen();
            fleet.add(0, node);
        }
        fleet.add(0, PythonPeer.kombuNodes(namespace, type.wireName(), KOMBU_1, KOMBU_2));
        Connection client = RabbitMQ.connect("mixed-fleet-client");
        fleet.add(client);
        mailbox = Mailbox.builder(namespace).type(type).build().bind(client);
        fleet.add(0, mailbox);
    }

    @AfterEach
    void stopFleet() throws Exception {
        for (AutoCloseable c : fleet) {
            c.close();
        }
        fleet.clear();
        if (namespace != null) {
            Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), namespace);
            Rabbitmqctl.deleteExchangesOf(namespace);
        }
    }

    @ParameterizedTest
    @EnumSource(ExchangeType.class)
    void javaMultiCallGathersEveryJavaAndKombuNode(ExchangeType type) throws Exception {
        startFleet(type);

        CallResult r = mailbox.call(Request.builder("ping").expect(4).timeout(Duration.ofSeconds(5)).build(), null);

        assertThat(r.replies()).as("one reply per node").hasSize(4);
        assertThat(r.byNode()).containsOnly(Map.entry(JAVA_1, PONG), Map.entry(JAVA_2, PONG),
                Map.entry(KOMBU_1, PONG), Map.entry(KOMBU_2, PONG));
        assertThat(r.deadlineReached()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ExchangeType.class)
    void kombuMultiCallGathersEveryJavaAndKombuNode(ExchangeType type) throws Exception {
        startFleet(type);

        PythonPeer.KombuResult r = PythonPeer.kombuClient(namespace, type.wireName(), "--timeout", "5", "--limit", "4",
                "multi_call", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(JAVA_1, JAVA_2, KOMBU_1, KOMBU_2);
        assertThat(r.byNode().values()).containsOnly(PONG);
    }

    @Test
    void errorsFromJavaAndKombuNodesComeBackInOneShape() throws Exception {
        startFleet(ExchangeType.FANOUT);

        CallResult r = mailbox.call(Request.builder("fail").destination(List.of(JAVA_1, KOMBU_1))
                .timeout(Duration.ofSeconds(5)).build(), null);

        assertThat(r.byNode()).isEqualTo(Map.of(
                JAVA_1, Map.of("error", "IllegalStateException('disk on fire')"),
                KOMBU_1, Map.of("error", "ValueError('kombu handler failed')")));
        assertThat(r.errors()).hasSize(2);
    }

    @Test
    void globAcrossTheFleetSelectsJavaAndKombuNodesAlike() throws Exception {
        startFleet(ExchangeType.DIRECT);

        CallResult r = mailbox.call(Request.builder("ping").glob("*-1@fleet").timeout(Duration.ofSeconds(1)).build(), null);

        assertThat(r.replies()).extracting(dev.pidbox.Reply::node).containsExactlyInAnyOrder(JAVA_1, KOMBU_1);
    }
}
