package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code pidbox top} from the shipped {@code pidbox.jar}, against three child JVMs with the agent attached at start,
 * in a namespace of this class's own: once through a pipe (plain snapshots), and once in a real pseudo-terminal made
 * by {@code script}, where a bash runs top and then {@code stty -a}, so that the test sees the screen, presses a sort
 * key, suspends top with Ctrl-Z and continues it, kills one JVM by its pid, sends Ctrl-C as the byte 0x03 through the
 * terminal, and reads the terminal's settings afterwards.
 */
@RabbitMQ.Required
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopPtyTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> NODES = List.of("top-a." + SUFFIX + "@pty", "top-b." + SUFFIX + "@pty",
            "top-c." + SUFFIX + "@pty");
    private static final List<TargetJvm> targets = new ArrayList<>();
    private static String namespace;

    @BeforeAll
    static void startThreeJvmsWithTheAgent() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("cli-top");
        for (String node : NODES) {
            String agentArgs = "broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + node;
            targets.add(TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                    List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs),
                    "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> pidbox("ping", "--expect", "3", "--timeout", "1s").exitCode == 0);
    }

    @AfterAll
    static void stopJvms() {
        targets.forEach(TargetJvm::close);
    }

    private static List<String> java() {
        return List.of(TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar",
                TargetJvm.cliJar().toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace);
    }

    private static TargetJvm.Result pidbox(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(java());
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }

    @Test
    @Order(0)
    @SuppressWarnings("unchecked")
    void onceAsJsonGivesEveryNodesVitalsFromItsOwnProcess() throws Exception {
        TargetJvm.Result r = pidbox("-o", "json", "top", "--once", "--to", String.join(",", NODES));

        assertThat(r.exitCode).as(r.toString()).isZero();
        Map<String, Object> doc = (Map<String, Object>) JsonValues.decode(r.out);
        assertThat(doc).containsEntry("namespace", namespace).containsEntry("answering", 3)
                .containsEntry("missing", List.of());
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) doc.get("nodes");
        assertThat(nodes).extracting(n -> n.get("node")).containsExactlyInAnyOrderElementsOf(NODES);
        for (Map<String, Object> n : nodes) {
            Map<String, Object> vitals = (Map<String, Object>) n.get("vitals");
            long pid = targets.get(NODES.indexOf((String) n.get("node"))).pid();
            assertThat(((Number) vitals.get("pid")).longValue()).as("pid of %s", n.get("node")).isEqualTo(pid);
            assertThat(n).containsEntry("status", "ok");
        }
    }

    @Test
    @Order(0)
    void onceWithANamedNodeThatDoesNotAnswerShowsItMissingAndExitsThree() throws Exception {
        String ghost = "ghost." + SUFFIX + "@pty";
        TargetJvm.Result r = pidbox("top", "--once", "--to", NODES.get(0) + "," + ghost);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out).contains("nodes 2: 1 answering, 1 missing")
                .containsPattern("\\Q" + ghost + "\\E.*missing since \\d\\d:\\d\\d:\\d\\d, never answered");
    }

    @Test
    @Order(1)
    void throughAPipeTopPrintsTwoPlainSnapshotsWithEveryNodeAndExits() throws Exception {
        TargetJvm.Result r = pidbox("top", "--count", "2", "--interval", "1s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).as("no escape sequence on a pipe").doesNotContain("\u001b");
        List<String> headers = r.out.lines().filter(l -> l.startsWith("pidbox top  ")).toList();
        assertThat(headers).hasSize(2).allSatisfy(h -> assertThat(h)
                .containsPattern("^pidbox top  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+  namespace "
                        + namespace + "  nodes 3: 3 answering, 0 missing  sort cpu  every 1s$"));
        assertThat(r.out).doesNotContain("keys:");
        for (String node : NODES) {
            assertThat(r.out.lines().filter(l -> l.startsWith(node + " "))).as(node).hasSize(2);
        }
        // the second snapshot has the rates of the interval: GC_MS and GC are numbers, not "-"
        String last = r.out.substring(r.out.lastIndexOf("pidbox top  "));
        assertThat(last.lines().filter(l -> l.startsWith("top-"))).allSatisfy(l -> assertThat(l)
                .matches("\\S+\\s+\\d+\\.\\d\\s+\\d+\\s+\\d+\\.\\d\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\d+\\.\\ds"));
    }

    @Test
    @Order(2)
    void onATerminalTopRedrawsSuspendsMarksAKilledJvmMissingAndCtrlCRestoresTheTerminal() throws Exception {
        String command = "stty rows 40 cols 200; " + String.join(" ", java().stream().map(TopPtyTest::quote).toList())
                + " top --interval 1s; echo TOP_EXIT=$?; stty -a";
        ProcessBuilder pb = new ProcessBuilder("script", "-q", "-f", "-e", "-c", command, "/dev/null");
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("SHELL", "/bin/bash");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().remove("NO_COLOR");
        pb.redirectErrorStream(true);
        Process script = pb.start();
        Screen screen = new Screen(script.getInputStream());
        try (OutputStream keyboard = script.getOutputStream()) {
            screen.await("every node on the screen", f -> NODES.stream().allMatch(f::contains)
                    && f.contains("nodes 3: 3 answering, 0 missing"));
            assertThat(screen.raw()).startsWith("\u001b[?1049h\u001b[?25l");

            keyboard.write('n');
            keyboard.flush();
            screen.await("the sort by name after the key n", f -> f.contains("sort name"));

            int mark = screen.raw().length();
            keyboard.write(0x1A);
            keyboard.flush();
            screen.awaitSince(mark, "Ctrl-Z hands the normal screen back", s -> s.contains("\u001b[?1049l"));
            long top = script.descendants().filter(p -> p.info().command().orElse("").endsWith("/java")
                    && p.info().commandLine().orElse("").contains("pidbox.jar")).findFirst().orElseThrow().pid();
            Awaitility.await("top stopped").atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(Paths.get("/proc/" + top + "/stat")).split("\\) ", 2)[1]
                            .startsWith("T"));
            // What fg does: continue the stopped job (every process of the terminal's session, to be sure).
            for (ProcessHandle p : script.descendants().toList()) {
                new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
            }
            screen.awaitSince(mark, "after fg top takes the screen again and redraws",
                    s -> s.contains("\u001b[?1049h") && s.indexOf("\u001b[J", s.indexOf("\u001b[?1049h") + 8) > 0);

            TargetJvm killed = targets.get(1);
            ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly();
            killed.awaitExit(Duration.ofSeconds(10));
            screen.await("the killed JVM marked missing", f -> f.contains("nodes 3: 2 answering, 1 missing")
                    && f.lines().anyMatch(l -> l.startsWith(NODES.get(1)) && l.contains("missing since")));

            keyboard.write(0x03);
            keyboard.flush();
            assertThat(script.waitFor(20, TimeUnit.SECONDS)).as("script ended; output:\n" + screen.raw()).isTrue();
        } finally {
            script.destroyForcibly();
        }
        screen.drain();
        String out = screen.raw();
        assertThat(out).contains("TOP_EXIT=0");
        String top = out.substring(0, out.indexOf("TOP_EXIT="));
        assertThat(top).as("top leaves with line wrap and the cursor back, then the normal screen")
                .endsWith("\u001b[?7h\u001b[?25h\u001b[?1049l");
        String stty = out.substring(out.indexOf("TOP_EXIT="));
        assertThat(stty).containsPattern("(?<![-\\w])icanon\\b").containsPattern("(?<![-\\w])echo\\b")
                .doesNotContain("-icanon").doesNotContain(" -echo ");
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** What the terminal received, read on a thread of its own. */
    static final class Screen {
        private final StringBuffer bytes = new StringBuffer();
        private final Thread reader;

        Screen(InputStream in) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        bytes.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // ended
                }
            }, "pty-screen");
            reader.setDaemon(true);
            reader.start();
        }

        String raw() {
            return bytes.toString();
        }

        /** The last frame drawn in full: from the last cursor-home to the clear-to-end that ends a frame. */
        String lastFrame() {
            String s = raw();
            int end = s.lastIndexOf("\u001b[J");
            int start = end < 0 ? -1 : s.lastIndexOf("\u001b[H", end);
            if (start < 0) {
                return "";
            }
            return s.substring(start + 3, end).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
        }

        void await(String what, Predicate<String> frame) {
            Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> frame.test(lastFrame()));
        }

        /** Waits until what arrived after the first {@code mark} characters satisfies {@code output}. */
        void awaitSince(int mark, String what, Predicate<String> output) {
            Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> output.test(raw().substring(mark)));
        }

        void drain() throws InterruptedException {
            reader.join(5000);
        }
    }
}
