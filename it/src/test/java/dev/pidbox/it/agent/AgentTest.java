package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pidbox.CallResult;
import dev.pidbox.Request;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent in real child JVMs on Java 17 and 25, at start (premain) and attached later. */
class AgentTest extends AgentTestBase {
    static Stream<Path> javaHomes() {
        List<Path> homes = new ArrayList<>();
        homes.add(TargetJvm.currentJavaHome());
        if (Files.isDirectory(TargetJvm.JAVA_25)) {
            homes.add(TargetJvm.JAVA_25);
        } else {
            System.err.println("SKIPPED Java 25 targets: no JDK at " + TargetJvm.JAVA_25);
        }
        return homes.stream();
    }

    private static String version(Path javaHome) {
        return javaHome.equals(TargetJvm.JAVA_25) ? "25" : "17";
    }

    private String agentArgs(String node) {
        return "broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + node;
    }

    private TargetJvm start(Path javaHome, List<String> jvmOptions, String... args) throws Exception {
        TargetJvm t = TargetJvm.start(javaHome, TargetJvm.testClasspath(), jvmOptions, SLEEPER, args);
        targets.add(t);
        return t.awaitReady();
    }

    private static CallResult call(String node, String method, Map<String, ?> args) {
        return mailbox.call(List.of(node), method, args, Duration.ofSeconds(10));
    }

    private static void awaitNode(String node) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static void assertAnswersPingThreadsAndMemory(String node) {
        assertThat(call(node, "ping", Map.of()).byNode()).containsEntry(node, Map.of("ok", "pong"));

        Object threads = call(node, "threads", Map.of()).byNode().get(node);
        assertThat(threads).as("threads reply").isInstanceOf(Map.class);
        assertThat(threads.toString()).contains("main").doesNotContain("'error'");
        assertThat((Map<String, Object>) threads).doesNotContainKey("error");

        Object memory = call(node, "memory", Map.of()).byNode().get(node);
        assertThat(memory).as("memory reply").isInstanceOf(Map.class);
        assertThat((Map<String, Object>) memory).doesNotContainKey("error").containsKey("heap");
    }

    @ParameterizedTest(name = "Java {0}")
    @MethodSource("javaHomes")
    void premainNodeAnswersPingThreadsAndMemory(Path javaHome) throws Exception {
        String node = "premain-" + version(javaHome) + "@it";
        start(javaHome, List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs(node)), "stdin");

        awaitNode(node);

