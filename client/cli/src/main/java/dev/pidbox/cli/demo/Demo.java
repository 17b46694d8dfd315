package dev.pidbox.cli.demo;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Reply;
import dev.pidbox.broker.EmbeddedBroker;
import dev.pidbox.spi.Threads;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The one-command demo behind {@code pidbox demo}: starts the embedded broker (unless a broker URI is given),
 * launches two sample JVMs, attaches the agent to each as a user would ({@code java -jar pidbox-agent.jar attach
 * <pid> ...}), then shows ping, threads, memory, a reload and a multi-call through the library, and cleans up
 * everything, also on failure.
 */
public final class Demo {
    /** The namespace the sample nodes listen in. */
    public static final String NAMESPACE = "demo";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final long JVM_READY_SECONDS = 15;
    private static final long ATTACH_SECONDS = 25;

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param out where the demo's lines go
     * @param err where a failure is explained
     * @param brokerUriOrNull a broker to use, or null to start the embedded one on an ephemeral port
     * @param agentJarOrNull the agent jar, or null to look for it (env {@code PIDBOX_AGENT_JAR}, then
     *     {@code agent/target/pidbox-agent.jar} near the current directory or near this jar)
     * @param views how the threads and memory results are shown
     * @return 0 when every step worked, 1 on a failure, 2 when the agent jar is missing
     */
    public static int run(PrintWriter out, PrintWriter err, String brokerUriOrNull, Path agentJarOrNull,
            DemoViews views) {
        long started = System.nanoTime();
        Path agentJar;
        try {
            agentJar = findAgentJar(agentJarOrNull, System.getenv("PIDBOX_AGENT_JAR"), Paths.get("").toAbsolutePath(),
                    codeSource());
        } catch (IllegalArgumentException e) {
            err.println("pidbox demo: " + e.getMessage());
            err.flush();
            return 2;
        }
        List<Process> processes = new ArrayList<>();
        EmbeddedBroker broker = null;
        Path temp = null;
        Connection connection = null;
        Mailbox mailbox = null;
        boolean ok = false;
        try {
            String uri = brokerUriOrNull;
            if (uri == null) {
                broker = EmbeddedBroker.start("127.0.0.1", 0);
                uri = broker.uri();
                out.println("Started the embedded broker (Qpid Broker-J, in this process) at " + uri);
            } else {
                out.println("Using the broker at " + Brokers.redact(uri));
            }
            out.flush();
            connection = Brokers.connect(uri, "pidbox-demo");
            mailbox = Mailbox.builder(NAMESPACE).build().bind(connection);

            temp = Files.createTempDirectory("pidbox-demo-");
            Path props = temp.resolve("sample.properties");
            writeProperties(props, "100");
            // Nodes refuse mutate handlers unless a policy allows them; the demo allows just reload.
            Path policy = temp.resolve("policy.properties");
            Files.write(policy, "# written by pidbox demo\nallow = reload\n".getBytes(StandardCharsets.UTF_8));

            Process a = launchSample(temp, props, "a");
            processes.add(a);
            Process b = launchSample(temp, props, "b");
            processes.add(b);
            String nodeA = "sample-a." + a.pid() + "@pidbox-demo";
            String nodeB = "sample-b." + b.pid() + "@pidbox-demo";
            awaitReady(a, temp, "a");
            awaitReady(b, temp, "b");
            Process attachA = attach(agentJar, a.pid(), uri, props, policy, nodeA, temp, "a");
            processes.add(attachA);
            Process attachB = attach(agentJar, b.pid(), uri, props, policy, nodeB, temp, "b");
            processes.add(attachB);
            awaitAttached(attachA, temp, "a", a.pid());
            awaitAttached(attachB, temp, "b", b.pid());
            awaitListening(mailbox, nodeA);
            awaitListening(mailbox, nodeB);
            out.println("Launched two sample JVMs (pids " + a.pid() + ", " + b.pid() + ") and attached the agent to each:"
                    + " nodes " + nodeA + ", " + nodeB + " (policy: read handlers and reload)");
            out.println();
            out.flush();

            out.println("== ping: the attached node answers, with the round-trip time");
            Reply pong = call(mailbox, nodeA, "ping", Map.of()).replies().get(0);
            out.println("  " + nodeA + ": " + render(pong.value()) + " in " + pong.elapsed().toMillis() + " ms");
            out.println();
            out.flush();

            out.println("== threads: the sample's worker threads, as jstack lays them out (threads --name 'demo-worker-*')");
            out.print(indent(views.threads(call(mailbox, nodeA, "threads", Map.of("name", "demo-worker-*", "max_depth", 4)))));
            out.println();
            out.flush();

            out.println("== memory: heap, non-heap, pools, collectors and buffers (memory --node)");
            out.print(indent(views.memory(call(mailbox, nodeA, "memory", Map.of()))));
            out.println();
            out.flush();

            out.println("== reload: batch.size changed from 100 to 250 in " + props.getFileName()
                    + "; reload re-reads it and names the changed keys");
            writeProperties(props, "250");
            Map<String, Object> reload = map(call(mailbox, nodeA, "reload", Map.of()).replies().get(0).value());
            for (Object s : list(reload.get("steps"))) {
                Map<String, Object> step = map(s);
                if ("properties".equals(step.get("step"))) {
                    if ("error".equals(step.get("outcome"))) {
                        throw new IllegalStateException("reload failed: " + step.get("error"));
                    }
                    out.println("  " + nodeA + ": ok=" + reload.get("ok") + ", changed keys " + render(step.get("changed")));
                }
            }
            out.println();
            out.flush();

            out.println("== multi-call: one broadcast of runtime, gathered from both nodes");
            CallResult all = mailbox.multiCall("runtime", Map.of(), CALL_TIMEOUT, 2);
            for (Reply r : all.replies()) {
                if (r.isError()) {
                    throw new IllegalStateException(r.node() + " answered runtime with an error: " + r.error());
                }
                Map<String, Object> rt = map(r.value());
                out.println(String.format(Locale.ROOT, "  %-36s pid %-8s java %-10s up %s ms", r.node(), rt.get("pid"),
                        rt.get("java_version"), rt.get("uptime_ms")));
            }
            Set<String> expected = new LinkedHashSet<>(List.of(nodeA, nodeB));
            expected.removeAll(all.answered());
            if (!expected.isEmpty()) {
                throw new IllegalStateException("no multi-call reply from " + expected);
            }
            out.println("  " + all.replies().size() + " nodes answered in " + all.elapsed().toMillis() + " ms");
            out.println();
            out.flush();
            ok = true;
            return 0;
        } catch (RuntimeException | IOException e) {
            out.flush();
            err.println("pidbox demo failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            err.flush();
            return 1;
        } finally {
            if (mailbox != null) {
                try {
                    mailbox.close();
                } catch (RuntimeException ignored) {
                    // cleaning up
                }
            }
            if (connection != null) {
                try {
                    connection.close(2000);
                } catch (IOException | RuntimeException ignored) {
                    // cleaning up
                }
            }
            for (Process p : processes) {
                stop(p);
            }
            if (broker != null) {
                broker.close();
            }
            deleteTree(temp);
            if (ok) {
                out.println(String.format(Locale.ROOT, "Demo done in %.1f s; sample JVMs stopped%s, temporary files deleted.",
                        (System.nanoTime() - started) / 1e9, broker != null ? ", embedded broker closed" : ""));
                out.flush();
            }
        }
    }

    // ---------------------------------------------------------------- steps

    private static CallResult call(Mailbox mailbox, String node, String method, Map<String, ?> args) {
        CallResult r = mailbox.call(List.of(node), method, args, CALL_TIMEOUT);
        if (r.replies().isEmpty()) {
            throw new IllegalStateException(node + " did not answer " + method + " within " + CALL_TIMEOUT.toSeconds() + " s");
        }
        Reply reply = r.replies().get(0);
        if (reply.isError()) {
            throw new IllegalStateException(node + " answered " + method + " with an error: " + reply.error());
        }
        return r;
    }

    private static void writeProperties(Path file, String batchSize) throws IOException {
        String text = "# written by pidbox demo; reload re-reads it\n"
                + "greeting=hello\n"
                + "batch.size=" + batchSize + "\n";
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Process launchSample(Path temp, Path props, String tag) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Xmx64m");
        if (Runtime.version().feature() >= 21) {
            cmd.add("-XX:+EnableDynamicAgentLoading");
        }
        cmd.add("-cp");
        cmd.add(sampleClasses(temp).toString());
        cmd.add(SampleApp.class.getName());
        cmd.add(props.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(temp.resolve("sample-" + tag + ".err").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    private static void awaitReady(Process p, Path temp, String tag) throws IOException {
        CountDownLatch ready = new CountDownLatch(1);
        Threads.start("pidbox-demo-sample-" + tag + "-stdout", () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains(SampleApp.READY)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            if (!ready.await(JVM_READY_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("sample JVM " + tag + " did not start within " + JVM_READY_SECONDS + " s"
                        + tail(temp.resolve("sample-" + tag + ".err")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static Process attach(Path agentJar, long pid, String uri, Path props, Path policy, String node, Path temp,
            String tag) throws IOException {
        String options = "broker=" + uri + ",namespace=" + NAMESPACE + ",reload-file=" + props + ",policy=" + policy
                + ",node=" + node;
        ProcessBuilder pb = new ProcessBuilder(javaExecutable(), "-jar", agentJar.toString(), "attach",
                Long.toString(pid), options);
        pb.redirectErrorStream(true);
        pb.redirectOutput(temp.resolve("attach-" + tag + ".log").toFile());
        return pb.start();
    }

    private static void awaitAttached(Process attach, Path temp, String tag, long pid) {
        try {
            if (!attach.waitFor(ATTACH_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("attaching the agent to " + pid + " took longer than " + ATTACH_SECONDS + " s"
                        + tail(temp.resolve("attach-" + tag + ".log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        if (attach.exitValue() != 0) {
            throw new IllegalStateException("attaching the agent to " + pid + " failed (exit " + attach.exitValue() + ")"
                    + tail(temp.resolve("attach-" + tag + ".log")));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return last.isEmpty() ? "" : ": " + String.join(" | ", last).trim();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- locating things

    private static String javaExecutable() {
        Path bin = Paths.get(System.getProperty("java.home"), "bin");
        Path java = bin.resolve("java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        Path exe = bin.resolve("java.exe");
        return Files.isExecutable(exe) ? exe.toString() : "java";
    }

    /** The jar (or classes directory) this class was loaded from; null when unknown. */
    static Path codeSource() {
        try {
            CodeSource cs = Demo.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Paths.get(cs.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A class path holding only {@link SampleApp}, copied out of this jar: the sample must look like any
     * application, without pidbox's own classes (the agent brings its own).
     */
    private static synchronized Path sampleClasses(Path temp) throws IOException {
        Path root = temp.resolve("sample-classes");
        String resource = SampleApp.class.getName().replace('.', '/') + ".class";
        Path target = root.resolve(resource);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = SampleApp.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("cannot find " + resource + " on the class path");
                }
                Files.copy(in, target);
            }
        }
        return root;
    }

    /** Waits until {@code node} answers ping: the agent starts its node on its own thread after attach returns. */
    private static void awaitListening(Mailbox mailbox, String node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ATTACH_SECONDS);
        while (System.nanoTime() < deadline) {
            CallResult r = mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(300));
            if (!r.replies().isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("the agent was attached but node " + node + " did not answer ping within "
                + ATTACH_SECONDS + " s");
    }

    /**
     * Finds the agent jar: the argument, else {@code PIDBOX_AGENT_JAR}, else {@code agent/target/pidbox-agent.jar}
     * under the current directory or its parent, else relative to where this class was loaded from
     * ({@code client/cli/target/pidbox.jar} or {@code client/cli/target/classes}).
     *
     * @throws IllegalArgumentException naming what to build when none exists
     */
    static Path findAgentJar(Path argument, String env, Path cwd, Path codeSource) {
        if (argument != null) {
            if (!Files.isRegularFile(argument)) {
                throw new IllegalArgumentException("agent jar " + argument + " does not exist");
            }
            return argument;
        }
        if (env != null && !env.isEmpty()) {
            Path p = Paths.get(env);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("PIDBOX_AGENT_JAR names " + env + ", which does not exist");
            }
            return p;
        }
        Path rel = Paths.get("agent", "target", "pidbox-agent.jar");
        List<Path> candidates = new ArrayList<>();
        candidates.add(cwd.resolve(rel));
        if (cwd.getParent() != null) {
            candidates.add(cwd.getParent().resolve(rel));
        }
        if (codeSource != null) {
            // client/cli/target/pidbox.jar or client/cli/target/classes: the project root is three or four levels up
            for (Path up = codeSource.getParent(); up != null; up = up.getParent()) {
                candidates.add(up.resolve(rel));
                if (candidates.size() > 6) {
                    break;
                }
            }
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c.normalize();
            }
        }
        throw new IllegalArgumentException("the agent jar was not found (looked for " + cwd.resolve(rel).normalize()
                + " and next to " + (codeSource == null ? "this program" : codeSource) + "): build it with"
                + " `./mvnw -B -pl agent -am package -DskipTests`, or set PIDBOX_AGENT_JAR to its path");
    }

    // ---------------------------------------------------------------- rendering

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalStateException("unexpected reply: " + render(o));
        }
        return (Map<String, Object>) o;
    }

    private static List<?> list(Object o) {
        return o instanceof List ? (List<?>) o : List.of();
    }

    /** Every line of {@code text} indented by two spaces, as the demo's other steps are. */
    static String indent(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                sb.append("  ").append(line);
            }
            sb.append('\n');
        }
        return sb.toString().replaceAll("\n+$", "\n");
    }

    private static String render(Object o) {
        if (o instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(e.getKey()).append(": ").append(render(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (o instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            for (Object v : (List<?>) o) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(render(v));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(o);
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp directory
        }
    }
}
