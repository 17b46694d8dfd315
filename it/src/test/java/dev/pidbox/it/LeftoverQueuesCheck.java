package dev.pidbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole integration suite (its own Surefire execution): every queue a test made, all of
 * whose names hold {@code pbt-}, must be gone, as {@code rabbitmqctl list_queues} shows. Queues that
 * only expire (x-expires of 10 s, for example a kombu reply queue whose client died) get that long.
 */
@RabbitMQ.Required
class LeftoverQueuesCheck {
    private static List<String> testQueues() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl list_queues failed: " + out);
        }
        return Arrays.stream(out.split("\n")).map(String::trim).filter(n -> n.contains("pbt-"))
                .collect(Collectors.toList());
    }

    @Test
    void theSuiteLeavesNoQueueBehind() throws Exception {
        try {
            testQueues();
        } catch (IOException e) {
            boolean required = "1".equals(System.getenv("PIDBOX_REQUIRE_BROKER"));
            if (required) {
                throw e;
            }
            Assumptions.abort("rabbitmqctl is not available here (" + e.getMessage() + "); cannot list queues");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        List<String> left = testQueues();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            left = testQueues();
        }
        System.err.println("leftover check: " + left.size() + " test queues remain");
        assertThat(left).as("queues the test suite left behind").isEmpty();
    }
}
