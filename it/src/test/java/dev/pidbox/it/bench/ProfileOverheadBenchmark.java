package dev.pidbox.it.bench;

import com.rabbitmq.client.Connection;
import com.sun.tools.attach.VirtualMachine;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Reply;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What a {@code cpu} profile costs the host (issue 16): a JVM ({@link CpuWorkloadHost}) whose {@code bench.profileWorkers}
 * threads (default: one per core, so that any CPU the sampler takes is taken from the workload) do a fixed unit of
 * CPU work, with the shipped agent attached. In each of {@code bench.profileRounds} rounds it counts the units done
 * in a window of {@code bench.profileWindowMs} under four conditions, in an order that rotates from round to round:
 * nothing (the control), pidbox's {@code profile mode=cpu} at its default interval (20 ms), JFR's own
 * {@code jcmd PID JFR.start} (its default settings: execution samples every 20 ms and the other default events), and
 * async-profiler 4.1 ({@code event=cpu,interval=20ms}, loaded through the attach API). The figure is the throughput
 * while the sampler samples, as a ratio to the control window of the same round; the whole request (starting the
 * sampler, sampling, reading out) is reported too. On a shared machine other processes move the raw throughput by
 * more than the 3 % goal, so each window also reads the host's CPU clocks: the work done per second of the workers'
 * own CPU (what sampling costs the sampled code) and the CPU the host's other threads spent beyond the control's
 * over the whole request (the sampler, the read-out, the reply), which a saturated host takes from its workers. Their
 * product is the CPU-accounted estimate, and the verdict rests on it when the control windows differ by more than
 * {@link #NOISE}. Each sampler must show it sampled the workload, or its row says invalid. Writes
 * {@code it/target/profile-overhead.md}.
 */
@RabbitMQ.Required
class ProfileOverheadBenchmark {
    static final int WORKERS = Integer.getInteger("bench.profileWorkers", Runtime.getRuntime().availableProcessors());
    static final int ROUNDS = Integer.getInteger("bench.profileRounds", 5);
    static final long WINDOW_MS = Long.getLong("bench.profileWindowMs", 10_000);
    /** The host's JDK ({@code -Dbench.hostJavaHome=/usr/lib/jvm/temurin-25-jdk-amd64}); its jcmd starts JFR. */
    static final String HOST_JAVA_HOME = System.getProperty("bench.hostJavaHome", System.getProperty("java.home"));
    /** The goal: a profiled window does at least 97 % of the control's work. */
    static final double GOAL = 0.97;
    /** The most the control windows may differ (max - min over median) for a verdict on a 3 % goal. */
    static final double NOISE = 0.06;

    private static final String NONE = "unprofiled (control)";
    private static final String PIDBOX = "pidbox profile mode=cpu (20 ms)";
    private static final String JFR = "jcmd JFR.start (default settings)";
    private static final String ASYNC = "async-profiler 4.1 event=cpu interval=20ms";

    private final String namespace = "pbt-bench-profile-" + UUID.randomUUID().toString().substring(0, 6);
    private final String node = "work@bench";
    private final List<String> lines = new ArrayList<>();
    private final Path work = Paths.get("target", "profile-overhead").toAbsolutePath();
    private String asyncEngine;

    @Test
    void profileOverhead() throws Exception {
        Files.createDirectories(work);
        Path asyncLib = asyncProfilerLibrary();
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + node;
        List<String> cmd = List.of(Paths.get(HOST_JAVA_HOME, "bin", "java").toString(), agent,
                "-Xmx256m", "-cp", TargetJvm.testClasspath(),
                CpuWorkloadHost.class.getName(), Integer.toString(WORKERS));
        try (PidboxBenchmark.Proc host = new PidboxBenchmark.Proc("workload", new ProcessBuilder(cmd).start());
                Connection connection = RabbitMQ.connect("pidbox-bench-profile");
                Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection)) {
            host.await(l -> l.startsWith("READY"), Duration.ofSeconds(60));
            HostPauseBenchmark.awaitNode(mailbox, node);
            Map<String, Condition> conditions = new LinkedHashMap<>();
            conditions.put(NONE, () -> none(host));
            conditions.put(PIDBOX, () -> pidbox(host, mailbox));
            conditions.put(JFR, () -> jfr(host));
            if (asyncLib != null) {
                conditions.put(ASYNC, () -> async(host, asyncLib));
            }
            // Warm-up: JIT the workload, start JFR once (its first start initialises the recorder for everybody
            // after), load async-profiler once. Not counted.
            for (Condition c : conditions.values()) {
                c.run();
            }
            Map<String, List<Window>> results = new LinkedHashMap<>();
            conditions.keySet().forEach(k -> results.put(k, new ArrayList<>()));
            List<String> order = new ArrayList<>(conditions.keySet());
            for (int r = 0; r < ROUNDS; r++) {
                for (int i = 0; i < order.size(); i++) {
                    String k = order.get((r + i) % order.size());
                    results.get(k).add(conditions.get(k).run());
                }
            }
            report(results);
        }
    }

    /**
     * One measured window: the host's counters where the sampler sampled (from, to) and around the whole request
     * (start, end: starting the sampler, sampling, stopping it and reading out), and what proves it sampled.
     */
    static final class Window {
        final Count from;
        final Count to;
        final Count start;
        final Count end;
        final boolean sampled;
        final String evidence;

        Window(Count from, Count to, Count start, Count end, boolean sampled, String evidence) {
            this.from = from;
            this.to = to;
            this.start = start;
            this.end = end;
            this.sampled = sampled;
            this.evidence = evidence;
        }

        /** Units a second of wall-clock time while sampling. */
        double rate() {
            return to.rateSince(from);
        }

        /** Units a second of wall-clock time over the whole request. */
        double wholeRate() {
            return end.rateSince(start);
        }

        /** Units a second of the workers' own CPU while sampling: what the sampler costs the sampled code itself. */
        double perWorkerCpu() {
            return (to.units - from.units) * 1e9 / Math.max(1, to.workerCpu - from.workerCpu);
        }

        /** CPU (ns) the host's other threads used over the whole request, per second of it. */
        double otherCpuPerSecond() {
            long other = (end.processCpu - start.processCpu) - (end.workerCpu - start.workerCpu);
            return other * 1e9 / Math.max(1, end.nanos - start.nanos);
        }

        double wholeSeconds() {
            return (end.nanos - start.nanos) / 1e9;
        }

        double readoutMs() {
            return (end.nanos - to.nanos) / 1e6;
        }
    }

    interface Condition {
        Window run() throws Exception;
    }

    /** A reading of the host's counter: its clock and the units done so far. */
    static final class Count {
        final long nanos;
        final long units;
        final long workerCpu;
        final long processCpu;

        Count(long nanos, long units, long workerCpu, long processCpu) {
            this.nanos = nanos;
            this.units = units;
            this.workerCpu = workerCpu;
            this.processCpu = processCpu;
        }

        double rateSince(Count earlier) {
            return (units - earlier.units) * 1e9 / Math.max(1, nanos - earlier.nanos);
        }
    }

    private static Count count(PidboxBenchmark.Proc host) throws Exception {
        int mark = host.lines.size();
        OutputStream control = host.process.getOutputStream();
        control.write("count\n".getBytes(StandardCharsets.UTF_8));
        control.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            for (int i = mark; i < host.lines.size(); i++) {
                String l = host.lines.get(i);
                if (l.startsWith("COUNT ")) {
                    String[] p = l.split(" ");
                    return new Count(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
                            Long.parseLong(p[4]));
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the host did not report its count: " + host.errors);
    }

    private static Window none(PidboxBenchmark.Proc host) throws Exception {
        Count c0 = count(host);
        Thread.sleep(WINDOW_MS);
        Count c1 = count(host);
        return new Window(c0, c1, c0, c1, true, "");
    }

    private Window pidbox(PidboxBenchmark.Proc host, Mailbox mailbox) throws Exception {
        Map<String, Object> args = Map.of("mode", "cpu", "duration_ms", WINDOW_MS);
        Count c0 = count(host);
        CompletableFuture<CallResult> call = CompletableFuture.supplyAsync(
                () -> mailbox.call(List.of(node), "profile", args, Duration.ofMillis(WINDOW_MS + 60_000)));
        Thread.sleep(WINDOW_MS);
        Count c1 = count(host);
        CallResult result = call.get(WINDOW_MS + 70_000, TimeUnit.MILLISECONDS);
        Count c2 = count(host);
        if (result.replies().isEmpty() || result.replies().get(0).isError()) {
            return new Window(c0, c1, c0, c2, false, "no profile: " + result);
        }
        Reply reply = result.replies().get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) reply.value();
        long workSamples = workloadSamples(v);
        long samples = ((Number) v.get("samples")).longValue();
        // 20 ms per worker: at least a third of what a full window would give, and from JFR, not the fallback
        boolean sampled = "jfr".equals(v.get("source")) && workSamples >= WORKERS * WINDOW_MS / 20 / 3;
        return new Window(c0, c1, c0, c2, sampled, workSamples + " of " + samples
                + " samples in CpuWorkloadHost.work, source " + v.get("source"));
    }

    /** The samples whose stack passes through the workload's loop. */
    private static long workloadSamples(Map<String, Object> reply) {
        long n = 0;
        for (Object s : (List<?>) reply.get("stacks")) {
            Map<?, ?> stack = (Map<?, ?>) s;
            for (Object f : (List<?>) stack.get("frames")) {
                if (f.toString().endsWith("CpuWorkloadHost.work")) {
                    n += ((Number) stack.get("count")).longValue();
                    break;
                }
            }
        }
        return n;
    }

    private Window jfr(PidboxBenchmark.Proc host) throws Exception {
        Path file = work.resolve("jcmd-" + System.nanoTime() + ".jfr");
        String name = "bench" + System.nanoTime();
        Count c0 = count(host);
        TargetJvm.jcmd(Paths.get(HOST_JAVA_HOME), host.pid(), "JFR.start", "name=" + name);
        Count c1 = count(host);
        Thread.sleep(Math.max(0, WINDOW_MS - (c1.nanos - c0.nanos) / 1_000_000));
        Count c2 = count(host);
        TargetJvm.jcmd(Paths.get(HOST_JAVA_HOME), host.pid(), "JFR.stop", "name=" + name, "filename=" + file);
        Count c3 = count(host);
        long size = Files.exists(file) ? Files.size(file) : 0;
        Files.deleteIfExists(file);
        return new Window(c1, c2, c0, c3, size > 10_000, "recording of " + size + " bytes");
    }

    private Window async(PidboxBenchmark.Proc host, Path lib) throws Exception {
        Path file = work.resolve("async-" + System.nanoTime() + ".collapsed");
        Count c0 = count(host);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(host.pid()));
        try {
            if (asyncEngine == null) {
                asyncEngine = startAsync(vm, lib);
            } else {
                vm.loadAgentPath(lib.toString(), "start,event=" + asyncEngine + ",interval=20ms");
            }
            Count c1 = count(host);
            Thread.sleep(Math.max(0, WINDOW_MS - (c1.nanos - c0.nanos) / 1_000_000));
            Count c2 = count(host);
            vm.loadAgentPath(lib.toString(), "stop,file=" + file + ",collapsed");
            Count c3 = count(host);
            long work = 0;
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file)) {
                    if (l.contains("CpuWorkloadHost.work")) {
                        work += Long.parseLong(l.substring(l.lastIndexOf(' ') + 1));
                    }
                }
            }
            Files.deleteIfExists(file);
            return new Window(c1, c2, c0, c3, work >= WORKERS * WINDOW_MS / 20 / 3,
                    work + " samples in CpuWorkloadHost.work, engine " + asyncEngine);
        } finally {
            vm.detach();
        }
    }

    /** Starts async-profiler with perf events, or with its CPU timer where the kernel refuses them; the engine used. */
    private static String startAsync(VirtualMachine vm, Path lib) throws Exception {
        try {
            vm.loadAgentPath(lib.toString(), "start,event=cpu,interval=20ms");
            return "cpu";
        } catch (Exception e) {
            System.out.println("PROFILE async-profiler refused event=cpu (" + e + "); using event=ctimer");
            vm.loadAgentPath(lib.toString(), "start,event=ctimer,interval=20ms");
            return "ctimer";
        }
    }

    /** libasyncProfiler.so for linux-x64 out of the async-profiler jar the bench profile copies, or null. */
    private static Path asyncProfilerLibrary() throws IOException {
        Path libs = Paths.get("target", "bench-libs").toAbsolutePath();
        if (!System.getProperty("os.name").equals("Linux") || !System.getProperty("os.arch").equals("amd64")) {
            System.out.println("PROFILE no async-profiler row: its library here is for linux-x64 only");
            return null;
        }
        Path jar;
        try (var files = Files.list(libs)) {
            jar = files.filter(f -> f.getFileName().toString().startsWith("async-profiler")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no async-profiler jar in " + libs + ": run with -Pbench"));
        }
        Path lib = libs.resolve("libasyncProfiler.so");
        try (JarFile j = new JarFile(jar.toFile())) {
            ZipEntry e = j.getEntry("linux-x64/libasyncProfiler.so");
            try (InputStream in = j.getInputStream(e)) {
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return lib;
    }

    private void report(Map<String, List<Window>> results) throws IOException {
        List<Window> control = results.get(NONE);
        List<Double> controlRates = new ArrayList<>();
        control.forEach(w -> controlRates.add(w.rate()));
        double controlMedian = PidboxBenchmark.median(controlRates);
        double spread = (max(controlRates) - min(controlRates)) / controlMedian;
        int cores = Runtime.getRuntime().availableProcessors();
        row("| sampler | units/s while sampling (median) | throughput ratio to control, median (range) | whole request"
                + " | work per worker CPU-second, ratio | host's extra CPU over the request | estimated ratio on a"
                + " saturated host | read-out after the window (ms) | goal | result |");
        row("|---|---|---|---|---|---|---|---|---|---|");
        row(String.format(Locale.ROOT, "| %s | %.0f | 1 (control windows differ by %.1f %%) | - | 1 | 0 (its own: %.1f ms/s)"
                + " | 1 | - | - | - |", NONE, controlMedian, spread * 100,
                PidboxBenchmark.median(map(control, Window::otherCpuPerSecond)) / 1e6));
        for (Map.Entry<String, List<Window>> e : results.entrySet()) {
            if (e.getKey().equals(NONE)) {
                continue;
            }
            List<Double> ratios = new ArrayList<>();
            List<Double> wholeRatios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            List<Double> extraShares = new ArrayList<>();
            List<Double> estimates = new ArrayList<>();
            boolean valid = true;
            List<Window> ws = e.getValue();
            for (int i = 0; i < ws.size(); i++) {
                Window w = ws.get(i);
                Window c = control.get(i);
                // each window against the control window of the same round
                ratios.add(w.rate() / c.rate());
                wholeRatios.add(w.wholeRate() / c.rate());
                double cpuRatio = w.perWorkerCpu() / c.perWorkerCpu();
                cpuRatios.add(cpuRatio);
                // CPU the host's other threads spent beyond the control's, over the whole request, as a share of
                // the cores during the sampling window: what a saturated host loses to them
                double extra = (w.otherCpuPerSecond() - c.otherCpuPerSecond()) * w.wholeSeconds();
                double share = extra / ((w.to.nanos - w.from.nanos) * (double) cores);
                extraShares.add(share);
                estimates.add(cpuRatio * (1 - share));
                valid &= w.sampled;
            }
            double ratio = PidboxBenchmark.median(ratios);
            double estimate = PidboxBenchmark.median(estimates);
            boolean pidbox = e.getKey().equals(PIDBOX);
            String result;
            if (!valid) {
                result = "invalid: a window shows no sampling of the workload";
            } else if (!pidbox) {
                result = "peer";
            } else if (spread <= NOISE) {
                result = ratio >= GOAL ? "met" : "not met";
            } else {
                result = String.format(Locale.ROOT, "%s by the CPU-accounted estimate; the raw throughput is"
                        + " inconclusive (control windows differ by %.1f %%)", estimate >= GOAL ? "met" : "not met",
                        spread * 100);
            }
            row(String.format(Locale.ROOT, "| %s | %.0f | %.3f (%.3f-%.3f) | %.3f | %.4f | %.2f %% of the cores | %.3f"
                    + " | %s | %s | %s |", e.getKey(), PidboxBenchmark.median(map(ws, Window::rate)), ratio,
                    min(ratios), max(ratios), PidboxBenchmark.median(wholeRatios), PidboxBenchmark.median(cpuRatios),
                    PidboxBenchmark.median(extraShares) * 100, estimate, fmt(map(ws, Window::readoutMs)),
                    pidbox ? ">= 0.97" : "-", result));
        }
        row("");
        row(String.format(Locale.ROOT, "Host: CpuWorkloadHost with %d worker threads on %d cores, JDK %s, shipped agent"
                + " attached; %d rounds of %d ms windows, order rotating; async-profiler engine %s.", WORKERS,
                cores, HOST_JAVA_HOME, ROUNDS, WINDOW_MS, asyncEngine));
        for (Map.Entry<String, List<Window>> e : results.entrySet()) {
            List<String> each = new ArrayList<>();
            for (Window w : e.getValue()) {
                each.add(String.format(Locale.ROOT, "%.0f", w.rate()) + (w.evidence.isEmpty() ? "" : " [" + w.evidence
                        + "]"));
            }
            row("- " + e.getKey() + ": " + String.join("; ", each));
        }
        Files.writeString(work.resolveSibling("profile-overhead.md"), String.join("\n", lines) + "\n");
    }

    private static List<Double> map(List<Window> windows, ToDoubleFunction<Window> f) {
        List<Double> out = new ArrayList<>();
        for (Window w : windows) {
            out.add(f.applyAsDouble(w));
        }
        return out;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static String fmt(List<Double> values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(String.format(Locale.ROOT, "%.0f", v));
        }
        return String.join(", ", s);
    }

    private void row(String line) {
        lines.add(line);
        System.out.println("PROFILE " + line);
    }
}
