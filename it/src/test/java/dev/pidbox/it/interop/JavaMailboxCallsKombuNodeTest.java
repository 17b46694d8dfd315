package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Request;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Java {@link Mailbox} calls real kombu 5.2 {@code Node}s (kombu_node.py) in a direct namespace, kombu's
 * own default mailbox type.
 */
@RabbitMQ.Required
@Python.Required
class JavaMailboxCallsKombuNodeTest {
    private static final String A = "kombu-a@pbt";
    private static final String B = "kombu-b@pbt";
    private static final String C = "other-c@pbt";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static String namespace;
    private static PythonPeer kombu;
    private static Connection connection;
    private static Mailbox mailbox;

    @BeforeAll
    static void startKombuNodes() {
        namespace = RabbitMQ.uniqueNamespace("java-calls-kombu");
        kombu = PythonPeer.kombuNodes(namespace, "direct", A, B, C);
        connection = RabbitMQ.connect("java-calls-kombu");
        mailbox = Mailbox.builder(namespace).type(ExchangeType.DIRECT).build().bind(connection);
    }

    @AfterAll
    static void stopKombuNodes() throws Exception {
        if (kombu != null) {
            kombu.close();
        }
        if (mailbox != null) {
            mailbox.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (kombu != null) {
            assertThat(kombu.lines()).as("kombu_node.py output").contains("STOPPED");
        }
        Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), namespace);
        Rabbitmqctl.deleteExchangesOf(namespace);
    }

    @Test
    void callToANamedKombuNodeReturnsItsPongAsSoonAsItAnswers() {
        CallResult r = mailbox.call(List.of(A), "ping", Map.of(), WAIT);

        assertThat(r.asKombuList()).containsExactly(Map.of(A, Map.of("ok", "pong")));
        assertThat(r.missing()).isEmpty();
        assertThat(r.deadlineReached()).isFalse();
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void kombuNodeEchoesArgumentsOfEveryJsonType() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("text", "h\u00e9llo \u2603");
        args.put("n", 42);
        args.put("big", 9007199254740993L);
        args.put("x", 1.5);
        args.put("flag", true);
        args.put("none", null);
        args.put("list", Arrays.asList(1, "two", null));
        args.put("nested", Map.of("k", List.of(false)));

        CallResult r = mailbox.call(List.of(B), "echo", args, WAIT);

        assertThat(r.byNode()).containsOnlyKeys(B);
        assertThat(r.byNode().get(B)).isEqualTo(Map.of("ok", args));
    }

    @Test
    void multiCallGathersEveryKombuNode() {
        CallResult r = mailbox.multiCall("ping", Map.of(), WAIT, 3);

        assertThat(r.replies()).hasSize(3);
        assertThat(r.byNode()).containsOnly(Map.entry(A, Map.of("ok", "pong")), Map.entry(B, Map.of("ok", "pong")),
                Map.entry(C, Map.of("ok", "pong")));
        assertThat(r.deadlineReached()).isFalse();
    }

    @Test
    void callNamingAKombuNodeAndAnAbsentOneReportsTheAbsentOneAsMissing() {
        CallResult r = mailbox.call(List.of(A, "ghost@pbt"), "ping", Map.of(), Duration.ofSeconds(1));

        assertThat(r.answered()).containsExactly(A);
        assertThat(r.missing()).containsExactly("ghost@pbt");
        assertThat(r.deadlineReached()).isTrue();
    }

    @Test
    void globSelectsOnlyTheKombuNodesWhoseWholeNameMatches() {
        CallResult r = mailbox.call(Request.builder("ping").glob("kombu-?@pbt").timeout(Duration.ofSeconds(1)).build(), null);

        assertThat(r.replies()).extracting(dev.pidbox.Reply::node).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void pcreSelectsTheKombuNodesWhoseNameStartsWithAMatch() {
        CallResult r = mailbox.call(Request.builder("ping").pcre("kombu-b|oth").timeout(Duration.ofSeconds(1)).build(), null);

        assertThat(r.replies()).extracting(dev.pidbox.Reply::node).containsExactlyInAnyOrder(B, C);
    }

    @Test
    void pcreIsAnchoredAtTheStartByKombuToo() {
        CallResult r = mailbox.call(Request.builder("ping").pcre("a@pbt").timeout(Duration.ofSeconds(1)).build(), null);

        assertThat(r.replies()).isEmpty();
    }

    @Test
    void kombuNodeAnswersAnUnknownMethodWithAKeyError() {
        CallResult r = mailbox.call(List.of(A), "nosuch", Map.of(), WAIT);

        assertThat(r.asKombuList()).containsExactly(Map.of(A, Map.of("error", "KeyError('nosuch')")));
        assertThat(r.errors()).extracting(dev.pidbox.Reply::error).containsExactly("KeyError('nosuch')");
        assertThat(r.isComplete()).isFalse();
    }

    @Test
    void kombuNodeAnswersAFailingHandlerWithThePythonReprOfItsException() {
        CallResult r = mailbox.call(List.of(C), "fail", Map.of(), WAIT);

        assertThat(r.byNode()).isEqualTo(Map.of(C, Map.of("error", "ValueError('kombu handler failed')")));
    }

    @Test
    void castRunsTheHandlerOnlyOnTheNamedKombuNode() {
        mailbox.cast(List.of(B), "echo", Map.of("marker", "java-cast-1"));

        String line = "HANDLED " + B + " echo {\"marker\": \"java-cast-1\"}";
        kombu.awaitLine(line::equals, WAIT);
        // Served after the cast (one consumer thread), so A and C have seen it by now and ignored it.
        assertThat(mailbox.multiCall("ping", Map.of(), WAIT, 3).replies()).hasSize(3);
        assertThat(kombu.lines()).filteredOn(l -> l.contains("java-cast-1")).containsExactly(line);
    }

    @Test
    void abcastRunsTheHandlerOnEveryKombuNode() {
        mailbox.abcast("echo", Map.of("marker", "java-abcast-1"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(kombu.lines()).filteredOn(l -> l.contains("java-abcast-1"))
                .containsExactlyInAnyOrder("HANDLED " + A + " echo {\"marker\": \"java-abcast-1\"}",
                        "HANDLED " + B + " echo {\"marker\": \"java-abcast-1\"}",
                        "HANDLED " + C + " echo {\"marker\": \"java-abcast-1\"}"));
    }
}
