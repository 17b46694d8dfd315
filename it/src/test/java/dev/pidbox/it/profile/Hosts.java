package dev.pidbox.it.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the profile tests share: child JVMs of {@link HotSpotApp} with the shipped agent in a namespace of the test's
 * own, the shipped CLI run against them, and reads of its {@code -o json} document. Closing ends every child.
 */
final class Hosts implements AutoCloseable {
    final String namespace;
    private final List<TargetJvm> started = new ArrayList<>();

    Hosts(String what) {
        this.namespace = RabbitMQ.uniqueNamespace(what);
    }

    static Stream<Path> javaHomes() {
        List<Path> homes = new ArrayList<>(List.of(TargetJvm.currentJavaHome()));
        if (Files.isDirectory(TargetJvm.JAVA_25)) {
            homes.add(TargetJvm.JAVA_25);
        } else {
            System.err.println("SKIPPED Java 25 targets: no JDK at " + TargetJvm.JAVA_25);
        }
        return homes.stream();
    }

    /** Starts a HotSpotApp running {@code hotSpots} as node {@code node}, with more agent options, and waits for READY. */
    TargetJvm start(Path javaHome, String node, String agentOptions, String... hotSpots) throws Exception {
        return start(javaHome, List.of(), node, agentOptions, hotSpots);
    }

    /** The same, with more JVM options before the agent's. */
    TargetJvm start(Path javaHome, List<String> jvmOptions, String node, String agentOptions, String... hotSpots)
            throws Exception {
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + node + (agentOptions.isEmpty() ? "" : "," + agentOptions);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(agent);
        TargetJvm t = TargetJvm.start(javaHome, TargetJvm.testClasspath(), options, HotSpotApp.class.getName(),
                hotSpots);
        started.add(t);
        return t.awaitReady();
    }

    /** Waits until every node answers ping through the shipped CLI. */
    void awaitNodes(String... nodes) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TargetJvm.Result last = null;
        while (System.nanoTime() < end) {
            last = cli("ping", "--to", String.join(",", nodes), "--timeout", "2s");
            if (last.exitCode == 0) {
                return;
            }
            Thread.sleep(300);
        }
        StringBuilder children = new StringBuilder();
        for (TargetJvm t : started) {
            children.append("\n").append(t.pid()).append(" stderr: ").append(t.err());
        }
        throw new AssertionError("nodes " + List.of(nodes) + " never answered: " + last + children);
    }

    TargetJvm.Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TargetJvm.currentJavaHome().resolve("bin").resolve("java").toString(),
                "-jar", TargetJvm.cliJar().toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(90), cmd);
    }

    /** The shipped CLI's {@code -o json} document; the command must succeed. */
    Map<String, Object> json(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-o", "json"));
        all.addAll(List.of(args));
        TargetJvm.Result r = cli(all.toArray(new String[0]));
        assertThat(r.exitCode).as("%s", r).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) JsonValues.decode(r.out);
        return doc;
    }

    /** The merged stacks of a profile document: frames and the counts per group. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> mergedStacks(Map<String, Object> doc) {
        return (List<Map<String, Object>>) ((Map<String, Object>) doc.get("profile")).get("stacks");
    }

    @SuppressWarnings("unchecked")
    static List<String> frames(Map<String, Object> stack) {
        return (List<String>) stack.get("frames");
    }

    static long count(Map<String, Object> stack, int group) {
        return ((Number) ((List<?>) stack.get("counts")).get(group)).longValue();
    }

    @Override
    public void close() {
        started.forEach(TargetJvm::close);
    }
}
