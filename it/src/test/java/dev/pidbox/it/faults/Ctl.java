package dev.pidbox.it.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** {@code rabbitmqctl} for the fault, scale-out and hostile-input tests (the broker runs on this machine). */
public final class Ctl {
    private Ctl() {
    }

    /** Runs {@code rabbitmqctl -q ARGS} and returns its result; never throws for a non-zero exit. */
    public static TargetJvm.Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("rabbitmqctl");
        cmd.add("-q");
        cmd.addAll(Arrays.asList(args));
        return TargetJvm.run(Duration.ofSeconds(120), cmd);
    }

    /** Runs {@code rabbitmqctl -q ARGS} and fails unless it exits 0. */
    public static TargetJvm.Result ok(String... args) throws Exception {
        TargetJvm.Result r = run(args);
        if (r.exitCode != 0) {
            throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + r);
        }
        return r;
    }

    /** Queue names of the default vhost, as the broker (node {@code node}, or the default one when null) lists them. */
    public static List<String> queueNames(String node) throws Exception {
        TargetJvm.Result r = node == null ? ok("list_queues", "name") : ok("-n", node, "list_queues", "name");
        return Arrays.stream(r.out.split("\n")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    /** Deletes the two exchanges of a {@code pbt-} test namespace (pidbox peers never delete them). */
    public static void deleteExchangesOf(String namespace) {
        if (namespace == null || !namespace.startsWith("pbt-")) {
            throw new IllegalArgumentException("not a test namespace: " + namespace);
        }
        try (Connection c = RabbitMQ.connect("pbt-teardown"); Channel ch = c.createChannel()) {
            ch.exchangeDelete(namespace + ".pidbox");
            ch.exchangeDelete("reply." + namespace + ".pidbox");
        } catch (Exception e) {
            System.err.println("could not delete the exchanges of " + namespace + ": " + e);
        }
    }

    /** The path to the java launcher of the test JVM. */
    public static String java() {
        return TargetJvm.currentJavaHome().resolve("bin/java").toString();
    }
}
