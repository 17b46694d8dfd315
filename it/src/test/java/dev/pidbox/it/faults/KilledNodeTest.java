package dev.pidbox.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node process killed with SIGKILL: the broker drops its queue within the queue's x-expires (10 s), and the
 * {@code pidbox} CLI then reports the node missing with exit code 3.
 */
@RabbitMQ.Required
class KilledNodeTest {
    private static final Duration X_EXPIRES = Duration.ofSeconds(10);

    static Path cliJar() {
        return TargetJvm.cliJar();
    }

    @Test
    void aKilledNodesQueueGoesWithinXExpiresAndTheCliReportsItMissing() throws Exception {
        String namespace = RabbitMQ.uniqueNamespace("killed");
        String node = "killed@it";
        String queue = node + "." + namespace + ".pidbox";
        try (Connection connection = RabbitMQ.connect("pidbox-it-killed");
                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                        List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace="
                                + namespace + ",node=" + node), "dev.pidbox.it.target.SleeperApp", "stdin")) {
            target.awaitReady();
            Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());
            assertThat(Ctl.queueNames(null)).contains(queue);

            ProcessHandle.of(target.pid()).orElseThrow().destroyForcibly();
            long killedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> !target.isAlive());

            await().atMost(X_EXPIRES).pollInterval(Duration.ofMillis(250)).until(() -> !Ctl.queueNames(null).contains(queue));
            long goneMs = (System.nanoTime() - killedAt) / 1_000_000;

            CallResult lib = mailbox.call(List.of(node), "ping", Map.of(), Duration.ofSeconds(2));
            assertThat(lib.missing()).containsExactly(node);

            assertThat(cliJar()).as("the CLI jar (build client first)").exists();
            TargetJvm.Result cli = TargetJvm.run(Duration.ofSeconds(60), List.of(Ctl.java(), "-jar", cliJar().toString(),
                    "call", "ping", "--to", node, "--timeout", "2s", "--namespace", namespace, "--broker", RabbitMQ.uri()));
            System.err.printf("killed node: queue gone %d ms after SIGKILL (x-expires %d s); CLI: %s%n", goneMs,
                    X_EXPIRES.toSeconds(), cli);
            assertThat(cli.exitCode).as(cli.toString()).isEqualTo(3);
            assertThat(cli.out + cli.err).contains(node).containsIgnoringCase("missing");
            mailbox.close();
        } finally {
            Ctl.deleteExchangesOf(namespace);
        }
    }
}
