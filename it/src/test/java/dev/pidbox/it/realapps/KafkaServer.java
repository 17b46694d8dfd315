package dev.pidbox.it.realapps;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * "Somebody's server" for the real-apps suite: a single-node Apache Kafka 4.1 broker (KRaft, combined broker and
 * controller) run from the class path that {@code it/apps/kafka} copies to {@code target/lib}, logging through
 * Log4j 2 core to {@code <workDir>/server.log} as configured by a {@code log4j2.xml} this launcher writes.
 *
 * <p>{@link #start} writes {@code server.properties}, formats the storage the way {@code kafka-storage.sh format
 * --standalone} does (the {@code kafka.tools.StorageTool} main class in a short-lived child JVM), then starts
 * {@code kafka.Kafka server.properties} and waits for {@code "Kafka Server started"} in the log.
 *
 * <p>Oracles a test can use besides pidbox itself:
 * <ul>
 * <li>The MBean {@link #LOG4J_CONTROLLER} ({@code kafka:type=kafka.Log4jController}): attribute {@code Loggers}
 * (a {@code List<String>} of {@code "name=LEVEL"}), operations {@code getLogLevel(String)} and
 * {@code setLogLevel(String, String)}; it reads Log4j 2 core's configuration directly, so it is an independent
 * check of a level pidbox set.</li>
 * <li>{@link #REQUEST_LOGGER} at DEBUG logs a {@code "Completed request:"} line for every request either listener
 * serves, including the broker's own heartbeat to its controller every {@code broker.heartbeat.interval.ms}
 * (2 s): DEBUG lines appear in {@link #log()} without any client, and stop when the level is reverted.</li>
 * <li>{@link #ACCEPTOR_LOGGER} at DEBUG logs {@code "Accepted connection from /127.0.0.1:..."} once per TCP
 * connection to the client listener: {@link #connectOnce()} (a plain TCP connect) triggers it on demand.</li>
 * <li>{@link #CLUSTER_ID_MBEAN} attribute {@code Value} equals {@link #clusterId()}, which this launcher chose;
 * {@link #BROKER_STATE_MBEAN} attribute {@code Value} is 3 (RUNNING) once started.</li>
 * <li>{@link #PLAINTEXT_SOCKET_MBEAN} attribute {@code connection-creation-total} (a double) grows by one per
 * {@link #connectOnce()}: state an action changes, visible through JMX.</li>
 * </ul>
 */
public final class KafkaServer implements AutoCloseable {
    /** The MBean through which Kafka reads and sets Log4j levels. */
    public static final String LOG4J_CONTROLLER = "kafka:type=kafka.Log4jController";
    /** Logs every completed request at DEBUG (WARN in this configuration, as in Kafka's own). */
    public static final String REQUEST_LOGGER = "kafka.request.logger";
    /** Logs every accepted TCP connection of the client listener at DEBUG. */
    public static final String ACCEPTOR_LOGGER = "kafka.network.DataPlaneAcceptor";
    /** Yammer gauge; attribute {@code Value} is the cluster id given to {@code kafka-storage format}. */
    public static final String CLUSTER_ID_MBEAN = "kafka.server:type=KafkaServer,name=ClusterId";
    /** Yammer gauge; attribute {@code Value} is the broker state, 3 = RUNNING. */
    public static final String BROKER_STATE_MBEAN = "kafka.server:type=KafkaServer,name=BrokerState";
    /** Socket server metrics of the client listener's only network thread ({@code connection-creation-total}). */
    public static final String PLAINTEXT_SOCKET_MBEAN =
            "kafka.server:type=socket-server-metrics,listener=PLAINTEXT,networkProcessor=0";
    /** The line {@code kafka.server.KafkaRaftServer} logs once the broker is up. */
    public static final String STARTED = "Kafka Server started";

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int ATTEMPTS = 3;

    private final RealApp app;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final Path serverProperties;
    private final Path log4j2Xml;
    private final Path log;
    private final Path dataDir;
    private final Duration startupTime;

    private KafkaServer(RealApp app, int port, int controllerPort, String clusterId, Path serverProperties,
            Path log4j2Xml, Path log, Path dataDir, Duration startupTime) {
        this.app = app;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.serverProperties = serverProperties;
        this.log4j2Xml = log4j2Xml;
        this.log = log;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
    }

    /** The broker's jars, as {@code it/apps/kafka} builds them (relative to the {@code it} module). */
    public static Path libDir() {
        return Paths.get("apps", "kafka", "target", "lib").toAbsolutePath();
    }

    /** The broker's class path: every jar of {@link #libDir()}, in name order. */
    public static String classPath() {
        Path lib = libDir();
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: build it/apps/kafka first (mvn -f it/apps/kafka/pom.xml package)");
        }
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted(Comparator.naturalOrder())
                    .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the configuration into {@code workDir}, formats the storage and starts the broker with
     * {@code extraJvmOptions} (e.g. {@code -javaagent:...}) before the main class; returns once it has started.
     * A port taken between choosing it and binding it is retried with new ports.
     */
    public static KafkaServer start(Path javaHome, Path workDir, List<String> extraJvmOptions)
            throws InterruptedException {
        Path dir = workDir.toAbsolutePath();
        String java = javaHome.resolve("bin").resolve("java").toString();
        String classPath = classPath();
        AssertionError failure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long t0 = System.nanoTime();
            int port = RealApp.freePort();
            int controllerPort = RealApp.freePort();
            while (controllerPort == port) {
                controllerPort = RealApp.freePort();
            }
            String clusterId = newClusterId();
            Path dataDir = dir.resolve("data");
            Path serverProperties = dir.resolve("server.properties");
            Path log4j2Xml = dir.resolve("log4j2.xml");
            Path log = dir.resolve("server.log");
            try {
                Files.createDirectories(dir);
                deleteRecursively(dataDir);
                Files.deleteIfExists(log);
                Files.writeString(serverProperties, serverProperties(port, controllerPort, dataDir));
                Files.writeString(log4j2Xml, log4j2Xml(log));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            format(java, classPath, dir, serverProperties, clusterId);

            List<String> command = new ArrayList<>();
            command.add(java);
            command.add("-Xmx256m");
            // C1 only: the broker serves a test, not a benchmark, and starts about a third faster this way.
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Dlog4j2.configurationFile=" + log4j2Xml);
            command.addAll(extraJvmOptions);
            command.add("-cp");
            command.add(classPath);
            command.add("kafka.Kafka");
            command.add(serverProperties.toString());
            RealApp app = RealApp.start("kafka", command, dir, Map.of());
            try {
                awaitStarted(app, log);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                return new KafkaServer(app, port, controllerPort, clusterId, serverProperties, log4j2Xml, log, dataDir,
                        took);
            } catch (PortTaken e) {
                app.close();
                failure = e;
            } catch (AssertionError | RuntimeException | InterruptedException e) {
                app.close();
                throw e;
            }
        }
        throw failure;
    }

    private static final class PortTaken extends AssertionError {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static void awaitStarted(RealApp app, Path log) throws InterruptedException {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            List<String> lines = RealApp.lines(log);
            for (String line : lines) {
                if (line.contains(STARTED)) {
                    return;
                }
            }
            boolean portTaken = lines.stream().anyMatch(l -> l.contains("Address already in use"));
            if (portTaken || !app.isAlive()) {
                String tail = tail(lines, 40) + "\n--- console ---\n" + app.tail(20);
                if (portTaken) {
                    throw new PortTaken("kafka: a port was taken before the broker bound it\n" + tail);
                }
                throw new AssertionError("kafka exited while starting\n" + tail);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("kafka: no '" + STARTED + "' in " + log + " within " + START_TIMEOUT + "\n"
                + tail(RealApp.lines(log), 40) + "\n--- console ---\n" + app.tail(20));
    }

    /** {@code kafka-storage.sh format --standalone --cluster-id ID --config server.properties}, in a child JVM. */
    private static void format(String java, String classPath, Path dir, Path serverProperties, String clusterId)
            throws InterruptedException {
        Path out = dir.resolve("format.log");
        List<String> command = List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                "kafka.tools.StorageTool", "format", "--standalone", "--cluster-id", clusterId, "--config",
                serverProperties.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("CLASSPATH"));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        if (!p.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("kafka-storage format did not finish within " + FORMAT_TIMEOUT + "\n"
                    + tail(RealApp.lines(out), 40));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("kafka-storage format failed with " + p.exitValue() + "\n"
                    + tail(RealApp.lines(out), 40));
        }
    }

    /** A random cluster id in Kafka's form: 16 random bytes, URL-safe Base64 without padding (22 characters). */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-")); // would read as an option on the command line
        return id;
    }

    private static String serverProperties(int port, int controllerPort, Path dataDir) {
        return String.join("\n",
                "# Written by dev.pidbox.it.realapps.KafkaServer: a single-node KRaft broker for tests.",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                // A dynamic quorum of this node alone, as config/server.properties and 'format --standalone' set it up.
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "log.dirs=" + dataDir,
                // Small footprint: one thread where Kafka allows one, one partition per internal topic.
                "num.network.threads=1",
                "num.io.threads=1",
                "background.threads=1",
                "num.recovery.threads.per.data.dir=1",
                "num.replica.fetchers=1",
                "group.coordinator.threads=1",
                "share.coordinator.threads=1",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=4194304",
                "num.partitions=1",
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    private static String log4j2Xml(Path log) {
        return String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<!-- Written by dev.pidbox.it.realapps.KafkaServer. No monitorInterval: only an explicit reload re-reads it. -->",
                "<Configuration status=\"WARN\">",
                "  <Appenders>",
                "    <File name=\"server\" fileName=\"" + xml(log.toString()) + "\">",
                "      <PatternLayout pattern=\"[%d] %-5p %c [%t] %m%n\"/>",
                "    </File>",
                "  </Appenders>",
                "  <Loggers>",
                "    <Root level=\"INFO\">",
                "      <AppenderRef ref=\"server\"/>",
                "    </Root>",
                "    <!-- As in Kafka's own config/log4j2.yaml: one line per request at DEBUG, so quiet by default. -->",
                "    <Logger name=\"" + REQUEST_LOGGER + "\" level=\"WARN\"/>",
                "  </Loggers>",
                "</Configuration>",
                "");
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static String tail(List<String> lines, int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The broker JVM's pid. */
    public long pid() {
        return app.pid();
    }

    /** The client (PLAINTEXT) listener's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The controller listener's port on 127.0.0.1. */
    public int controllerPort() {
        return controllerPort;
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Kafka's own log, {@code <workDir>/server.log}, written by Log4j 2 core. */
    public Path log() {
        return log;
    }

    /** The Log4j 2 configuration a test may edit ({@code -Dlog4j2.configurationFile}). */
    public Path log4j2Xml() {
        return log4j2Xml;
    }

    public Path serverProperties() {
        return serverProperties;
    }

    /** {@code log.dirs}. */
    public Path dataDir() {
        return dataDir;
    }

    /** From writing the configuration to the "started" line, format included. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The child process: console, {@code awaitLine}, liveness. */
    public RealApp app() {
        return app;
    }

    /** Opens and closes a plain TCP connection to the client listener (see {@link #ACCEPTOR_LOGGER}). */
    public void connectOnce() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + bootstrapServers(), e);
        }
    }

    /** Lines of {@link #log()} that contain {@code text}. */
    public List<String> logLines(String text) {
        return RealApp.lines(log).stream().filter(l -> l.contains(text)).collect(Collectors.toList());
    }

    /** Reads the log as one string (ISO-8859-1, as {@link RealApp#lines} does). */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }

    @Override
    public String toString() {
        return "kafka " + bootstrapServers() + " (pid " + pid() + ", " + app.dir() + ")";
    }
}
