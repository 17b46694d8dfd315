package dev.pidbox.it.console;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's fleet: {@link ShopApp} JVMs with the shipped agent attached at start, each with tags, in a namespace
 * of their own, and one real Celery worker ({@code pbt_celery_app}, Debian's Celery) whose control exchange is a
 * second namespace of its own, so that no other test's nodes appear. {@link #close()} stops them all and deletes the
 * worker's task queue.
 */
final class Fleet implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("(\\S+@\\S+) ready\\.");

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String namespace = RabbitMQ.uniqueNamespace("console");
    final String celeryNamespace = RabbitMQ.uniqueNamespace("console-celery");
    /** Node name -> its JVM, in start order. */
    final Map<String, TargetJvm> jvms = new LinkedHashMap<>();
    /** Node name -> its tags. */
    final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
    private final String taskQueue = "pbt-console-tasks-" + suffix;
    private Process worker;
    private Path workerLog;
    String workerName;

    /**
     * Starts a JVM on {@code javaHome} whose node is {@code app.SUFFIX@pbt}, tagged {@code env} and {@code team}. Its
     * policy allows {@code set_logger} and {@code reload} besides the read handlers, and its reload file sets a
     * property the JVM does not have yet.
     */
    String startJvm(Path javaHome, String app, String env, String team) throws IOException, InterruptedException {
        String node = app + "." + suffix + "@pbt";
        Path policy = Files.createTempFile("pbt-console-policy-", ".properties");
        Files.writeString(policy, "allow = set_logger; reload\n");
        policy.toFile().deleteOnExit();
        Path reload = Files.createTempFile("pbt-console-reload-", ".properties");
        Files.writeString(reload, "shop.checkout.enabled=true\nshop.team=" + team + "\n");
        reload.toFile().deleteOnExit();
        String agentArgs = "broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + node + ",tags=env=" + env
                + ";team=" + team + ",policy=" + policy + ",reload-file=" + reload;
        TargetJvm jvm = TargetJvm.start(javaHome, TargetJvm.testClasspath(),
                List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs), ShopApp.class.getName());
        jvms.put(node, jvm);
        tags.put(node, Map.of("env", env, "team", team));
        jvm.awaitReady();
        return node;
    }

    /** Starts the Celery worker with the control exchange {@link #celeryNamespace}; returns its node name. */
    String startCeleryWorker() throws IOException, InterruptedException {
        String code = "import sys, pbt_celery_app as m\n"
                + "m.app.conf.control_exchange = sys.argv[1]\n"
                + "m.app.worker_main(['worker', '--pool=solo', '-n', sys.argv[2], '--without-gossip',"
                + " '--without-heartbeat', '--without-mingle', '--loglevel=INFO'])\n";
        workerLog = Files.createTempFile("pbt-console-celery-", ".log");
        ProcessBuilder pb = new ProcessBuilder(Python.executable(), "-c", code, celeryNamespace,
                "pbt-celery-" + suffix + "@%h").directory(scripts().toFile()).redirectErrorStream(true)
                .redirectOutput(workerLog.toFile());
        pb.environment().put("PBT_BROKER", RabbitMQ.uri());
        pb.environment().put("PBT_TASK_QUEUE", taskQueue);
        pb.environment().put("PYTHONPATH", scripts().toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        worker = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = READY.matcher(workerOutput());
            if (m.find()) {
                workerName = m.group(1);
                return workerName;
            }
            if (!worker.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the Celery worker did not get ready; output:\n" + workerOutput());
    }

    long workerPid() {
        return worker.pid();
    }

    String workerOutput() {
        try {
            return Files.readString(workerLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable " + workerLog + ": " + e + ">";
        }
    }

    /** The Python peer scripts, {@code it/src/test/python}. */
    static Path scripts() {
        Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "python").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("pbt_celery_app.py"))) {
            throw new IllegalStateException("no pbt_celery_app.py in " + dir);
        }
        return dir;
    }

    List<String> javaNodes() {
        return new ArrayList<>(jvms.keySet());
    }

    @Override
    public void close() throws IOException, TimeoutException {
        jvms.values().forEach(TargetJvm::close);
        if (worker != null) {
            worker.destroy();
            try {
                if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                    worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                worker.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (Connection c = RabbitMQ.connect("pbt-console-cleanup"); Channel ch = c.createChannel()) {
                ch.queueDelete(taskQueue);
                ch.exchangeDelete(taskQueue);
            }
        }
    }
}
