package dev.pidbox.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar client/cli/target/pidbox.jar demo} on the embedded broker: no RabbitMQ needed. Runs the real
 * jar once as a process and checks what each step printed, its exit code, and that it left no process behind.
 */
class DemoSmokeTest {
    private static final Path PIDBOX_JAR = TargetJvm.cliJar();
    private static final Path AGENT_JAR = Paths.get("..", "agent", "target", "pidbox-agent.jar").toAbsolutePath().normalize();

    private static Path home;
    private static Path tmp;
    private static int exitCode;
    private static String stdout;
    private static String stderr;
    private static long millis;
    private static Set<Long> childrenAfter;
    private static List<Long> samplePids;

    @BeforeAll
    static void runTheDemo() throws Exception {
        assertThat(PIDBOX_JAR).as("build it first: mvn -B -pl client -am install -DskipTests").isRegularFile();
        assertThat(AGENT_JAR).as("build it first: mvn -B -pl agent -am install -DskipTests").isRegularFile();
        home = Files.createTempDirectory("pidbox-demo-home-");
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        tmp = Files.createDirectory(home.resolve("tmp"));
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp, "-jar", PIDBOX_JAR.toString(), "demo")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // The embedded broker, whatever this machine's configuration says.
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_"));
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the demo ends within 60 s").isTrue();
        } finally {
            childrenAfter = p.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        exitCode = p.exitValue();
        stdout = Files.readString(out, StandardCharsets.UTF_8);
        stderr = Files.readString(err, StandardCharsets.UTF_8);
        System.out.println("demo took " + millis + " ms, exit " + exitCode + "\n" + stdout + stderr);
        Matcher m = Pattern.compile("pids (\\d+), (\\d+)").matcher(stdout);
        samplePids = m.find() ? List.of(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))) : List.of();
    }

    @AfterAll
    static void deleteHome() throws IOException {
        if (home != null) {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }

    @Test
    void theDemoSucceedsOnTheEmbeddedBrokerWellUnderThirtySeconds() {
        assertThat(exitCode).as("exit code; stderr: %s", stderr).isZero();
        assertThat(stdout).contains("Started the embedded broker");
        assertThat(stdout).containsPattern("at amqp://guest:guest@127\\.0\\.0\\.1:\\d+/");
        assertThat(millis).isLessThan(30_000);
        assertThat(stderr).doesNotContain("Exception");
    }

    @Test
    void pingIsAnsweredWithARoundTripTime() {
        assertThat(stdout).contains("== ping:");
        assertThat(stdout).containsPattern("sample-a\\.\\d+@pidbox-demo: \\{ok: pong\\} in \\d+ ms");
    }

    @Test
    void threadsShowTheSampleAppsWorkersWithTheirStates() {
        assertThat(stdout).contains("== threads:");
        assertThat(stdout).containsPattern("\"demo-worker-compute\" #\\d+ prio=\\d+.*\\n\\s+java\\.lang\\.Thread\\.State: "
                + "(RUNNABLE|TIMED_WAITING|WAITING|BLOCKED)");
        assertThat(stdout).contains("demo-worker-queue");
    }

    @Test
    void memoryShowsHeapUsedAndMax() {
        assertThat(stdout).contains("== memory:");
        assertThat(stdout).containsPattern("heap\\s+\\d+\\.\\dMiB\\s+\\S+\\s+64\\.0MiB");
    }

    @Test
    void reloadReportsTheChangedKey() {
        assertThat(stdout).contains("== reload:");
        assertThat(stdout).containsPattern("ok=true, changed keys \\[batch\\.size\\]");
    }

    @Test
    void oneMultiCallGathersBothNodes() {
        assertThat(stdout).contains("== multi-call:");
        assertThat(stdout).containsPattern("sample-a\\.\\d+@pidbox-demo\\s+pid \\d+\\s+java");
        assertThat(stdout).containsPattern("sample-b\\.\\d+@pidbox-demo\\s+pid \\d+\\s+java");
        assertThat(stdout).contains("2 nodes answered");
    }

    @Test
    void nothingIsLeftRunningAfterwards() {
        assertThat(childrenAfter).as("processes the demo left behind").isEmpty();
        assertThat(samplePids).hasSize(2);
        for (long pid : samplePids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("sample JVM %d alive", pid).isFalse();
        }
        assertThat(stdout).contains("sample JVMs stopped, embedded broker closed, temporary files deleted");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(Path::toString).collect(Collectors.toList())).as("temporary files left").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theStepsComeInOrderEachWithOneLineSayingWhatItShows() {
        List<String> headers = stdout.lines().filter(l -> l.startsWith("== ")).map(l -> l.substring(3, l.indexOf(':')))
                .collect(Collectors.toList());
        assertThat(headers).containsExactly("ping", "threads", "memory", "reload", "multi-call");
    }
}
