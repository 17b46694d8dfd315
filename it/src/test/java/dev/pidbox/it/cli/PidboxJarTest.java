package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.Brokers;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code client/cli/target/pidbox.jar}, run as {@code java -jar}, against RabbitMQ and two child JVMs
 * with the agent attached at start ({@code -javaagent}), one tagged env=prod and one env=dev.
 */
@RabbitMQ.Required
class PidboxJarTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String PROD = "sleeper-prod." + SUFFIX + "@pbt";
    private static final String DEV = "sleeper-dev." + SUFFIX + "@pbt";
    private static final List<TargetJvm> targets = new ArrayList<>();
    private static String namespace;

    static Path jar() {
        Path jar = TargetJvm.cliJar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("pidbox.jar missing at " + jar + ": build with ./mvnw -B verify");
        }
        return jar;
    }

    @BeforeAll
    static void startTwoJvmsWithTheAgent() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("cli-jar");
        for (String[] node : new String[][] {{PROD, "env=prod"}, {DEV, "env=dev"}}) {
            String agentArgs = "broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + node[0]
                    + ",tags=" + node[1];
            targets.add(TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                    List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs),
                    "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> pidbox("ping", "--expect", "2", "--timeout", "1s").exitCode == 0);
    }

    @AfterAll
    static void stopJvms() {
        targets.forEach(TargetJvm::close);
    }

    private static TargetJvm.Result pidbox(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TargetJvm.currentJavaHome().resolve("bin/java").toString(),
                "-jar", jar().toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }

    @Test
    void pingShowsBothAttachedJvmsWithTheirRoundTripTimes() throws Exception {
        TargetJvm.Result r = pidbox("ping", "--expect", "2", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).containsPattern("\\Q" + PROD + "\\E\\s+\\d+\\s+\\{\"ok\":\"pong\"\\}")
                .containsPattern("\\Q" + DEV + "\\E\\s+\\d+\\s+\\{\"ok\":\"pong\"\\}");
        assertThat(r.err).as("no progress line when stderr is not a terminal").doesNotContain("replies 0/");
    }

    @Test
    void nodesShowsTheTagsTheAgentWasGiven() throws Exception {
        TargetJvm.Result r = pidbox("nodes", "--expect", "2", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).containsPattern("\\Q" + PROD + "\\E\\s+\\S+\\s+.+env=prod")
                .containsPattern("\\Q" + DEV + "\\E\\s+\\S+\\s+.+env=dev");
    }

    @Test
    void whereReachesOnlyTheProdJvmAndNdjsonLinesParse() throws Exception {
        TargetJvm.Result r = pidbox("-o", "ndjson", "memory", "--where", "env=prod", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        List<String> lines = r.out.lines().filter(l -> !l.isEmpty()).collect(Collectors.toList());
        assertThat(lines).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) JsonValues.decode(lines.get(0));
        assertThat(line).containsEntry("node", PROD).containsEntry("error", false);
        assertThat(line.get("value").toString()).contains("heap=");
    }

    @Test
    void threadsOfOneJvmShowsItsMainThread() throws Exception {
        TargetJvm.Result r = pidbox("threads", PROD, "--name", "main", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith(PROD + " (").contains("\"main\"").contains("SleeperApp");
    }

    @Test
    void groupByJavaVersionFoldsBothJvmsIntoOneRow() throws Exception {
        TargetJvm.Result r = pidbox("--group-by", "java_version", "nodes", "--expect", "2", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).containsPattern("\\Q" + System.getProperty("java.version") + "\\E\\s+2\\s+");
    }

    @Test
    void aMissingNodeExitsThree() throws Exception {
        TargetJvm.Result r = pidbox("call", "ping", "--to", PROD + ",nobody." + SUFFIX + "@pbt", "--timeout", "1s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out).contains("1 missing (nobody." + SUFFIX + "@pbt)");
    }

    @Test
    void aRolloutOfReloadThatTheAgentsPolicyRefusesStopsAtTheCanaryAndChangesNothing() throws Exception {
        TargetJvm.Result r = pidbox("reload", "--canary", "1", "--batch", "1", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.out).containsPattern("\\Q" + DEV + "\\E\\s+canary\\s+error\\s+forbidden: handler 'reload' is mutate")
                .containsPattern("\\Q" + PROD + "\\E\\s+-\\s+skipped\\s+not sent: rollout stopped")
                .contains("stopped after the canary step: 1 failure exceed --max-failures 0")
                .contains("changed: none; failed: " + DEV + "; not run: " + PROD);
    }

    @Test
    void aBrokerThatIsDownExitsFourAndSaysWhatToSet() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "amqp://guest:guest@127.0.0.1:" + port + "/";
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), List.of(
                TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar", jar().toString(), "--broker", uri,
                "ping"));

        assertThat(r.exitCode).as(r.toString()).isEqualTo(4);
        assertThat(r.err).contains("broker unreachable at " + Brokers.redact(uri)).contains("PIDBOX_BROKER");
    }

    @Test
    void aBadFlagExitsTwo() throws Exception {
        TargetJvm.Result r = pidbox("ping", "--bogus");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("Unknown option: '--bogus'");
    }
}
