package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.it.support.TcpGate;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A host JVM starts, runs and exits exactly as it would without the agent, whatever the broker or the
 * options do: bad options, a wrong URL, wrong credentials, a broker that is down and comes up later, a
 * broker restart, and a host that bundles conflicting versions of the agent's libraries.
 */
class AgentHostSafetyTest extends AgentTestBase {
    private TargetJvm startSleeper(String agentArgs, String... args) throws Exception {
        TargetJvm t = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs), SLEEPER, args);
        targets.add(t);
        return t.awaitReady();
    }

    private static boolean answers(String node, Duration timeout) {
        return !mailbox.call(List.of(node), "ping", Map.of(), timeout).replies().isEmpty();
    }

    private static List<String> agentLines(List<String> err) {
        return err.stream().filter(l -> l.startsWith("pidbox-agent:")).collect(Collectors.toList());
    }

    @Test
    void unknownOptionPrintsOneLineAndTheHostRunsToItsEnd() throws Exception {
        TargetJvm t = startSleeper("bogus=1", "1500");

        assertThat(t.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(t.out()).contains("DONE");
        assertThat(t.err()).hasSize(1);
        assertThat(t.err().get(0)).startsWith("pidbox-agent: invalid options, agent not started: unknown option 'bogus'");
    }

    @Test
    void malformedBrokerUrlPrintsOneLineAndTheHostRunsToItsEnd() throws Exception {
        TargetJvm t = startSleeper("broker=notascheme://what", "1500");

        assertThat(t.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(t.err()).hasSize(1);
        assertThat(t.err().get(0)).startsWith("pidbox-agent: invalid options").contains("invalid broker URI");
    }

    @Test
    void wrongCredentialsPrintOneLineAndTheHostRunsToItsEnd() throws Exception {
        String uri = RabbitMQ.uri().replace("guest:guest@", "guest:wrong@");
        TargetJvm t = startSleeper("broker=" + uri + ",namespace=" + namespace + ",node=badcreds@it", "3000");

        assertThat(t.awaitExit(Duration.ofSeconds(30))).isZero();
        assertThat(t.out()).contains("DONE");
        assertThat(agentLines(t.err())).hasSize(1);
        assertThat(agentLines(t.err()).get(0)).contains("refused").doesNotContain("wrong");
    }

    @Test
    void brokerDownAtStartDoesNotDelayTheHostAndTheNodeAppearsWhenItComesUp() throws Exception {
        try (TcpGate gate = TcpGate.closed("127.0.0.1", 5672)) {
            String uri = "amqp://guest:guest@127.0.0.1:" + gate.port() + "/";
            long start = System.nanoTime();
            TargetJvm t = startSleeper("broker=" + uri + ",namespace=" + namespace + ",node=late@it", "stdin");
            assertThat(agentLinesAwait(t)).singleElement().asString().contains("broker unreachable");
            assertThat(answers("late@it", Duration.ofMillis(500))).isFalse();

            gate.open();

            await().atMost(Duration.ofSeconds(30)).until(() -> answers("late@it", Duration.ofMillis(500)));
            t.closeStdin();
            assertThat(t.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @Test
    void aShortHostExitsOnTimeWhileTheBrokerIsDown() throws Exception {
        try (TcpGate gate = TcpGate.closed("127.0.0.1", 5672)) {
            String uri = "amqp://guest:guest@127.0.0.1:" + gate.port() + "/";
            long start = System.nanoTime();
            TargetJvm t = startSleeper("broker=" + uri + ",namespace=" + namespace + ",node=never@it", "1000");

            assertThat(t.awaitExit(Duration.ofSeconds(30))).isZero();

            assertThat(t.out()).contains("DONE");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    private static List<String> agentLinesAwait(TargetJvm t) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !agentLines(t.err()).isEmpty());
        return agentLines(t.err());
    }

    @Test
    void aHostWithConflictingJacksonAmqpClientAndSlf4jKeepsWorkingAndSoDoesTheAgent() throws Exception {
        String node = "conflict@it";
        String cp = TargetJvm.conflictClasspath() + File.pathSeparator + TargetJvm.testClasspath();
        TargetJvm t = TargetJvm.start(TargetJvm.currentJavaHome(), cp,
                List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                        + ",node=" + node), "dev.pidbox.it.target.ConflictApp",
                // amqp-client 4 reads a trailing "/" as the empty vhost; the host names "/" explicitly.
                RabbitMQ.uri().replaceAll("/$", "/%2f"), "6000");
        targets.add(t);
        t.awaitReady();

        await().atMost(Duration.ofSeconds(20)).until(() -> answers(node, Duration.ofMillis(500)));
        assertThat(mailbox.call(List.of(node), "memory", Map.of(), Duration.ofSeconds(10)).errors()).isEmpty();

        assertThat(t.awaitExit(Duration.ofSeconds(60))).isZero();
        assertThat(t.out()).contains("JACKSON 2.9.10-8", "AMQP 4.12.0");
        assertThat(t.out()).anyMatch(l -> l.startsWith("SLF4J org.slf4j.impl.SimpleLoggerFactory"));
        assertThat(t.out()).anyMatch(l -> l.startsWith("HOST-OK rounds="));
        assertThat(t.err()).anyMatch(l -> l.contains("round 0 ok"));
    }

    @Test
    void aHostThatEmbedsPidboxClientItselfCanStillTakeTheAgent() throws Exception {
        String node = "embedder@it";
        java.nio.file.Path clientJar = TargetJvm.cliJar();
        String cp = clientJar + File.pathSeparator + TargetJvm.testClasspath();
        TargetJvm t = TargetJvm.start(TargetJvm.currentJavaHome(), cp,
                List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                        + ",node=" + node), SLEEPER, "stdin");
        targets.add(t);
        t.awaitReady();

        await().atMost(Duration.ofSeconds(20)).until(() -> answers(node, Duration.ofMillis(500)));

        assertThat(mailbox.call(List.of(node), "memory", Map.of(), Duration.ofSeconds(10)).errors()).isEmpty();
        assertThat(agentLines(t.err())).isEmpty();
    }
}
