package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real kombu 5.2 {@code Mailbox} (kombu_client.py, one Python process per command) talks to Java nodes
 * in a fanout namespace, the way Celery's control client would. Assertions are on the exact JSON that
 * kombu returned.
 */
@RabbitMQ.Required
@Python.Required
class KombuMailboxCallsJavaNodeTest {
    private static final String FANOUT = "fanout";
    private static final String A = "java-a@pbt";
    private static final String B = "java-b@pbt";
    private static final String C = "other-c@pbt";

    private static String namespace;
    private static Connection connection;
    private static Mailbox mailbox;
    private static final Queue<String> recorded = new ConcurrentLinkedQueue<>();
    private static Node a;
    private static Node b;
    private static Node c;

    @BeforeAll
    static void startJavaNodes() {
        namespace = RabbitMQ.uniqueNamespace("kombu-calls-java");
        connection = RabbitMQ.connect("kombu-calls-java");
        mailbox = Mailbox.builder(namespace).type(ExchangeType.FANOUT).build().bind(connection);
        a = javaNode(A);
        b = javaNode(B);
        c = javaNode(C);
    }

    private static Node javaNode(String name) {
        return mailbox.node(name).handler(TestHandlers.ping()).handler(TestHandlers.echo())
                .handler(TestHandlers.fail()).handler(TestHandlers.record(recorded)).build().listen();
    }

    @BeforeEach
    void forgetRecords() {
        recorded.clear();
    }

    @AfterAll
    static void stopJavaNodes() throws Exception {
        for (Node n : new Node[] {a, b, c}) {
            if (n != null) {
                n.close();
            }
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

    private static PythonPeer.KombuResult kombu(String... args) {
        return PythonPeer.kombuClient(namespace, FANOUT, args);
    }

    @Test
    void kombuCallToAJavaNodeReturnsExactlyItsPong() {
        PythonPeer.KombuResult r = kombu("--dest", A, "--timeout", "5", "call", "ping");

        assertThat(r.json).isEqualTo("[{\"java-a@pbt\": {\"ok\": \"pong\"}}]");
    }

    @Test
    void kombuCallHandsArgumentsOfEveryJsonTypeToTheJavaHandler() {
        String args = "{\"text\": \"h\\u00e9llo \\u2603\", \"n\": 42, \"big\": 9007199254740993, \"x\": 1.5,"
                + " \"flag\": true, \"none\": null, \"list\": [1, \"two\", null], \"nested\": {\"k\": [false]}}";

        PythonPeer.KombuResult r = kombu("--dest", B, "--timeout", "5", "--args", args, "call", "echo");

        assertThat(r.json).isEqualTo("[{\"java-b@pbt\": {\"ok\": {\"big\": 9007199254740993, \"flag\": true,"
                + " \"list\": [1, \"two\", null], \"n\": 42, \"nested\": {\"k\": [false]}, \"none\": null,"
                + " \"text\": \"h\\u00e9llo \\u2603\", \"x\": 1.5}}}]");
    }

    @Test
    void kombuMultiCallGathersEveryJavaNode() {
        PythonPeer.KombuResult r = kombu("--timeout", "5", "--limit", "3", "multi_call", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(A, B, C);
        assertThat(r.byNode()).containsOnly(Map.entry(A, Map.of("ok", "pong")), Map.entry(B, Map.of("ok", "pong")),
                Map.entry(C, Map.of("ok", "pong")));
    }

    @Test
    void kombuMultiCallWithoutLimitHearsEachJavaNodeExactlyOnce() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "multi_call", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void kombuCastRunsTheHandlerOnlyOnTheNamedJavaNode() {
        PythonPeer.KombuResult r = kombu("--dest", B, "--args", "{\"marker\": \"cast-1\"}", "cast", "record");

        assertThat(r.json).isEqualTo("null");
        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.contains(B + " {marker=cast-1}"));
        // A later call to the other nodes is served after the cast they received and ignored.
        assertThat(kombu("--timeout", "5", "--limit", "3", "multi_call", "ping").nodes()).hasSize(3);
        assertThat(recorded).containsExactly(B + " {marker=cast-1}");
    }

    @Test
    void kombuAbcastRunsTheHandlerOnEveryJavaNode() {
        kombu("--args", "{\"marker\": \"abcast-1\"}", "abcast", "record");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(recorded).containsExactlyInAnyOrder(
                A + " {marker=abcast-1}", B + " {marker=abcast-1}", C + " {marker=abcast-1}"));
    }

    @Test
    void kombuGlobSelectsTheJavaNodesWhoseWholeNameMatches() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "java-?@*", "glob", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void kombuGlobThatMatchesOnlyAPrefixSelectsNoJavaNode() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "java-", "glob", "ping");

