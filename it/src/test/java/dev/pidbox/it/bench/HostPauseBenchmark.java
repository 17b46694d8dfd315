package dev.pidbox.it.bench;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a thread question costs the host (issue 14): a JVM with {@code bench.farmThreads} (5,000) threads, each 40
 * frames deep, and a thread that sleeps 1 ms in a loop and records how late it wakes. For each request the worst
 * lateness during it is read back: {@code jcmd PID Thread.print} (the peer), pidbox's full {@code threads} dump,
 * {@code threads top=5} and {@code threads summary=true}, each first call measured on its own, then
 * {@code bench.pauseReps} rounds interleaved. Writes {@code it/target/host-pause.md}.
 */
@RabbitMQ.Required
class HostPauseBenchmark {
    static final int THREADS = Integer.getInteger("bench.farmThreads", 5000);
    static final int DEPTH = Integer.getInteger("bench.farmDepth", 40);
    static final int REPS = Integer.getInteger("bench.pauseReps", 5);
    /** The host's JDK ({@code -Dbench.hostJavaHome=/usr/lib/jvm/temurin-25-jdk-amd64}); its jcmd is the peer. */
    static final String HOST_JAVA_HOME = System.getProperty("bench.hostJavaHome", System.getProperty("java.home"));

    private final String namespace = "pbt-bench-pause-" + UUID.randomUUID().toString().substring(0, 6);
    private final String node = "farm@bench";
    private final List<String> lines = new ArrayList<>();

