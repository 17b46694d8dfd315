package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.LamportClock;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Request;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Celery 5.2 worker ({@code python3 -m celery -A pbt_celery_app worker --pool=solo}, with mingle)
 * and Java in Celery's namespace {@code celery}: a Java mailbox calls the worker, and a Java node that was
 * listening before the worker started answers the worker's mingle {@code hello}. The worker is started once
 * for the class.
 */
@RabbitMQ.Required
@Python.Required
class CeleryWorkerInteropTest {
    /** The Java node's clock starts here, far above a fresh worker's, so that mingle's effect shows. */
    private static final long JAVA_CLOCK_START = 5000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TASK_QUEUE = "pbt-celery-tasks-" + SUFFIX;
    private static final String JAVA_NODE = "pbt-java-" + SUFFIX + "@pbt-it";

    private static String workerName;
    private static Connection connection;
    private static Mailbox nodeMailbox;
    private static Mailbox mailbox;
    private static Node javaNode;
    private static final Queue<String> hellos = new ConcurrentLinkedQueue<>();
    private static PythonPeer worker;
    private static int workerExit = Integer.MIN_VALUE;

    @BeforeAll
    static void startJavaNodeThenWorker() {
        connection = RabbitMQ.connect("celery-worker");
        nodeMailbox = Mailbox.builder("celery").type(ExchangeType.FANOUT).clock(new LamportClock(JAVA_CLOCK_START))
                .build().bind(connection);
        javaNode = nodeMailbox.node(JAVA_NODE).handler(TestHandlers.ping()).handler(TestHandlers.hello(hellos))
                .handler(TestHandlers.clock()).build().listen();
        mailbox = Mailbox.builder("celery").type(ExchangeType.FANOUT).build().bind(connection);

        String host = PythonPeer.run("hostname", List.of("-c", "import socket; print(socket.gethostname())"),
                Duration.ofSeconds(30)).output.strip();
        workerName = "pbt-worker-" + SUFFIX + "@" + host;
        worker = PythonPeer.start("celery-worker", List.of("-m", "celery", "-A", "pbt_celery_app", "worker",
                "--pool=solo", "-n", "pbt-worker-" + SUFFIX + "@%h", "--without-gossip", "--without-heartbeat",
                "--loglevel=INFO"), Map.of("PBT_TASK_QUEUE", TASK_QUEUE));
        worker.awaitLine(l -> l.contains(workerName + " ready."), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopWorkerAndJavaNode() throws Exception {
        try {
            if (worker != null) {
                workerExit = worker.terminate(Duration.ofSeconds(20));
            }
            if (javaNode != null) {
                javaNode.close();
            }
            for (Mailbox m : new Mailbox[] {mailbox, nodeMailbox}) {
                if (m != null) {
                    m.close();
                }
            }
            if (connection != null) {
                try (Channel ch = connection.createChannel()) {
                    ch.queueDelete(TASK_QUEUE);
                    ch.exchangeDelete(TASK_QUEUE);
                }
                connection.close();
            }
        } finally {
            if (worker != null) {
                worker.close();
            }
        }
        assertThat(workerExit).as("worker exit status after SIGTERM; output:%n%s", worker == null ? "" : worker.output())
                .isZero();
        Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), SUFFIX);
    }

    @Test
    void javaCallToTheWorkerReturnsItsPong() {
        CallResult r = mailbox.call(List.of(workerName), "ping", Map.of(), WAIT);

        assertThat(r.asKombuList()).containsExactly(Map.of(workerName, Map.of("ok", "pong")));
        assertThat(r.deadlineReached()).isFalse();
    }

    @Test
    void javaCallToTheWorkerReturnsItsStats() {
        CallResult r = mailbox.call(List.of(workerName), "stats", Map.of(), WAIT);

        assertThat(r.byNode()).containsOnlyKeys(workerName);
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) r.byNode().get(workerName);
        assertThat(stats).containsKeys("pid", "clock", "pool", "broker", "prefetch_count", "rusage", "total", "uptime");
        assertThat(((Number) stats.get("pid")).longValue()).as("the worker process's pid").isEqualTo(worker.pid());
        assertThat(stats.get("clock")).as("Celery sends its clock as a string").asString().matches("\\d+");
        @SuppressWarnings("unchecked")
        Map<String, Object> pool = (Map<String, Object>) stats.get("pool");
        assertThat(pool).containsEntry("max-concurrency", 1);
    }

    @Test
    void theWorkerAnswersAnUnknownMethodWithAKeyError() {
        CallResult r = mailbox.call(List.of(workerName), "nosuch", Map.of(), WAIT);

        assertThat(r.byNode()).isEqualTo(Map.of(workerName, Map.of("error", "KeyError('nosuch')")));
    }

    @Test
    void javaMultiCallInTheCeleryNamespaceHearsTheWorkerAndTheJavaNode() {
        CallResult r = mailbox.call(Request.builder("ping").destination(List.of(workerName, JAVA_NODE))
                .timeout(WAIT).build(), null);

        assertThat(r.byNode()).isEqualTo(Map.of(workerName, Map.of("ok", "pong"), JAVA_NODE, Map.of("ok", "pong")));
    }

    @Test
    void javaNodeSawTheWorkersMingleHello() {
        assertThat(hellos).contains(workerName);
        assertThat(worker.output()).contains("mingle: sync with").contains("mingle: sync complete")
                .doesNotContain("mingle: all alone").doesNotContain("mingle: sync with " + JAVA_NODE + " failed");
    }

    @Test
    void theWorkerAdoptedTheJavaNodesClockDuringMingle() {
        CallResult r = mailbox.call(List.of(workerName), "clock", Map.of(), WAIT);

        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) r.byNode().get(workerName);
        assertThat(reply).containsOnlyKeys("clock");
        assertThat(((Number) reply.get("clock")).longValue()).as("worker's app clock after mingle")
                .isGreaterThan(JAVA_CLOCK_START);
    }
}
