package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.it.cli.Cli;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pidbox --namespace celery ping} and {@code stats} against a real Celery worker
 * ({@code python3 -m celery -A pbt_celery_app worker --pool=solo}), run in-process through picocli's writers.
 */
@RabbitMQ.Required
@Python.Required
class PidboxCliCeleryTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TASK_QUEUE = "pbt-celery-tasks-" + SUFFIX;
    private static String workerName;
    private static PythonPeer worker;

    @BeforeAll
    static void startWorker() {
        String host = PythonPeer.run("hostname", List.of("-c", "import socket; print(socket.gethostname())"),
                Duration.ofSeconds(30)).output.strip();
        workerName = "pbt-cli-worker-" + SUFFIX + "@" + host;
        worker = PythonPeer.start("celery-worker", List.of("-m", "celery", "-A", "pbt_celery_app", "worker",
                "--pool=solo", "-n", "pbt-cli-worker-" + SUFFIX + "@%h", "--without-gossip", "--without-heartbeat",
                "--without-mingle", "--loglevel=INFO"), Map.of("PBT_TASK_QUEUE", TASK_QUEUE));
        worker.awaitLine(l -> l.contains(workerName + " ready."), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopWorker() throws Exception {
        int exit = Integer.MIN_VALUE;
        try {
            if (worker != null) {
                exit = worker.terminate(Duration.ofSeconds(20));
            }
            try (Connection c = RabbitMQ.connect("pidbox-it-cli-celery-cleanup"); Channel ch = c.createChannel()) {
                ch.queueDelete(TASK_QUEUE);
                ch.exchangeDelete(TASK_QUEUE);
            }
        } finally {
            if (worker != null) {
                worker.close();
            }
        }
        assertThat(exit).as("worker exit status after SIGTERM").isZero();
        Rabbitmqctl.assertNoQueueLeftContaining(Duration.ofSeconds(15), SUFFIX);
    }

    @Test
    void pingInTheCeleryNamespaceShowsTheWorker() {
        Cli r = Cli.run("jvm", "--namespace", "celery", "ping", "--timeout", "2s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).containsPattern("\\Q" + workerName + "\\E\\s+\\d+\\s+\\{\"ok\":\"pong\"\\}");
    }

    @Test
    void statsShowsTheWorkersPidAndPool() {
        Cli r = Cli.run("celery", "-o", "json", "stats", "--to", workerName, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) ((Map<String, Object>) r.json().get("replies")).get(workerName);
        assertThat(((Number) stats.get("pid")).longValue()).isEqualTo(worker.pid());
        assertThat(stats).containsKeys("pool", "broker", "total", "uptime");
    }

    @Test
    void statsAsATableShowsTheWorkerInFull() {
        Cli r = Cli.run("celery", "stats", "--to", workerName, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith(workerName + " (").contains("\"pid\" : " + worker.pid())
                .contains("\"max-concurrency\" : 1");
    }

    @Test
    void aJavaOnlyCommandOnTheWorkerComesBackAsAKeyErrorWithExitOne() {
        Cli r = Cli.run("celery", "nodes", "--to", workerName, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.out).contains(workerName).contains("KeyError('runtime')");
    }

    @Test
    void whereNeverMatchesACeleryWorkerBecauseItHasNoTags() {
        Cli r = Cli.run("celery", "call", "ping", "--to", workerName, "--where", "env=prod", "--timeout", "3s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.err).contains("no node matches --where {env=prod} (kombu and Celery nodes have no tags)");
        assertThat(r.out).isEmpty();
    }
}
