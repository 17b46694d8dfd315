package dev.pidbox.it.interop;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real Python child process (a kombu node, a kombu client, the Celery CLI or a Celery worker), run with
 * the interpreter that has Debian's kombu and Celery. Its stdout and stderr go to one log file that the
 * test reads; every wait has a timeout, and {@link #close()} ends the process: first by closing its stdin
 * (kombu_node.py stops cleanly on EOF), then SIGTERM ({@link Process#destroy()}), then SIGKILL.
 */
final class PythonPeer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final Process process;
    private final Path log;

    private PythonPeer(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
    }

    /** The directory of the Python peer scripts, {@code it/src/test/python}. */
    static Path scripts() {
        for (String base : new String[] {System.getProperty("basedir", "."), ".", "it"}) {
            Path dir = Path.of(base, "src", "test", "python").toAbsolutePath().normalize();
            if (Files.isRegularFile(dir.resolve("kombu_node.py"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find it/src/test/python/kombu_node.py from " + Path.of(".").toAbsolutePath());
    }

    /** The environment every peer gets: the broker, the scripts on PYTHONPATH, unbuffered output. */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PBT_BROKER", RabbitMQ.uri());
        env.put("PYTHONPATH", scripts().toString());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return env;
    }

    /** {@code Python.executable() args...}, started in the scripts directory. */
    static PythonPeer start(String label, List<String> args, Map<String, String> extraEnv) {
        List<String> command = new ArrayList<>();
        command.add(Python.executable());
        command.addAll(args);
        try {
            Path log = Files.createTempFile("pbt-" + label.replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command).directory(scripts().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(environment());
            pb.environment().putAll(extraEnv);
            return new PythonPeer(label, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /**
     * Starts {@code kombu_node.py} serving {@code nodes} in {@code namespace} and waits for its READY line.
     * Its node queues carry Celery's arguments, like a worker's.
     */
    static PythonPeer kombuNodes(String namespace, String type, String... nodes) {
        List<String> args = new ArrayList<>(List.of(scripts().resolve("kombu_node.py").toString(),
                "--broker", RabbitMQ.uri(), "--namespace", namespace, "--type", type, "--celery-queues"));
        args.addAll(List.of(nodes));
        PythonPeer peer = start("kombu-node", args, Map.of());
        try {
            peer.awaitLine(l -> l.equals("READY " + String.join(" ", nodes)), Duration.ofSeconds(20));
        } catch (AssertionError | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** The Celery CLI, {@code python3 -m celery -A pbt_celery_app args...}, run to its end. */
    static Finished celery(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("-m", "celery", "-A", "pbt_celery_app"));
        command.addAll(List.of(args));
        return run("celery " + String.join(" ", args), command, timeout);
    }

    /** {@code kombu_client.py} with {@code args}, run to its end; its last stdout line is kombu's result. */
    static KombuResult kombuClient(String namespace, String type, String... args) {
        List<String> command = new ArrayList<>(List.of(scripts().resolve("kombu_client.py").toString(),
                "--broker", RabbitMQ.uri(), "--namespace", namespace, "--type", type));
        command.addAll(List.of(args));
        Finished f = run("kombu-client", command, Duration.ofSeconds(30));
        if (f.exitCode != 0) {
            fail("kombu_client.py %s exited %d:%n%s", List.of(args), f.exitCode, f.output);
        }
        String[] lines = f.output.strip().split("\n");
        return new KombuResult(lines[lines.length - 1].strip(), f.output);
    }

    static Finished run(String label, List<String> args, Duration timeout) {
        try (PythonPeer peer = start(label, args, Map.of())) {
            peer.process.getOutputStream().close();
            if (!peer.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("%s did not finish within %s; output so far:%n%s", label, timeout, peer.output());
            }
            return new Finished(peer.process.exitValue(), peer.output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + label, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Everything the process printed so far (stdout and stderr). */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable log " + log + ": " + e + ">";
        }
    }

    List<String> lines() {
        return output().lines().collect(Collectors.toList());
    }

    /** Waits for a line matching {@code wanted}; fails with the output when it does not come or the process ends. */
    String awaitLine(Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> hit = lines().stream().filter(wanted).findFirst();
            if (hit.isPresent()) {
                return hit.get();
            }
            if (!process.isAlive()) {
                fail("%s exited (%d) before printing the expected line; output:%n%s", label, process.exitValue(), output());
            }
            if (System.nanoTime() > deadline) {
                fail("%s did not print the expected line within %s; output:%n%s", label, timeout, output());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code (SIGKILL after {@code grace}). */
    int terminate(Duration grace) {
        process.destroy();
        return awaitExit(grace);
    }

    private int awaitExit(Duration grace) {
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(label + " ignored SIGTERM for " + grace + "; killing it. Output:\n" + output());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Closes stdin (a clean stop for kombu_node.py), then SIGTERM, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
        } catch (IOException e) {
            // stdin already closed; fall through to SIGTERM
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        terminate(Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return label + " (pid " + process.pid() + ", log " + log + ")";
    }

    /** A finished process: exit code and output. */
    static final class Finished {
        final int exitCode;
        final String output;

        Finished(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        /** The output without ANSI colour codes. */
        String plainOutput() {
            return output.replaceAll("\u001B\\[[0-9;]*m", "");
        }
    }

    /** What a kombu Mailbox returned: the exact JSON line it printed and the decoded list. */
    static final class KombuResult {
        final String json;
        final String output;

        KombuResult(String json, String output) {
            this.json = json;
            this.output = output;
        }

        /** kombu's list of single-key {@code {node: reply}} objects. */
        List<Map<String, Object>> replies() {
            try {
                return JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() { });
            } catch (IOException e) {
                throw new AssertionError("kombu printed no JSON list: " + json + "\n" + output, e);
            }
        }

        /** The replies flattened to {@code {node: reply}}, as Celery's Inspect does. */
        Map<String, Object> byNode() {
            Map<String, Object> out = new HashMap<>();
            for (Map<String, Object> reply : replies()) {
                out.putAll(reply);
            }
            return out;
        }

        /** The node names in the replies, one per reply (duplicates kept). */
        List<String> nodes() {
            List<String> out = new ArrayList<>();
            for (Map<String, Object> reply : replies()) {
                out.addAll(reply.keySet());
            }
            return out;
        }

        @Override
        public String toString() {
            return json;
        }
    }
}
