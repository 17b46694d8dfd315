package dev.pidbox.it.bench;

import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What an operator waits for a short command (issue 17): the wall-clock time from starting {@code pidbox ping
 * --timeout 100ms} to its exit, against {@code celery inspect ping --timeout 0.1} (Debian's Celery, run as
 * {@code python3 -m celery}), both on the same broker, taken in turn, {@code bench.cliRuns} (10) times each after two
 * warm-up rounds. pidbox runs four ways, one per change: {@code java -jar} of a build before this round
 * ({@code bench.cliBeforeJar}, when given), {@code java -jar pidbox.jar} (the quick start's way), the launcher with
 * its archive turned off ({@code PIDBOX_CDS=off}: C1 only, serial collector), and the launcher as shipped (its class
 * data sharing archive written by the first warm-up run, in a cache directory of the benchmark's own). Each run must
 * show it pinged (pidbox: its summary line; Celery: its replies or its "No nodes replied") or the row says invalid.
 * Writes {@code it/target/cli-start.md}.
 */
@RabbitMQ.Required
class CliStartBenchmark {
    static final int RUNS = Integer.getInteger("bench.cliRuns", 10);
    static final String BEFORE_JAR = System.getProperty("bench.cliBeforeJar");

    private final List<String> lines = new ArrayList<>();

    @Test
    void cliStart() throws Exception {
        Path java = TargetJvm.currentJavaHome().resolve("bin").resolve("java");
        Path jar = TargetJvm.cliJar().toAbsolutePath();
        Path launcher = jar.resolveSibling("pidbox");
        Path cache = Files.createDirectories(Paths.get("target", "cli-start-cache").toAbsolutePath());
        try (var old = Files.list(cache)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        String broker = RabbitMQ.uri();
        String namespace = RabbitMQ.uniqueNamespace("cli-start");
        List<String> pidboxArgs = List.of("--broker", broker, "--namespace", namespace, "ping", "--timeout", "100ms");
        Predicate<String> pinged = out -> out.contains("0 replies in ");
        Map<String, Variant> variants = new LinkedHashMap<>();
        if (BEFORE_JAR != null) {
            variants.put("java -jar, build before this round (" + BEFORE_JAR + ")",
                    new Variant(concat(List.of(java.toString(), "-jar", BEFORE_JAR), pidboxArgs), Map.of(), pinged));
        }
        variants.put("java -jar pidbox.jar", new Variant(concat(List.of(java.toString(), "-jar", jar.toString()),
                pidboxArgs), Map.of(), pinged));
        variants.put("launcher, PIDBOX_CDS=off", new Variant(concat(List.of(launcher.toString()), pidboxArgs),
                Map.of("PIDBOX_CDS", "off", "JAVA_HOME", TargetJvm.currentJavaHome().toString()), pinged));
        variants.put("launcher (class data sharing archive)", new Variant(concat(List.of(launcher.toString()),
                pidboxArgs), Map.of("PIDBOX_CACHE", cache.toString(), "JAVA_HOME",
                TargetJvm.currentJavaHome().toString()), pinged));
        String celery = "celery inspect ping --timeout 0.1";
        variants.put(celery, new Variant(List.of(Python.executable(), "-m", "celery", "-b", broker, "inspect", "ping",
                "--timeout", "0.1"), Map.of(), out -> out.contains("No nodes replied") || out.contains("pong")));

        for (int warm = 0; warm < 2; warm++) {
            for (Variant v : variants.values()) {
                v.run();
            }
        }
        variants.values().forEach(v -> {
            v.times.clear();
            v.failures = 0;
        });
        for (int i = 0; i < RUNS; i++) {
            for (Variant v : variants.values()) {
                v.run();
            }
        }
        report(variants, variants.get(celery));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static final class Variant {
        final List<String> command;
        final Map<String, String> env;
        final Predicate<String> ok;
        final List<Double> times = new ArrayList<>();
        int failures;
        String lastOutput = "";

        Variant(List<String> command, Map<String, String> env, Predicate<String> ok) {
            this.command = command;
            this.env = env;
            this.ok = ok;
        }

        void run() throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS"));
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish: " + command);
            }
            times.add((System.nanoTime() - t0) / 1e6);
            lastOutput = new String(out, StandardCharsets.UTF_8);
            if (!ok.test(lastOutput)) {
                failures++;
            }
        }
    }

    private void report(Map<String, Variant> variants, Variant celery) throws IOException {
        double peer = PidboxBenchmark.median(celery.times);
        row("| command | wall ms, median of " + RUNS + " (min-max) | ratio to celery | target | result |");
        row("|---|---|---|---|---|");
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            Variant v = e.getValue();
            double median = PidboxBenchmark.median(v.times);
            boolean shipped = e.getKey().startsWith("launcher (");
            String result = v.failures > 0 || celery.failures > 0
                    ? "invalid: " + (v.failures > 0 ? v.failures : celery.failures) + " runs did not ping: "
                            + (v.failures > 0 ? v : celery).lastOutput.replace('\n', ' ')
                    : v == celery ? "peer" : shipped ? (median <= peer ? "met" : "not met") : "-";
            row(String.format(Locale.ROOT, "| %s | %.0f (%.0f-%.0f) | %s | %s | %s |", e.getKey(), median,
                    v.times.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    v.times.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    v == celery ? "1" : PidboxBenchmark.ratio(median, peer), shipped ? "<= 1.00" : "-", result));
        }
        row("");
        row("JDK " + TargetJvm.currentJavaHome() + "; runs taken in turn, after 2 warm-up rounds; every command waits its"
                + " full 100 ms for replies from an empty namespace.");
        Files.writeString(Paths.get("target", "cli-start.md"), String.join("\n", lines) + "\n");
    }

    private void row(String line) {
        lines.add(line);
        System.out.println("CLI " + line);
    }
}
