package dev.pidbox.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Request;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.it.support.TcpGate;
import dev.pidbox.it.support.TestNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two RabbitMQ nodes clustered on this machine: the one the suite uses (5672) and a second one started here
 * ({@code rabbit2}, AMQP 5673, distribution 25673, its own directories), as
 * /work/shared/notes/rabbitmq-cluster.md describe, with three changes this machine needs: the second node gets its
 * own rabbitmq.conf (the system one pins the listener to 5672) and an empty enabled_plugins file (the system one may
 * enable rabbitmq_management on 15672), and it joins the first node by its real name ({@code rabbitmqctl eval
 * 'node().'}, here rabbit@localhost from /etc/rabbitmq/rabbitmq-env.conf), not {@code rabbit@$(hostname)}.
 * A node on one broker node and a client on the other work
 * together; an agent node given both addresses moves to the survivor when its broker node stops. The second node
 * is stopped, reset out of the cluster and deleted afterwards, also when a test fails.
 */
@RabbitMQ.Required
class ClusterScaleOutTest {
    private static final String NODE2 = "rabbit2";
    private static final String URI1 = "amqp://guest:guest@127.0.0.1:5672/";
    private static final String URI2 = "amqp://guest:guest@127.0.0.1:5673/";
    private static Path dir;
    private static boolean started;
    private static String firstNode;
    private static final List<String> namespaces = new ArrayList<>();

