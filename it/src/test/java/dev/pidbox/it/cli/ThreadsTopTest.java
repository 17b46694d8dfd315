package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pidbox threads --top N}, with the shipped CLI and agent, against a JVM whose busiest thread is known
 * ({@code busy-burner} in BusyApp.burn): it comes first, and no thread of pidbox's own is listed (pidbox's
 * handler thread, measuring, would otherwise be among the busiest), on Java 17 and 25.
 */
@RabbitMQ.Required
class ThreadsTopTest {
    static Stream<Path> javaHomes() {
        List<Path> homes = new ArrayList<>(List.of(TargetJvm.currentJavaHome()));
        if (Files.isDirectory(TargetJvm.JAVA_25)) {
            homes.add(TargetJvm.JAVA_25);
        }
        return homes.stream();
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void theKnownBusyThreadComesFirstAndNoPidboxThreadIsListed(Path javaHome) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(javaHome), "no JDK at " + javaHome);
        String namespace = RabbitMQ.uniqueNamespace("top");
        String node = "busy@threads-top";
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + node;
        try (TargetJvm app = TargetJvm.start(javaHome, TargetJvm.testClasspath(), List.of(agent),
                "dev.pidbox.it.target.BusyApp").awaitReady()) {
            Map<String, Object> doc = awaitJson(namespace, "threads", "--top", "3", "--to", node, "--timeout", "10s",
                    "-o", "json");
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = (Map<String, Object>) ((Map<String, Object>) doc.get("replies")).get(node);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> threads = (List<Map<String, Object>>) reply.get("threads");
            assertThat(threads).hasSize(3);
            assertThat(threads.get(0).get("name")).isEqualTo("busy-burner");
            assertThat(String.valueOf(threads.get(0).get("frames"))).contains("BusyApp.burn");
            assertThat(threads).extracting(t -> String.valueOf(t.get("name")))
                    .noneMatch(n -> n.startsWith("pidbox-") || n.startsWith("AMQP Connection"));
            assertThat(((Number) reply.get("own_threads")).intValue()).isPositive();

            // and as a person reads it: the ranked table's first row is the burner
            TargetJvm.Result text = TargetJvm.run(Duration.ofSeconds(60),
                    command(namespace, "threads", "--top", "3", "--to", node, "--timeout", "10s"));
            assertThat(text.exitCode).as("%s", text).isZero();
            List<String> lines = List.of(text.out.split("\n"));
            int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("NAME ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ranked table: " + text.out)));
            assertThat(lines.get(header + 1)).as("%s", text.out).startsWith("busy-burner ");
            assertThat(text.out).doesNotContain("\"pidbox-").doesNotContain("AMQP Connection")
                    .contains("BusyApp.burn").contains("pidbox threads left out");
        }
    }

    /** Runs the shipped CLI until the node (just started) answers, for up to 30 s. */
    static Map<String, Object> awaitJson(String namespace, String... args) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TargetJvm.Result last = null;
        while (System.nanoTime() < end) {
            last = TargetJvm.run(Duration.ofSeconds(60), command(namespace, args));
            if (last.exitCode == 0) {
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = (Map<String, Object>) JsonValues.decode(last.out);
                return doc;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("pidbox " + List.of(args) + " never succeeded: " + last);
    }

    static List<String> command(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of(TargetJvm.currentJavaHome().resolve("bin").resolve("java").toString(),
                "-jar", TargetJvm.cliJar().toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
