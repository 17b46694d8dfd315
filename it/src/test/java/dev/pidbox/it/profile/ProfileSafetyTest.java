package dev.pidbox.it.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What keeps a profile safe for its host, against the shipped agent in child JVMs (longest profile 10 s): one at a
 * time, the maximum duration, a 10,000-frame recursion under the reply cap, detaching mid-profile leaving no JFR
 * recording, no file and no pidbox thread, and a JVM without JFR (the fallback, said in the reply).
 */
@RabbitMQ.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileSafetyTest {
    private static final String NODE = "safe@profile";
    /** The agent's reply cap (ReplyCap's default, 1 MiB). */
    private static final int CAP = 1024 * 1024;
    private Hosts hosts;
    private Connection connection;
    private Mailbox mailbox;
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeAll
    void start() throws Exception {
        hosts = new Hosts("profile-safe");
        hosts.start(TargetJvm.currentJavaHome(), NODE, "profile-max-ms=10000",
                "spin", "deep");
        connection = RabbitMQ.connect("pidbox-it-profile");
        mailbox = Mailbox.builder(hosts.namespace).build().bind(connection);
        hosts.awaitNodes(NODE);
    }

    @AfterAll
    void stop() throws Exception {
        background.shutdownNow();
        mailbox.close();
        connection.close();
        hosts.close();
    }

    private CallResult profile(String node, Map<String, ?> args) {
        return profile(node, args, Duration.ofSeconds(40));
    }

    private CallResult profile(String node, Map<String, ?> args, Duration timeout) {
        return mailbox.call(List.of(node), "profile", args, timeout);
    }

    @Test
    void aSecondProfileWhileOneRunsIsRefusedNamingTheFirst() throws Exception {
        // long enough to outlast the second command's JVM start on a loaded machine
        Future<CallResult> first = background.submit(() -> profile(NODE, Map.of("duration_ms", 8000)));
        Thread.sleep(1000);

        TargetJvm.Result second = hosts.cli("profile", "--timeout", "30s", "--to", NODE, "--duration", "1s");

        assertThat(second.exitCode).as("%s", second).isEqualTo(1);
        assertThat(second.out).contains("a profile is already running in this JVM (cpu for 8000 ms at a 20 ms interval");
        CallResult done = first.get();
        assertThat(done.byNode().get(NODE)).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) done.byNode().get(NODE)).get("source")).isEqualTo("jfr");
    }

    @Test
    void aDurationOverTheMaximumIsRefused() throws Exception {
        TargetJvm.Result r = hosts.cli("profile", "--timeout", "30s", "--to", NODE, "--duration", "11s");

        assertThat(r.exitCode).as("%s", r).isEqualTo(1);
        assertThat(r.out).contains("profile() argument 'duration_ms' must be in 100..10000 (the node's maximum, agent"
                + " option profile-max-ms), got 11000");
    }

    @Test
    void theReplyCapHoldsWithATenThousandFrameRecursion() throws Exception {
        // 16 threads 10,000 frames deep, each its own stack: 2048 frames of each do not fit in 1 MiB
        Map<?, ?> deepest = (Map<?, ?>) profile(NODE, Map.of("mode", "wall", "duration_ms", 500, "name", "hot-deep-*",
                "max_depth", 2048)).byNode().get(NODE);
        assertThat(JsonValues.encode(deepest).length).isLessThanOrEqualTo(CAP);
        assertThat(deepest.get("truncated")).as("%s", deepest).isEqualTo(true);
        Map<?, ?> truncation = (Map<?, ?>) deepest.get("truncation");
        assertThat(((Number) truncation.get("stacks_dropped")).longValue()).isPositive();
        assertThat(((Number) truncation.get("samples_dropped")).longValue()).isPositive();

        assertThat(((List<?>) deepest.get("stacks")).size() + ((Number) truncation.get("stacks_dropped")).longValue())
                .isEqualTo(16);

        Map<?, ?> cut = (Map<?, ?>) profile(NODE, Map.of("mode", "wall", "duration_ms", 500, "name", "hot-deep-*",
                "max_depth", 1000)).byNode().get(NODE);
        assertThat(cut.containsKey("truncated")).as("%s", cut.get("truncation")).isFalse();
        List<Object> stacks = new ArrayList<>((List<?>) cut.get("stacks"));
        assertThat(stacks).hasSize(16).allSatisfy(s -> {
            List<String> frames = ((List<?>) ((Map<?, ?>) s).get("frames")).stream().map(String::valueOf).toList();
            assertThat(frames).hasSize(1002);
            assertThat(frames.get(0)).isEqualTo("[truncated]");
            assertThat(frames.get(1001)).isEqualTo("[WAITING]");
            assertThat(frames.subList(1, 998)).allSatisfy(f -> assertThat(f).matches(".*HotSpotApp\\.down[AB]"));
        });
    }

    @Test
    void detachingDuringAProfileLeavesNoRecordingNoFileAndNoPidboxThread() throws Exception {
        String node = "detach@profile";
        TargetJvm target = hosts.start(TargetJvm.currentJavaHome(), node, "", "spin");
        hosts.awaitNodes(node);
        String pid = Long.toString(target.pid());
        Path bin = TargetJvm.currentJavaHome().resolve("bin");
        CompletableFuture<CallResult> running = CompletableFuture.supplyAsync(
                // a deadline a little past the duration: the detached node never answers, and the test waits for it
                () -> profile(node, Map.of("duration_ms", 8000), Duration.ofSeconds(12)), background);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(run(bin.resolve("jcmd").toString(), pid, "JFR.check").out).contains("pidbox profile cpu"));

        TargetJvm.Result detach = run(bin.resolve("java").toString(), "-jar", TargetJvm.agentJar().toString(),
                "detach", pid);

        assertThat(detach.exitCode).as("%s", detach).isZero();
        // the shared pidbox-timer thread ends 10 s after its last task (the profile's time limit, cancelled)
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TargetJvm.Result check = run(bin.resolve("jcmd").toString(), pid, "JFR.check");
            assertThat(check.out).doesNotContain("pidbox profile").contains("No available recordings");
            List<String> threads = run(bin.resolve("jcmd").toString(), pid, "Thread.print").out.lines()
                    .filter(l -> l.startsWith("\"")).toList();
            assertThat(threads).anyMatch(l -> l.startsWith("\"hot-spin\""))
                    .noneMatch(l -> l.contains("pidbox") || l.contains("AMQP Connection"));
        });
        assertThat(profileFiles()).isEmpty();
        // the recording's chunks in JFR's repository went with it
        String repository = run(bin.resolve("jcmd").toString(), pid, "VM.system_properties").out.lines()
                .filter(l -> l.startsWith("jdk.jfr.repository=")).map(l -> l.substring(l.indexOf('=') + 1))
                .findFirst().orElseThrow(() -> new AssertionError("JFR never made a repository in " + pid));
        try (Stream<Path> files = Files.list(Paths.get(repository))) {
            assertThat(files.toList()).as("files in JFR's repository %s", repository).isEmpty();
        }
        assertThat(running.get().missing()).containsExactly(node);
    }

    @Test
    void withoutJfrCpuFallsBackToThreadSamplingAndSaysSoAndAllocIsRefused() throws Exception {
        String node = "nojfr@profile";
        hosts.start(TargetJvm.currentJavaHome(), List.of("-XX:-FlightRecorder"), node, "", "spin");
        hosts.awaitNodes(node);

        Map<?, ?> cpu = (Map<?, ?>) profile(node, Map.of("duration_ms", 1500, "name", "hot-*")).byNode().get(node);

        assertThat(cpu.get("source")).as("%s", cpu).isEqualTo("threadmxbean");
        assertThat((String) cpu.get("fallback")).startsWith("JFR is disabled in this JVM (-XX:-FlightRecorder);"
                + " sampled with ThreadMXBean instead");
        List<Object> stacks = new ArrayList<>((List<?>) cpu.get("stacks"));
        assertThat(stacks).isNotEmpty();
        assertThat(String.valueOf(((Map<?, ?>) stacks.get(0)).get("frames")))
                .contains(HotSpotApp.class.getName() + ".spin");
        Object alloc = profile(node, Map.of("mode", "alloc", "duration_ms", 500)).byNode().get(node);
        assertThat(String.valueOf(alloc)).contains("an alloc profile needs the JFR allocation events: JFR is disabled"
                + " in this JVM (-XX:-FlightRecorder)");
    }

    private static TargetJvm.Result run(String... command) throws Exception {
        return TargetJvm.run(Duration.ofSeconds(30), List.of(command));
    }

    private static List<Path> profileFiles() throws IOException {
        try (Stream<Path> s = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("pidbox-profile-")).toList();
        }
    }
}