    @BeforeAll
    static void startSecondBrokerNode() throws Exception {
        long t0 = System.nanoTime();
        firstNode = Ctl.ok("eval", "node().").out.trim();
        TargetJvm.Result already = Ctl.run("-n", NODE2, "status");
        if (already.exitCode == 0) {
            throw new IllegalStateException("a node " + NODE2 + " is already running here; not touching it");
        }
        dir = Files.createTempDirectory("pbt-rabbit2-");
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        // /etc/rabbitmq/rabbitmq.conf pins `listeners.tcp.local = 127.0.0.1:5672`, which wins over
        // RABBITMQ_NODE_PORT: without a config file of its own the second node dies with eaddrinuse on 5672.
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:5673\n");
        // Its own (empty) plugin list: /etc/rabbitmq/enabled_plugins may enable rabbitmq_management, whose listener
        // on 15672 is taken by the first node (the second then dies at boot with a rabbitmq_management bad_return).
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        TargetJvm.Result chown = TargetJvm.run(Duration.ofSeconds(30), List.of("chown", "-R", "rabbitmq:rabbitmq",
                dir.toString()));
        assertThat(chown.exitCode).as("chown: " + chown).isZero();

        ProcessBuilder pb = new ProcessBuilder("rabbitmq-server", "-detached");
        Map<String, String> env = pb.environment();
        env.put("RABBITMQ_NODENAME", NODE2);
        env.put("RABBITMQ_NODE_PORT", "5673");
        env.put("RABBITMQ_DIST_PORT", "25673");
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.out").toFile());
        Process server = pb.start();
        started = true;
        server.waitFor(60, TimeUnit.SECONDS);

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Ctl.run("-n", NODE2, "status").exitCode != 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("rabbit2 did not answer `rabbitmqctl -n rabbit2 status` within 60 s; log: "
                        + tail(dir.resolve("log")));
            }
            Thread.sleep(500);
        }
        long upMs = (System.nanoTime() - t0) / 1_000_000;
        Ctl.ok("-n", NODE2, "stop_app");
        Ctl.ok("-n", NODE2, "join_cluster", firstNode);
        Ctl.ok("-n", NODE2, "start_app");
        Ctl.ok("-n", NODE2, "await_startup");
        String status = Ctl.ok("cluster_status").out;
        System.err.printf("cluster: %s up after %d ms, joined %s after %d ms%n", NODE2, upMs, firstNode,
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(status).contains(firstNode).contains(NODE2 + "@");
    }

    @AfterAll
    static void removeSecondBrokerNode() throws Exception {
        long t0 = System.nanoTime();
        for (String ns : namespaces) {
            Ctl.deleteExchangesOf(ns);
        }
        if (started) {
            List<String> problems = new ArrayList<>();
            for (String[] step : List.of(new String[] {"-n", NODE2, "stop_app"}, new String[] {"-n", NODE2, "reset"},
                    new String[] {"-n", NODE2, "stop"})) {
                TargetJvm.Result r = Ctl.run(step);
                if (r.exitCode != 0) {
                    problems.add("rabbitmqctl " + String.join(" ", step) + ": " + r);
                }
            }
            String status = Ctl.run("cluster_status").out;
            if (status.contains(NODE2 + "@")) {
                // reset could not tell the first node (for example rabbit2 was down): forget it from this side.
                TargetJvm.Result forget = Ctl.run("forget_cluster_node", NODE2 + "@" + hostPart());
                problems.add("first node still listed " + NODE2 + "; forget_cluster_node: " + forget.exitCode);
            }
            System.err.println("cluster: second node removed in " + (System.nanoTime() - t0) / 1_000_000 + " ms"
                    + (problems.isEmpty() ? "" : "; problems: " + problems));
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String hostPart() throws Exception {
        String out = Ctl.run("-n", NODE2, "eval", "node().").out.trim();
        int at = out.indexOf('@');
        return at < 0 ? TargetJvm.run(Duration.ofSeconds(5), List.of("hostname", "-s")).out.trim() : out.substring(at + 1);
    }

    /** The crash slogan and the last error lines of the second node's logs, for a failure message. */
    private static String tail(Path logDir) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Stream.concat(Files.list(logDir), Stream.of(logDir.resolveSibling("server.out")))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                List<String> keep = new ArrayList<>();
                for (String l : lines) {
                    if (l.startsWith("Slogan") || l.contains("[error]") || p.getFileName().toString().equals("server.out")) {
                        keep.add(l.length() > 300 ? l.substring(0, 300) : l);
                    }
                }
                b.append("\n").append(p.getFileName()).append(": ")
                        .append(String.join("\n  ", keep.subList(Math.max(0, keep.size() - 12), keep.size())));
            }
        } catch (IOException e) {
            b.append("(no log: ").append(e).append(")");
        }
        return b.toString();
    }

    private static String namespace(String what) {
        String ns = RabbitMQ.uniqueNamespace(what);
        namespaces.add(ns);
        return ns;
    }

    /** The broker port (5672 or 5673) of the connection whose name contains {@code fragment}, or -1. */
    static int portOf(String fragment) throws Exception {
        for (String line : Ctl.ok("list_connections", "port", "client_properties").out.split("\n")) {
            if (line.contains(fragment)) {
                return Integer.parseInt(line.trim().split("\\s+", 2)[0]);
            }
        }
        return -1;
    }

    @Test
    void aNodeOnOneBrokerNodeAndAClientOnTheOtherWorkTogether() throws Exception {
        String ns = namespace("cluster");
        try (Connection on1 = Brokers.connect(URI1, "pbt-cluster-node-on-5672");
                Connection on2 = Brokers.connect(URI2, "pbt-cluster-node-on-5673");
                Connection client2 = Brokers.connect(URI2, "pbt-cluster-client-on-5673")) {
            Mailbox m1 = Mailbox.builder(ns).build().bind(on1);
            Mailbox m2 = Mailbox.builder(ns).build().bind(on2);
            Mailbox client = Mailbox.builder(ns).build().bind(client2);
            try (Node a = m1.node("a@broker1").handlers(List.of(TestNodes.ping(), TestNodes.add())).build().listen();
                    Node b = m2.node("b@broker2").handlers(List.of(TestNodes.ping(), TestNodes.add())).build().listen()) {
                assertThat(portOf("pbt-cluster-node-on-5672")).isEqualTo(5672);
                assertThat(portOf("pbt-cluster-client-on-5673")).isEqualTo(5673);

                CallResult add = client.call(List.of("a@broker1"), "add", Map.of("a", 1, "b", 2), Duration.ofSeconds(5));
                CallResult all = client.call(Request.builder("ping").expect(2).timeout(Duration.ofSeconds(5)).build(), null);
                CallResult multi = client.multiCall("ping", Map.of(), Duration.ofSeconds(2), null);

                System.err.printf("cluster: client on 5673 -> node on 5672: add %s in %d ms; expect-2 ping %s in %d ms;"
                        + " multi-call %s%n", add.byNode(), add.elapsed().toMillis(), all.answered(),
                        all.elapsed().toMillis(), multi.answered());
                assertThat(add.byNode().get("a@broker1")).isInstanceOf(Number.class);
                assertThat(((Number) add.byNode().get("a@broker1")).longValue()).isEqualTo(3L);
                assertThat(all.answered()).containsExactlyInAnyOrder("a@broker1", "b@broker2");
                assertThat(all.deadlineReached()).isFalse();
                assertThat(multi.answered()).containsExactlyInAnyOrder("a@broker1", "b@broker2");
            } finally {
                client.close();
                m1.close();
                m2.close();
            }
        }
    }

    @Test
    void anAgentNodeGivenBothAddressesMovesToTheSurvivorWhenItsBrokerNodeStops() throws Exception {
        String ns = namespace("failover");
        String node = "failover@it";
        String connectionName = "pidbox-agent " + node;
        try (Connection on1 = Brokers.connect(URI1, "pbt-failover-client")) {
            Mailbox client = Mailbox.builder(ns).build().bind(on1);
            TargetJvm target = null;
            int port = -1;
            int attempts = 0;
            // amqp-client picks among the addresses at random (in runs here it took up to 12 starts to land on 5673),
            // so the first node's address is given through a gate that refuses connections until the agent is
            // connected to rabbit2: the agent then holds both addresses, and both work when it fails over.
            TcpGate gate = TcpGate.closed("127.0.0.1", 5672);
            String both = URI2 + ";amqp://guest:guest@127.0.0.1:" + gate.port() + "/";
            try {
                while (port != 5673 && attempts < 3) {
                    attempts++;
                    if (target != null) {
                        target.close();
                        TargetJvm gone = target;
                        await().atMost(Duration.ofSeconds(15)).until(() -> !gone.isAlive() && portOf(connectionName) < 0);
                    }
                    target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                            List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + both + ",namespace="
                                    + ns + ",node=" + node), "dev.pidbox.it.target.SleeperApp", "stdin");
                    target.awaitReady();
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> !client
                            .call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());
                    port = portOf(connectionName);
                }
                assertThat(port).as("the agent's connection after %d starts", attempts).isEqualTo(5673);
                gate.open();

                long stopAt = System.nanoTime();
                try {
                    Ctl.ok("-n", NODE2, "stop_app");
                    long stoppedMs = (System.nanoTime() - stopAt) / 1_000_000;
                    long stopped = System.nanoTime();
                    long answeredMs = -1;
                    List<String> seen = new ArrayList<>();
                    while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(15)) {
                        CallResult r = client.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500));
                        if (r.byNode().containsKey(node)) {
                            answeredMs = (System.nanoTime() - stopped) / 1_000_000;
                            break;
                        }
                        seen.add(String.valueOf(r.missing()));
                    }
                    int portAfter = portOf(connectionName);
                    System.err.printf("cluster: agent given " + Brokers.redact(both) + " on 5673 (after %d start(s)); rabbit2 stop_app took %d ms; the node"
                            + " answered again %d ms after, now connected to port %d; agent stderr: %s%n", attempts,
                            stoppedMs, answeredMs, portAfter, target.err());
                    assertThat(answeredMs).as("ms until the node answered from the survivor").isBetween(0L, 10_000L);
                    assertThat(portAfter).isEqualTo(5672);
                    assertThat(target.isAlive()).isTrue();
                } finally {
                    Ctl.run("-n", NODE2, "start_app");
                    Ctl.run("-n", NODE2, "await_startup");
                }
            } finally {
                if (target != null) {
                    target.close();
                }
                gate.close();
                client.close();
            }
        }
    }
}
