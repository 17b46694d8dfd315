package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real broker restarted under a running node ({@code rabbitmqctl stop_app} / {@code start_app}): the
 * node answers again within 10 s of the broker being back, without any help.
 */
@RabbitMQ.Required
class AgentBrokerRestartTest {
    private static void rabbitmqctl(String command) throws Exception {
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(120), List.of("rabbitmqctl", "-q", command));
        assertThat(r.exitCode).as("rabbitmqctl " + command + ": " + r).isZero();
    }

    @Test
    void aNodeAnswersAgainWithinTenSecondsOfABrokerRestart() throws Exception {
        String namespace = RabbitMQ.uniqueNamespace("restart");
        String node = "restart@it";
        try (Connection connection = RabbitMQ.connect("pidbox-it-restart");
                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                        List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace="
                                + namespace + ",node=" + node), "dev.pidbox.it.target.SleeperApp", "stdin")) {
            target.awaitReady();
            Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());

            try {
                rabbitmqctl("stop_app");
            } finally {
                rabbitmqctl("start_app");
                TargetJvm.run(Duration.ofSeconds(120), List.of("rabbitmqctl", "-q", "await_startup"));
            }
            long backAt = System.nanoTime();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());
            Duration took = Duration.ofNanos(System.nanoTime() - backAt);
            System.err.println("node answered again " + took.toMillis() + " ms after the broker was back");
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(target.isAlive()).isTrue();
            mailbox.close();
        }
    }
}