        assertThat(r.json).isEqualTo("[]");
    }

    @Test
    void kombuPcreSelectsTheJavaNodesWhoseNameStartsWithAMatch() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "java-b|oth", "pcre", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(B, C);
    }

    @Test
    void kombuPcreIsAnchoredAtTheStartOfTheJavaNodeName() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "a@pbt", "pcre", "ping");

        assertThat(r.json).isEqualTo("[]");
    }

    /**
     * The Java nodes apply kombu's matchers to the pattern as kombu sent it: Python {@code fnmatch} for glob,
     * Python {@code re.match} for pcre. Expected selections are what Python itself says for these names.
     */
    @ParameterizedTest(name = "{0} {1} selects [{2}]")
    @CsvSource(delimiter = '|', value = {
        "glob | java-[ab]@pbt        | java-a@pbt java-b@pbt",
        "glob | java-[!a]@pbt        | java-b@pbt",
        "glob | *@PBT                | ''",
        "pcre | java-a$              | ''",
        "pcre | (?i)JAVA-B           | java-b@pbt",
        "pcre | (?P<kind>java)-a     | java-a@pbt",
    })
    void javaNodesSelectWhatPythonMatchersSelect(String matcher, String pattern, String expected) {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", pattern, matcher, "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(expected.isBlank() ? new String[0] : expected.split(" "));
    }

    @Test
    void pcreNamedGroupWithAnUnderscoreSelectsTheJavaNodeAsPythonDoes() {
        PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "(?P<node_kind>oth)er", "pcre", "ping");

        assertThat(r.nodes()).containsExactly(C);
    }

    @Test
    void pcreWordClassMatchesANonAsciiJavaNodeNameAsPythonDoes() {
        String name = "j\u00e4v\u00e4@pbt";
        try (Node unicode = javaNode(name)) {
            PythonPeer.KombuResult r = kombu("--timeout", "1", "--pattern", "\\w+@pbt", "pcre", "ping");

            assertThat(r.nodes()).containsExactly(name);
        }
    }

    @Test
    void kombuGetsAKeyErrorFromAJavaNodeForAnUnknownMethod() {
        PythonPeer.KombuResult r = kombu("--dest", A, "--timeout", "5", "call", "nosuch");

        assertThat(r.json).isEqualTo("[{\"java-a@pbt\": {\"error\": \"KeyError('nosuch')\"}}]");
    }

    @Test
    void kombuGetsTheExceptionOfAFailingJavaHandlerAsAnErrorReply() {
        PythonPeer.KombuResult r = kombu("--dest", A, "--timeout", "5", "call", "fail");

        assertThat(r.json).isEqualTo("[{\"java-a@pbt\": {\"error\": \"IllegalStateException('disk on fire')\"}}]");
    }

    @Test
    void kombuCallToTwoNamedJavaNodesIsServedByThoseTwoOnly() {
        long receivedByB = b.stats().get("received");
        long selectedByB = b.stats().get("selected");

        PythonPeer.KombuResult r = kombu("--dest", A + "," + C, "--timeout", "5", "call", "ping");

        assertThat(r.nodes()).containsExactlyInAnyOrder(A, C);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().get("received") > receivedByB);
        assertThat(b.stats().get("selected")).as("requests node B took as addressed to it").isEqualTo(selectedByB);
    }
}
