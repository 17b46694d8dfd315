package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.rabbitmq.client.Connection;
import dev.pidbox.ExchangeType;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Celery 5.2 command line ({@code python3 -m celery -A pbt_celery_app ...}) sees a Java node in
 * Celery's own namespace {@code celery} (fanout). The namespace is shared with anything else on the broker,
 * so the tests look for the Java node's line, never at a node count.
 */
@RabbitMQ.Required
@Python.Required
class CeleryCliListsJavaNodeTest {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    private static String nodeName;
    private static Connection connection;
    private static Mailbox mailbox;
    private static Node node;

    @BeforeAll
    static void startJavaNodeInCeleryNamespace() {
        nodeName = "pbt-java-cli-" + UUID.randomUUID().toString().substring(0, 8) + "@pbt-it";
        connection = RabbitMQ.connect("celery-cli");
        mailbox = Mailbox.builder("celery").type(ExchangeType.FANOUT).build().bind(connection);
        node = mailbox.node(nodeName).handler(TestHandlers.ping()).handler(TestHandlers.clock())
                .handler(TestHandlers.stats()).handler(TestHandlers.hello(new ConcurrentLinkedQueue<>()))
                .build().listen();
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
        Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), nodeName);
    }

    private static PythonPeer.Finished celery(String... args) {
        PythonPeer.Finished f = PythonPeer.celery(CLI_TIMEOUT, args);
        assertThat(f.exitCode).as("exit code of celery %s; output:%n%s", String.join(" ", args), f.output).isZero();
        return f;
    }

    private static Map<String, Object> json(PythonPeer.Finished f) throws Exception {
        String[] lines = f.plainOutput().strip().split("\n");
        return PythonPeer.JSON.readValue(lines[lines.length - 1], new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void celeryStatusListsTheJavaNodeAsOnline() {
        String out = celery("status").plainOutput();

        assertThat(out).containsPattern("(?m)^->  " + Pattern.quote(nodeName) + ": OK$");
        assertThat(out).containsPattern("\\d+ nodes? online\\.");
    }

    @Test
    void celeryInspectPingPrintsPongForTheJavaNode() {
        String out = celery("inspect", "ping").plainOutput();

        assertThat(out).containsPattern("(?m)^->  " + Pattern.quote(nodeName) + ": OK\\R\\s+pong$");
    }

    @Test
    void celeryInspectPingAddressedToTheJavaNodeGetsExactlyOkPong() throws Exception {
        Map<String, Object> replies = json(celery("inspect", "ping", "-d", nodeName, "--json"));

        assertThat(replies).isEqualTo(Map.of(nodeName, Map.of("ok", "pong")));
    }

    @Test
    void celeryInspectClockReadsTheJavaNodesLamportClock() throws Exception {
        Map<String, Object> replies = json(celery("inspect", "clock", "-d", nodeName, "--json"));

        assertThat(replies).containsOnlyKeys(nodeName);
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) replies.get(nodeName);
        assertThat(reply).containsOnlyKeys("clock");
        assertThat(reply.get("clock")).isInstanceOf(Integer.class);
        // Celery stamped its request with a clock; the Java node adjusted to it before answering.
        assertThat((Integer) reply.get("clock")).isPositive();
    }

    @Test
    void celeryInspectStatsShowsTheJavaNodesStatistics() throws Exception {
        Map<String, Object> replies = json(celery("inspect", "stats", "-d", nodeName, "--json"));

        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) replies.get(nodeName);
        assertThat(stats).containsKeys("pid", "clock", "pool", "total");
        assertThat(((Number) stats.get("pid")).longValue()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void javaNodeAnswersAMingleHelloFromAnotherNodeWithRevokedAndClock() throws Exception {
        PythonPeer.KombuResult r = PythonPeer.kombuClient("celery", "fanout", "--dest", nodeName, "--timeout", "5",
                "--args", "{\"from_node\": \"celery@elsewhere\", \"revoked\": {}}", "call", "hello");

        Map<String, Object> reply = r.replies().get(0);
        assertThat(reply).containsOnlyKeys(nodeName);
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) reply.get(nodeName);
        assertThat(value).containsOnlyKeys("revoked", "clock").containsEntry("revoked", Map.of());
        assertThat(value.get("clock")).isInstanceOf(Integer.class);
    }

    @Test
    void javaNodeAnswersItsOwnHelloWithNull() {
        PythonPeer.KombuResult r = PythonPeer.kombuClient("celery", "fanout", "--dest", nodeName, "--timeout", "5",
                "--args", "{\"from_node\": \"" + nodeName + "\", \"revoked\": {}}", "call", "hello");

        assertThat(r.json).isEqualTo("[{\"" + nodeName + "\": null}]");
    }

    @Test
    void celeryInspectForAnAbsentNodeSaysNoNodeReplied() {
        PythonPeer.Finished f = PythonPeer.celery(CLI_TIMEOUT, "inspect", "ping", "-d", "nobody-" + nodeName);

        assertThat(f.exitCode).as("EX_UNAVAILABLE").isEqualTo(69);
        assertThat(f.plainOutput()).contains("No nodes replied within time constraint");
    }
}