    @Test
    void hostPause() throws Exception {
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + node;
        List<String> cmd = List.of(Paths.get(HOST_JAVA_HOME, "bin", "java").toString(), agent,
                "-cp", TargetJvm.testClasspath(), ThreadFarmHost.class.getName(), Integer.toString(THREADS),
                Integer.toString(DEPTH));
        try (PidboxBenchmark.Proc host = new PidboxBenchmark.Proc("farm", new ProcessBuilder(cmd).start());
                Connection connection = RabbitMQ.connect("pidbox-bench-pause");
                Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection)) {
            host.await(l -> l.startsWith("READY"), Duration.ofSeconds(120));
            awaitNode(mailbox, node);
            OutputStream control = host.process.getOutputStream();
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("jcmd Thread.print", () -> jcmd(host.pid()));
            ops.put("pidbox threads (full dump)", () -> threads(mailbox, Map.of()));
            ops.put("pidbox threads fold=true (full dump)", () -> threads(mailbox, Map.of("fold", true)));
            ops.put("pidbox threads top=5", () -> threads(mailbox, Map.of("top", 5)));
            ops.put("pidbox threads summary=true", () -> threads(mailbox, Map.of("summary", true)));
            double idle = worstDuring(host, control, () -> Thread.sleep(2000));
            Map<String, List<Double>> worst = new LinkedHashMap<>();
            Map<String, List<Double>> took = new LinkedHashMap<>();
            ops.keySet().forEach(k -> {
                worst.put(k, new ArrayList<>());
                took.put(k, new ArrayList<>());
            });
            // First calls, each on its own: pidbox's handler has never run in this JVM, jcmd has never attached.
            Map<String, Double> first = new LinkedHashMap<>();
            for (String k : List.of("pidbox threads (full dump)", "jcmd Thread.print")) {
                long t0 = System.nanoTime();
                first.put(k, worstDuring(host, control, ops.get(k)));
                took.get(k).add((System.nanoTime() - t0) / 1e6);
            }
            for (int r = 0; r < REPS; r++) {
                for (Map.Entry<String, Op> e : ops.entrySet()) {
                    long t0 = System.nanoTime();
                    worst.get(e.getKey()).add(worstDuring(host, control, e.getValue()));
                    took.get(e.getKey()).add((System.nanoTime() - t0) / 1e6);
                }
            }
            report(idle, first, worst, took);
        }
    }

    interface Op {
        void run() throws Exception;
    }

    /** The host's worst 1 ms-sleep lateness (ms) while {@code op} ran, and 20 ms after. */
    private static double worstDuring(PidboxBenchmark.Proc host, OutputStream control, Op op) throws Exception {
        int before = host.lines.size();
        send(control, "reset");
        host.await(l -> host.lines.size() > before && host.lines.get(host.lines.size() - 1).equals("OK"),
                Duration.ofSeconds(10));
        op.run();
        Thread.sleep(20);
        int mark = host.lines.size();
        send(control, "max");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            for (int i = mark; i < host.lines.size(); i++) {
                if (host.lines.get(i).startsWith("MAX ")) {
                    return Long.parseLong(host.lines.get(i).substring(4).trim()) / 1000.0;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the host did not report its worst delay: " + host.lines + " " + host.errors);
    }

    private static void send(OutputStream control, String line) throws IOException {
        control.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        control.flush();
    }

    /** Waits (at most 60 s) until {@code node} answers ping through {@code mailbox}. */
    static void awaitNode(Mailbox mailbox, String node) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            CallResult r = mailbox.call(List.of(node), "ping", Map.of(), Duration.ofSeconds(1));
            if (!r.replies().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the agent's node " + node + " never answered");
    }

    private void threads(Mailbox mailbox, Map<String, Object> args) {
        CallResult r = mailbox.call(List.of(node), "threads", args, Duration.ofSeconds(120));
        if (r.replies().isEmpty() || r.replies().get(0).isError()) {
            throw new AssertionError("threads " + args + " failed: " + r);
        }
    }

    private static void jcmd(long pid) throws Exception {
        Path jcmd = Paths.get(HOST_JAVA_HOME, "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || out.length < THREADS * 100) {
            throw new AssertionError("jcmd Thread.print failed (exit " + (p.isAlive() ? "-" : p.exitValue()) + ", "
                    + out.length + " bytes)");
        }
    }

    private void report(double idle, Map<String, Double> first, Map<String, List<Double>> worst,
            Map<String, List<Double>> took) throws IOException {
        double jcmdFirst = first.get("jcmd Thread.print");
        double jcmdWorst = Math.max(jcmdFirst, Collections.max(worst.get("jcmd Thread.print")));
        row("| request | host's worst delay (ms) | jcmd Thread.print's (ms) | ratio | target | met | request took (ms) |");
        row("|---|---|---|---|---|---|---|");
        double pidboxFirst = first.get("pidbox threads (full dump)");
        row(line("full dump, first call", pidboxFirst, jcmdFirst, 1.0, took.get("pidbox threads (full dump)").get(0)));
        for (String k : worst.keySet()) {
            if (k.startsWith("jcmd")) {
                continue;
            }
            double target = k.endsWith("(full dump)") ? 1.0 : 0.25;
            boolean withFirst = k.equals("pidbox threads (full dump)");
            double w = Collections.max(worst.get(k));
            if (withFirst) {
                w = Math.max(w, pidboxFirst);
            }
            row(line(k.substring("pidbox ".length()) + ", worst of " + (withFirst ? "first + " : "") + REPS, w,
                    jcmdWorst, target, PidboxBenchmark.median(took.get(k))));
        }
        row("");
        row(String.format(Locale.ROOT, "Host: %d threads %d frames deep (half holding a monitor), JDK %s, default heap;"
                + " idle worst delay %.1f ms over 2 s; jcmd's worst is the worst of its first call and %d more (%.1f ms"
                + " first; each: %s ms)", THREADS, DEPTH, HOST_JAVA_HOME, idle, REPS, jcmdFirst,
                fmt(worst.get("jcmd Thread.print"))));
        for (String k : worst.keySet()) {
            row("- " + k + ": worst delay per call " + fmt(worst.get(k)) + " ms; took " + fmt(took.get(k)) + " ms");
        }
        Path out = Paths.get("target", "host-pause.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", lines) + "\n");
    }

    private static String line(String what, double ours, double peer, double target, double tookMs) {
        double ratio = ours / Math.max(0.001, peer);
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.3f | <= %.2f | %s | %.0f |", what, ours, peer, ratio,
                target, ratio <= target ? "yes" : "no", tookMs);
    }

    private void row(String line) {
        lines.add(line);
        System.out.println("PAUSE " + line);
    }

    private static String fmt(List<Double> values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(String.format(Locale.ROOT, "%.1f", v));
        }
        return String.join(", ", s);
    }
}
