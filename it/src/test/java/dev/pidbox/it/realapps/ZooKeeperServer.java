package dev.pidbox.it.realapps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An Apache ZooKeeper 3.9 standalone server (module {@code it/apps/zookeeper}, class path in
 * {@code apps/zookeeper/target/lib/}) run the way its {@code bin/zkServer.sh start} runs it: main class
 * {@code org.apache.zookeeper.server.quorum.QuorumPeerMain} with a standalone {@code zoo.cfg}, local JMX enabled.
 * It logs through SLF4J 1.7 straight into Logback 1.2, configured by a {@code logback.xml} written here (no scan)
 * and named with {@code -Dlogback.configurationFile}; the log goes to {@code <workDir>/zookeeper.log}.
 *
 * <p>Oracles (ZooKeeper's own view, independent of pidbox):
 * <ul>
 *   <li>{@link #fourLetter(String)}: the four-letter words over the client port ({@code ruok}, {@code srvr},
 *       {@code conf}, {@code envi}, ...), all whitelisted.</li>
 *   <li>Logger {@value #CONNECTION_LOGGER} logs {@code DEBUG Accepted socket connection from /127.0.0.1:...} for every
 *       TCP connection, so every {@code fourLetter(...)} call; at the configured INFO it logs nothing.
 *       ({@code org.apache.zookeeper.server.NIOServerCnxn} logs {@code INFO Processing srvr command from ...} at any
 *       level, and {@code DEBUG Closed socket connection for client ...} per connection.)</li>
 *   <li>MBean {@link #serverBeanName()}, attribute {@code MaxSessionTimeout} (also {@code MinSessionTimeout},
 *       {@code MaxClientCnxnsPerHost}, {@code TickTime}) is writable and shows in {@code fourLetter("conf")} as
 *       {@code maxSessionTimeout=<value>} ({@code minSessionTimeout=}, {@code maxClientCnxns=}, {@code tickTime=}).</li>
 *   <li>The AdminServer (Jetty) on {@link #adminUrl()}, e.g. {@code GET <adminUrl>/configuration}.</li>
 * </ul>
 */
public final class ZooKeeperServer implements AutoCloseable {
    /** The standalone main class that {@code zkServer.sh} runs. */
    public static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    /** Logs one DEBUG line ("Accepted socket connection from ...") per client or four-letter-word connection. */
    public static final String CONNECTION_LOGGER = "org.apache.zookeeper.server.NIOServerCnxnFactory";
    /** Logs "INFO Processing <cmd> command from ..." per four-letter word, and DEBUG per closed connection. */
    public static final String CNXN_LOGGER = "org.apache.zookeeper.server.NIOServerCnxn";
    /** The value of {@code maxSessionTimeout} written to zoo.cfg (what {@code conf} shows before any change). */
    public static final int MAX_SESSION_TIMEOUT = 40_000;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final RealApp app;
    private final int clientPort;
    private final int adminPort;
    private final Path workDir;

    private ZooKeeperServer(RealApp app, int clientPort, int adminPort, Path workDir) {
        this.app = app;
        this.clientPort = clientPort;
        this.adminPort = adminPort;
        this.workDir = workDir;
    }

    /** The ZooKeeper class path built by {@code it/apps/zookeeper} ({@code mvn package}), relative to the it module. */
    public static Path libDir() {
        return Paths.get("apps", "zookeeper", "target", "lib").toAbsolutePath();
    }

    /**
     * Writes {@code zoo.cfg} and {@code logback.xml} into {@code workDir}, starts the server with
     * {@code extraJvmOptions} (e.g. {@code -javaagent:...}) where zkServer.sh puts {@code $JVMFLAGS}, and waits until
     * {@code ruok} answers {@code imok}.
     */
    public static ZooKeeperServer start(Path javaHome, Path workDir, List<String> extraJvmOptions)
            throws InterruptedException {
        Path lib = libDir();
        List<Path> jars = jars(lib);
        if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("zookeeper-3."))) {
            throw new IllegalStateException("no ZooKeeper class path in " + lib
                    + "; build it with ./mvnw -B -f it/apps/zookeeper/pom.xml package");
        }
        Path dir = workDir.toAbsolutePath();
        int clientPort = RealApp.freePort();
        int adminPort = RealApp.freePort();
        while (adminPort == clientPort) {
            adminPort = RealApp.freePort();
        }
        Path dataDir = dir.resolve("data");
        Path cfg = dir.resolve("zoo.cfg");
        Path logback = dir.resolve("logback.xml");
        Path log = dir.resolve("zookeeper.log");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(cfg, zooCfg(dataDir, clientPort, adminPort));
            Files.writeString(logback, logbackXml(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        // What zkServer.sh start puts on the command line (zkEnv.sh's default heap is 1000 MB; smaller here).
        cmd.add("-Dzookeeper.log.dir=" + dir);
        cmd.add("-Dzookeeper.log.file=zookeeper.log");
        cmd.add("-XX:+HeapDumpOnOutOfMemoryError");
        cmd.add("-XX:OnOutOfMemoryError=kill -9 %p");
        cmd.add("-cp");
        cmd.add(jars.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
        cmd.add("-Xmx256m");
        cmd.add("-Dlogback.configurationFile=" + logback);
        cmd.addAll(extraJvmOptions);
        cmd.add("-Dcom.sun.management.jmxremote");
        cmd.add("-Dcom.sun.management.jmxremote.local.only=false");
        cmd.add(MAIN_CLASS);
        cmd.add(cfg.toString());

        RealApp app = RealApp.start("zookeeper", cmd, dir, Map.of());
        ZooKeeperServer zk = new ZooKeeperServer(app, clientPort, adminPort, dir);
        try {
            zk.awaitImok();
        } catch (RuntimeException | Error | InterruptedException e) {
            app.close();
            throw e;
        }
        return zk;
    }

    private static List<Path> jars(Path lib) {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(lib)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String zooCfg(Path dataDir, int clientPort, int adminPort) {
        return String.join("\n",
                "# written by dev.pidbox.it.realapps.ZooKeeperServer: a standalone server (no server.N lines)",
                "tickTime=2000",
                "initLimit=10",
                "syncLimit=5",
                "dataDir=" + dataDir,
                "clientPort=" + clientPort,
                "clientPortAddress=127.0.0.1",
                "maxClientCnxns=60",
                "maxSessionTimeout=" + MAX_SESSION_TIMEOUT,
                "4lw.commands.whitelist=*",
                "admin.enableServer=true",
                "admin.serverAddress=127.0.0.1",
                "admin.serverPort=" + adminPort,
                "autopurge.purgeInterval=0",
                "");
    }

    private static String logbackXml(Path log) {
        return String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<!-- written by dev.pidbox.it.realapps.ZooKeeperServer; no scan: changes apply on an explicit reload -->",
                "<configuration>",
                "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">",
                "    <file>" + log + "</file>",
                "    <append>true</append>",
                "    <encoder>",
                "      <pattern>%d{ISO8601} %-5level [%thread] %logger - %msg%n</pattern>",
                "    </encoder>",
                "  </appender>",
                "  <root level=\"INFO\">",
                "    <appender-ref ref=\"FILE\"/>",
                "  </root>",
                "</configuration>",
                "");
    }

    private void awaitImok() throws InterruptedException {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            if (!app.isAlive()) {
                throw new AssertionError("zookeeper exited while starting\n" + app.tail(60) + "\n--- zookeeper.log\n"
                        + logTail(60));
            }
            try {
                last = fourLetter("ruok");
                if (last.equals("imok")) {
                    return;
                }
            } catch (UncheckedIOException e) {
                last = e.getCause().toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("zookeeper: ruok did not answer imok within " + START_TIMEOUT + " (last: " + last
                + ")\n" + app.tail(60) + "\n--- zookeeper.log\n" + logTail(60));
    }

    /** Sends a four-letter word ({@code ruok}, {@code srvr}, {@code conf}, {@code envi}, ...) and returns the answer. */
    public String fourLetter(String cmd) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", clientPort), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(cmd.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("four-letter word " + cmd + " on 127.0.0.1:" + clientPort, e);
        }
    }

    /** The value of {@code key} in a {@code key=value} four-letter answer such as {@code conf} or {@code envi}. */
    public String fourLetterValue(String cmd, String key) {
        for (String line : fourLetter(cmd).split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
    }

    private String logTail(int n) {
        List<String> all = RealApp.lines(logFile());
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    public long pid() {
        return app.pid();
    }

    public int clientPort() {
        return clientPort;
    }

    /** The AdminServer's port (Jetty, 127.0.0.1). */
    public int adminPort() {
        return adminPort;
    }

    /** The AdminServer's command root, e.g. {@code adminUrl() + "/configuration"}. */
    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort + "/commands";
    }

    /** The JMX name of the standalone server's bean: writable MaxSessionTimeout, MinSessionTimeout, ... */
    public String serverBeanName() {
        return "org.apache.ZooKeeperService:name0=StandaloneServer_port" + clientPort;
    }

    /** ZooKeeper's own log, written by Logback (File appender). */
    public Path logFile() {
        return workDir.resolve("zookeeper.log");
    }

    /** The Logback configuration the server was started with (-Dlogback.configurationFile); no scan. */
    public Path logbackXml() {
        return workDir.resolve("logback.xml");
    }

    public Path zooCfg() {
        return workDir.resolve("zoo.cfg");
    }

    public Path dataDir() {
        return workDir.resolve("data");
    }

    public Path workDir() {
        return workDir;
    }

    /** The process's console (stdout and stderr). */
    public Path console() {
        return app.console();
    }

    public RealApp app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
    }

    @Override
    public String toString() {
        return "zookeeper (pid " + pid() + ", client port " + clientPort + ", " + workDir + ")";
    }
}
