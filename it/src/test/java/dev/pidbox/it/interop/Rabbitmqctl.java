package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.it.support.RabbitMQ;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The broker's own view of queues, from {@code rabbitmqctl list_queues} (RabbitMQ runs on this machine,
 * so this is what any peer, Python or Java, finds declared).
 */
final class Rabbitmqctl {
    private Rabbitmqctl() {
    }

    /** One queue as the broker reports it. */
    static final class QueueInfo {
        final String name;
        final boolean durable;
        final boolean autoDelete;
        final boolean exclusive;
        /** Argument name to value, e.g. {@code x-expires -> 10000}. */
        final Map<String, Object> arguments;
        /** Argument name to AMQP type as the broker stored it, e.g. {@code x-expires -> signedint}. */
        final Map<String, String> argumentTypes;

        QueueInfo(Map<String, Object> row) {
            this.name = (String) row.get("name");
            this.durable = Boolean.TRUE.equals(row.get("durable"));
            this.autoDelete = Boolean.TRUE.equals(row.get("auto_delete"));
            this.exclusive = Boolean.TRUE.equals(row.get("exclusive"));
            this.arguments = new LinkedHashMap<>();
            this.argumentTypes = new LinkedHashMap<>();
            Object args = row.get("arguments");
            if (args instanceof List) {
                for (Object triple : (List<?>) args) {
                    List<?> t = (List<?>) triple;
                    argumentTypes.put((String) t.get(0), String.valueOf(t.get(1)));
                    arguments.put((String) t.get(0), t.get(2));
                }
            }
        }

        @Override
        public String toString() {
            return name + " durable=" + durable + " auto_delete=" + autoDelete + " exclusive=" + exclusive + " " + arguments;
        }
    }

    /** Every queue of the default vhost. */
    static List<QueueInfo> listQueues() {
        try {
            Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name", "durable", "auto_delete",
                    "exclusive", "arguments", "--formatter", "json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("rabbitmqctl list_queues failed: " + new String(out, StandardCharsets.UTF_8));
            }
            List<Map<String, Object>> rows = PythonPeer.JSON.readValue(out, new TypeReference<List<Map<String, Object>>>() { });
            return rows.stream().map(QueueInfo::new).collect(Collectors.toList());
        } catch (IOException e) {
            throw new Missing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Thrown when there is no {@code rabbitmqctl} to run (the broker runs elsewhere). */
    static final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Missing(IOException cause) {
            super("rabbitmqctl is not available here (" + cause.getMessage() + "); cannot list queues", cause);
        }
    }

    private static boolean required() {
        return "1".equals(System.getenv("PIDBOX_REQUIRE_BROKER"));
    }

    /** Skips the calling test (fails it under PIDBOX_REQUIRE_BROKER=1) when rabbitmqctl cannot run here. */
    static void assumeAvailable() {
        try {
            listQueues();
        } catch (Missing e) {
            if (required()) {
                throw e;
            }
            System.err.println("SKIPPED: " + e.getMessage());
            Assumptions.abort(e.getMessage());
        }
    }

    static Optional<QueueInfo> queue(String name) {
        return listQueues().stream().filter(q -> q.name.equals(name)).findFirst();
    }

    /**
     * Waits (up to {@code timeout}) until no queue whose name contains one of {@code fragments} is left, and
     * fails with the leftovers otherwise. RabbitMQ deletes an auto-delete queue shortly after its last
     * consumer goes, so a short wait is normal.
     */
    static void assertNoQueueLeftContaining(Duration timeout, String... fragments) {
        try {
            listQueues();
        } catch (Missing e) {
            if (required()) {
                throw e;
            }
            System.err.println("leftover queues not checked: " + e.getMessage());
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<QueueInfo> left;
        do {
            left = listQueues().stream().filter(q -> containsAny(q.name, fragments)).collect(Collectors.toList());
            if (left.isEmpty()) {
                return;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("queues left behind (matching %s)", List.of(fragments)).isEmpty();
    }

    /**
     * Deletes the mailbox and reply exchanges of a test namespace ({@code NS.pidbox}, {@code reply.NS.pidbox}),
     * which pidbox peers never delete themselves. Only for {@code pbt-} namespaces, never Celery's.
     */
    static void deleteExchangesOf(String namespace) throws Exception {
        if (namespace == null || !namespace.startsWith("pbt-")) {
            throw new IllegalArgumentException("not a test namespace: " + namespace);
        }
        try (Connection c = RabbitMQ.connect("pbt-teardown"); Channel ch = c.createChannel()) {
            ch.exchangeDelete(namespace + ".pidbox");
            ch.exchangeDelete("reply." + namespace + ".pidbox");
        }
    }

    private static boolean containsAny(String name, String[] fragments) {
        for (String f : fragments) {
            if (name.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