        assertAnswersPingThreadsAndMemory(node);
    }

    @ParameterizedTest(name = "Java {0}")
    @MethodSource("javaHomes")
    void dynamicallyAttachedNodeAnswersPingThreadsAndMemory(Path javaHome) throws Exception {
        String node = "attached-" + version(javaHome) + "@it";
        TargetJvm target = start(javaHome, List.of(), "stdin");

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(
                TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar", TargetJvm.agentJar().toString(),
                "attach", Long.toString(target.pid()), "broker=" + RabbitMQ.uri(), "namespace=" + namespace, "node=" + node));

        assertThat(attach.exitCode).as(attach.toString()).isZero();
        assertThat(attach.out).contains("node " + node + " listening");
        assertAnswersPingThreadsAndMemory(node);
    }

    @ParameterizedTest(name = "Java {0}")
    @MethodSource("javaHomes")
    void theLauncherAttachesWithNoKillCommandOnThePath(Path javaHome) throws Exception {
        // HotSpot's protocol, as the launcher speaks it, sends its SIGQUIT with kill; a distroless image has none.
        // The launcher then takes the JDK's attach API, which signals natively.
        String node = "no-kill-" + version(javaHome) + "@it";
        TargetJvm target = start(javaHome, List.of(), "stdin");
        Path emptyPath = Files.createTempDirectory("pidbox-no-kill");

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of("/usr/bin/env",
                "PATH=" + emptyPath, javaHome.resolve("bin/java").toString(), "-jar", TargetJvm.agentJar().toString(),
                "attach", Long.toString(target.pid()), "broker=" + RabbitMQ.uri(), "namespace=" + namespace,
                "node=" + node));

        assertThat(attach.exitCode).as(attach.toString()).isZero();
        assertThat(attach.out).contains("node " + node + " listening");
        assertAnswersPingThreadsAndMemory(node);
        assertThat(target.isAlive()).isTrue();
    }

    @ParameterizedTest(name = "Java {0}")
    @MethodSource("javaHomes")
    void attachAndDetachAlsoWorkThroughTheJdkAttachApi(Path javaHome) throws Exception {
        // The launcher speaks HotSpot's attach protocol itself where it can; -Dpidbox.attach=jdk takes the
        // JDK's attach API (through byte-buddy-agent), the way other platforms and Java 11 to 15 attach.
        String node = "jdk-api-" + version(javaHome) + "@it";
        TargetJvm target = start(javaHome, List.of(), "stdin");
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();
        String pid = Long.toString(target.pid());

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-Dpidbox.attach=jdk", "-jar",
                TargetJvm.agentJar().toString(), "attach", pid, "broker=" + RabbitMQ.uri(), "namespace=" + namespace,
                "node=" + node));
        assertThat(attach.exitCode).as(attach.toString()).isZero();
        assertThat(attach.out).contains("node " + node + " listening");
        assertThat(call(node, "ping", Map.of()).byNode()).containsEntry(node, Map.of("ok", "pong"));

        TargetJvm.Result detach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-Dpidbox.attach=jdk", "-jar",
                TargetJvm.agentJar().toString(), "detach", pid));
        assertThat(detach.exitCode).as(detach.toString()).isZero();
        assertThat(call(node, "ping", Map.of()).missing()).containsExactly(node);
    }

    @Test
    void anAttachSocketOthersCanWriteIsRefusedBeforeTheOptionsAreSent() throws Exception {
        // Someone plants /tmp/.java_pid<pid> for a JVM whose attach listener has not started yet; attaching to it
        // must not hand them the options (which may carry a broker password).
        TargetJvm sleeper = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        Path socket = Path.of("/tmp", ".java_pid" + sleeper.pid());
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

            TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(
                    TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar", TargetJvm.agentJar().toString(),
                    "attach", Long.toString(sleeper.pid()), "broker=amqp://user:secret@127.0.0.1:5672/",
                    "namespace=" + namespace, "node=planted@it"));

            assertThat(attach.exitCode).as(attach.toString()).isEqualTo(1);
            assertThat(attach.err).contains("cannot attach to " + sleeper.pid())
                    .contains("is writable by group or others (mode 666); refusing to attach through it");
            assertThat(server.accept()).as("the planted socket was never connected to").isNull();
        } finally {
            sleeper.close();
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void aSecondAttachWithTheSameOptionsIsIdempotent() throws Exception {
        String node = "twice@it";
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        List<String> cmd = List.of(TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar",
                TargetJvm.agentJar().toString(), "attach", Long.toString(target.pid()), "broker=" + RabbitMQ.uri(),
                "namespace=" + namespace, "node=" + node);

        assertThat(TargetJvm.run(Duration.ofSeconds(60), cmd).exitCode).isZero();
        TargetJvm.Result second = TargetJvm.run(Duration.ofSeconds(60), cmd);

        assertThat(second.exitCode).as(second.toString()).isZero();
        CallResult ping = mailbox.call(Request.builder("ping").glob("twice@*").timeout(Duration.ofSeconds(1)).build(), null);
        assertThat(ping.replies()).hasSize(1);
    }

    @Test
    void detachStopsTheNodeAndLeavesNoPidboxThread() throws Exception {
        String node = "detach@it";
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "="
                + agentArgs(node)), "stdin");
        awaitNode(node);
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();

        TargetJvm.Result detach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "detach", Long.toString(target.pid())));

        assertThat(detach.exitCode).as(detach.toString()).isZero();
        assertThat(call(node, "ping", Map.of()).missing()).containsExactly(node);
        String jcmd = TargetJvm.currentJavaHome().resolve("bin/jcmd").toString();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            TargetJvm.Result dump = TargetJvm.run(Duration.ofSeconds(30), List.of(jcmd, Long.toString(target.pid()),
                    "Thread.print"));
            List<String> threadNames = dump.out.lines().filter(l -> l.startsWith("\"")).toList();
            assertThat(threadNames).anyMatch(l -> l.startsWith("\"main\""))
                    .noneMatch(l -> l.contains("pidbox") || l.contains("AMQP Connection"));
        });
        target.closeStdin();
        assertThat(target.awaitExit(Duration.ofSeconds(20))).isZero();
    }

    @Test
    void anIdleNodeKeepsItsConnectionOnHeartbeatsFromTheAgentsOneTimerThread() throws Exception {
        // heartbeat=1: the broker closes a connection that sends it nothing for a few seconds
        String node = "heartbeat-" + namespace + "@it";
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=broker="
                + RabbitMQ.uri() + "?heartbeat=1,namespace=" + namespace + ",node=" + node), "stdin");
        awaitNode(node);
        String before = brokerSideConnection(node);

        Thread.sleep(8000); // no call meanwhile: only heartbeats keep the connection

        assertThat(before).as("the broker's timeout and connected_at of the node's connection").startsWith("1\t");
        assertThat(brokerSideConnection(node)).as("the same connection, never closed for missed heartbeats")
                .isEqualTo(before);
        String jcmd = TargetJvm.currentJavaHome().resolve("bin/jcmd").toString();
        TargetJvm.Result dump = TargetJvm.run(Duration.ofSeconds(30), List.of(jcmd, Long.toString(target.pid()),
                "Thread.print"));
        List<String> threadNames = dump.out.lines().filter(l -> l.startsWith("\"")).toList();
        // the thread that connected has ended; the timer sends the heartbeats and times the provider looks
        assertThat(threadNames).as(dump.out).anyMatch(l -> l.startsWith("\"pidbox-agent-timer-1\""))
                .noneMatch(l -> l.startsWith("\"pidbox-agent\""));
        assertThat(call(node, "ping", Map.of()).byNode()).containsEntry(node, Map.of("ok", "pong"));
    }

    /** The broker's {@code timeout} (negotiated heartbeat, s) and {@code connected_at} of the node's connection. */
    private static String brokerSideConnection(String node) throws Exception {
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), List.of("rabbitmqctl", "-q", "list_connections",
                "client_properties", "timeout", "connected_at"));
        return r.out.lines().filter(l -> l.contains("\"pidbox-agent " + node + "\""))
                .map(l -> l.substring(l.lastIndexOf(']') + 1).trim()).findFirst().orElse("no such connection: " + r);
    }

    @Test
    void aHostWhoseMainReturnsExitsNormallyWithTheAgent() throws Exception {
        String node = "returns@it";
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "="
                + agentArgs(node)), "stdin");
        awaitNode(node);

        target.closeStdin();

        assertThat(target.awaitExit(Duration.ofSeconds(20))).isZero();
        assertThat(target.out()).contains("DONE");
        assertThat(target.err()).isEmpty();
    }

    @Test
    void tenAttachedJvmsAnswerOneMultiCall() throws Exception {
        List<TargetJvm> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(start(TargetJvm.currentJavaHome(), List.of("-Xshare:auto"), "stdin"));
        }
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();
        List<Thread> attaches = new ArrayList<>();
        List<Integer> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < ten.size(); i++) {
            TargetJvm t = ten.get(i);
            String node = "fleet-" + i + "@it";
            Thread th = new Thread(() -> {
                try {
                    codes.add(TargetJvm.run(Duration.ofSeconds(120), List.of(java, "-jar", TargetJvm.agentJar().toString(),
                            "attach", Long.toString(t.pid()), "broker=" + RabbitMQ.uri(), "namespace=" + namespace,
                            "node=" + node)).exitCode);
                } catch (Exception e) {
                    codes.add(-1);
                }
            });
            attaches.add(th);
            th.start();
        }
        for (Thread th : attaches) {
            th.join(180_000);
        }
        assertThat(codes).hasSize(10).containsOnly(0);

        CallResult result = mailbox.call(Request.builder("ping").glob("fleet-*@it").expect(10)
                .timeout(Duration.ofSeconds(10)).build(), null);

        assertThat(result.answered()).hasSize(10);
        assertThat(result.ok()).hasSize(10);
        assertThat(result.deadlineReached()).isFalse();
    }

    /**
     * The launcher checks a broker URI's form only; a bad query value is found by the agent in the target, and the
     * launcher reports it as its own usage error. The target runs on with no pidbox thread.
     */
    @Test
    void anOptionOnlyTheAgentRefusesIsAUsageErrorAndLeavesTheTargetAsItWas() throws Exception {
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "attach", Long.toString(target.pid()),
                "broker=amqp://guest:s3cret@127.0.0.1:5672/?heartbeat=soon", "namespace=" + namespace));

        assertThat(attach.exitCode).as(attach.toString()).isEqualTo(2);
        assertThat(attach.err.strip()).isEqualTo("pidbox-agent: invalid broker URI 'amqp://guest:***@127.0.0.1:5672/"
                + "?heartbeat=soon': expected amqp://user:password@host:port/vhost");
        TargetJvm.Result dump = TargetJvm.run(Duration.ofSeconds(30), List.of(
                TargetJvm.currentJavaHome().resolve("bin/jcmd").toString(), Long.toString(target.pid()), "Thread.print"));
        assertThat(dump.out.lines().filter(l -> l.startsWith("\"")).toList()).anyMatch(l -> l.startsWith("\"main\""))
                .noneMatch(l -> l.contains("pidbox") || l.contains("AMQP Connection"));
        assertThat(target.isAlive()).isTrue();
    }

    @Test
    void attachToAProcessThatIsNotThereSaysSo() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc");
        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(
                TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar", TargetJvm.agentJar().toString(),
                "attach", "999999999"));

        assertThat(attach.exitCode).isEqualTo(1);
        assertThat(attach.err).contains("no process with pid 999999999");
    }

    @Test
    void attachToAJvmWithAttachDisabledExplainsTheFlag() throws Exception {
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of("-XX:+DisableAttachMechanism"), "stdin");

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(
                TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar", TargetJvm.agentJar().toString(),
                "attach", Long.toString(target.pid())));

        assertThat(attach.exitCode).isEqualTo(1);
        assertThat(attach.err).contains("-XX:+DisableAttachMechanism");
        assertThat(target.isAlive()).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theNodeMXBeanAndTheCallMetricsAreVisibleInJmx() throws Exception {
        String node = "jmx@it";
        start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs(node)), "stdin");
        awaitNode(node);
        call(node, "ping", Map.of());
        // The MBeans are registered right after the node starts answering.
        await().atMost(Duration.ofSeconds(10)).until(() -> call(node, "mbean.query", Map.of("pattern", "dev.pidbox:*"))
                .byNode().get(node).toString().contains("type=Node"));

        Map<String, Object> bean = (Map<String, Object>) call(node, "mbean.get", Map.of("name", "dev.pidbox:type=Node"))
                .byNode().get(node);
        Map<String, Object> values = (Map<String, Object>) bean.get("values");
        Map<String, Object> metrics = (Map<String, Object>) call(node, "mbean.query",
                Map.of("pattern", "dev.pidbox:*")).byNode().get(node);

        assertThat(values).containsEntry("NodeName", node).containsEntry("Namespace", namespace)
                .containsEntry("Connected", true).containsEntry("State", "listening");
        assertThat((String) values.get("Broker")).contains("***").doesNotContain("guest:guest");
        assertThat((List<Object>) values.get("Handlers")).contains("ping", "threads", "memory", "host.greet");
        assertThat(values.get("Counts").toString()).contains("dispatched");
        assertThat((List<String>) metrics.get("names")).anyMatch(n -> n.contains("pidbox.calls") || n.contains("pidboxCalls"));
    }

    @Test
    void handlersTheHostShipsThroughServiceLoaderAreServed() throws Exception {
        String node = "host-handlers@it";
        start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs(node)), "stdin");
        awaitNode(node);

        CallResult greet = call(node, "host.greet", Map.of("who", "ops"));

        assertThat(greet.byNode()).containsEntry(node, Map.of("greeting", "hello ops", "node", node));
    }

    @Test
    void allowAndDenyListsChooseTheHandlers() throws Exception {
        String node = "allowdeny@it";
        start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs(node)
                + ",allow=ping;memory;mbean.*,deny=mbean.invoke;mbean.set"), "stdin");
        awaitNode(node);

        assertThat(call(node, "memory", Map.of()).errors()).isEmpty();
        assertThat(call(node, "threads", Map.of()).byNode()).containsEntry(node, Map.of("error", "KeyError('threads')"));
        assertThat(call(node, "mbean.invoke", Map.of("name", "java.lang:type=Memory", "operation", "gc")).byNode())
                .containsEntry(node, Map.of("error", "KeyError('mbean.invoke')"));
    }

    @Test
    void optionsComeFromAConfigFileAndThePasswordFromItsOwnFile() throws Exception {
        String node = "configured@it";
        Path dir = Files.createTempDirectory("pidbox-agent-config");
        Path password = dir.resolve("broker.password");
        Files.writeString(password, "guest\n");
        Path config = dir.resolve("agent.properties");
        String uriWithoutPassword = RabbitMQ.uri().replace("guest:guest@", "guest@");
        Files.writeString(config, "broker=" + uriWithoutPassword + "\nbroker-password-file=" + password
                + "\nnamespace=" + namespace + "\nnode=" + node + "\ntags=env=test;team=core\n");
        try {
            TargetJvm target = start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=config="
                    + config), "stdin");

            awaitNode(node);

            assertThat(call(node, "ping", Map.of()).byNode()).containsEntry(node, Map.of("ok", "pong"));
            assertThat(TargetJvm.cmdlineOf(target.pid())).doesNotContain("guest\n").doesNotContain(":guest@");
        } finally {
            Files.deleteIfExists(config);
            Files.deleteIfExists(password);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void listAndStatusShowTheNodeOfEachJvm() throws Exception {
        String node = "listed@it";
        TargetJvm with = start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "="
                + agentArgs(node)), "stdin");
        TargetJvm without = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        awaitNode(node);
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();

        TargetJvm.Result list = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar", TargetJvm.agentJar().toString(),
                "list"));
        TargetJvm.Result status = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "status", Long.toString(with.pid())));
        TargetJvm.Result none = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "status", Long.toString(without.pid())));

        assertThat(list.exitCode).isZero();
        assertThat(list.out.lines()).anyMatch(l -> l.startsWith(with.pid() + " ") && l.contains("SleeperApp")
                && l.contains(node + " (listening)"));
        assertThat(list.out.lines()).anyMatch(l -> l.startsWith(without.pid() + " ") && l.trim().endsWith("-"));
        assertThat(status.out).isEqualTo(with.pid() + ": listening, node " + node + " on "
                + dev.pidbox.Brokers.redact(RabbitMQ.uri()));
        assertThat(none.out).isEqualTo(without.pid() + ": no pidbox agent");
    }

    /** A Java runtime without the jdk.attach module, as a JRE is, made once with jlink. */
    private static Path jreWithoutAttach() throws Exception {
        Path jre = Path.of("target", "jre-without-attach").toAbsolutePath();
        if (!Files.isExecutable(jre.resolve("bin/java"))) {
            TargetJvm.Result jlink = TargetJvm.run(Duration.ofMinutes(3), List.of(
                    TargetJvm.currentJavaHome().resolve("bin/jlink").toString(), "--add-modules",
                    "java.base,java.instrument,java.management,java.logging,java.naming,jdk.unsupported",
                    "--no-header-files", "--no-man-pages", "--output", jre.toString()));
            assertThat(jlink.exitCode).as(jlink.toString()).isZero();
        }
        return jre;
    }

    @Test
    void attachStatusAndDetachWorkFromAJreWithoutTheAttachModule() throws Exception {
        Path jre = jreWithoutAttach();
        TargetJvm.Result modules = TargetJvm.run(Duration.ofSeconds(30), List.of(jre.resolve("bin/java").toString(),
                "--list-modules"));
        assertThat(modules.out).contains("java.instrument").doesNotContain("jdk.attach");
        String node = "from-jre@it";
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        String java = jre.resolve("bin/java").toString();
        String pid = Long.toString(target.pid());

        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "attach", pid, "broker=" + RabbitMQ.uri(), "namespace=" + namespace,
                "node=" + node));
        TargetJvm.Result status = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "status", pid));

        assertThat(attach.exitCode).as(attach.toString()).isZero();
        assertThat(attach.out).contains("node " + node + " listening");
        assertThat(status.out).startsWith(pid + ": listening, node " + node);
        assertThat(call(node, "ping", Map.of()).byNode()).containsEntry(node, Map.of("ok", "pong"));

        TargetJvm.Result detach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.agentJar().toString(), "detach", pid));
        assertThat(detach.exitCode).as(detach.toString()).isZero();
        assertThat(call(node, "ping", Map.of()).missing()).containsExactly(node);
    }

    @Test
    void aSecondAttachWithOtherOptionsReplacesTheNode() throws Exception {
        TargetJvm target = start(TargetJvm.currentJavaHome(), List.of(), "stdin");
        String java = TargetJvm.currentJavaHome().resolve("bin/java").toString();
        String pid = Long.toString(target.pid());
        for (String node : List.of("first@it", "second@it")) {
            TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                    TargetJvm.agentJar().toString(), "attach", pid, "broker=" + RabbitMQ.uri(), "namespace=" + namespace,
                    "node=" + node));
            assertThat(r.exitCode).as(r.toString()).isZero();
        }

        awaitNode("second@it");

        assertThat(call("second@it", "ping", Map.of()).byNode()).containsEntry("second@it", Map.of("ok", "pong"));
        assertThat(call("first@it", "ping", Map.of()).missing()).containsExactly("first@it");
    }

    @Test
    void theLogFileAndTheAuditFileRecordTheNodeAndItsCommands() throws Exception {
        Path dir = Files.createTempDirectory("pidbox-agent-logs");
        Path log = dir.resolve("agent.log");
        Path audit = dir.resolve("audit.jsonl");
        String node = "audited@it";
        try {
            start(TargetJvm.currentJavaHome(), List.of("-javaagent:" + TargetJvm.agentJar() + "=" + agentArgs(node)
                    + ",log-file=" + log + ",audit-file=" + audit), "stdin");
            awaitNode(node);

            call(node, "memory", Map.of());
            call(node, "reload", Map.of());

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(audit)
                    && Files.readAllLines(audit).stream().anyMatch(l -> l.contains("\"reload\"")));
            List<String> lines = Files.readAllLines(audit);
            assertThat(lines).anyMatch(l -> l.contains("\"method\":\"memory\"") && l.contains("\"outcome\":\"ok\""));
            assertThat(lines).anyMatch(l -> l.contains("\"method\":\"reload\"") && l.contains("\"outcome\":\"forbidden\"")
                    && l.contains("\"selector\":\"destination=[" + node + "]\""));
            assertThat(Files.readString(log)).contains("node " + node + " listening in namespace " + namespace);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(audit);
            Files.deleteIfExists(dir);
        }
    }
}
