package dev.pidbox.it.realapps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stock Apache Tomcat 11 for the real-apps suite, hosting two webapps with logging contexts of their own:
 * {@code /logback-app} (SLF4J + Logback 1.3 in WEB-INF/lib, loggers under {@code org.example.shop}) and
 * {@code /log4j2-app} (Log4j 2 with log4j-jakarta-web, loggers under {@code org.example.billing}). Tomcat itself
 * logs through JULI ({@code org.apache.juli.ClassLoaderLogManager}) to {@code logs/catalina.<date>.log}.
 *
 * <p>{@link #start} builds a fresh CATALINA_BASE in the work directory from the distribution the
 * {@code apps/tomcat} module unpacked (CATALINA_HOME stays read-only), puts the HTTP connector on a free port of
 * 127.0.0.1, disables the shutdown port, and runs {@code org.apache.catalina.startup.Bootstrap start} with the
 * command line {@code bin/catalina.sh run} would build. {@link #close()} stops it with SIGTERM (Tomcat's shutdown
 * hook stops the webapps), then forcibly if it hangs.
 *
 * <p>Oracles for Tomcat's own (JULI) logging, checked by hand on 11.0.24: with
 * {@code org.apache.catalina.authenticator.AuthenticatorBase} at FINER (pidbox TRACE) every request writes
 * {@code ... FINER [http-nio-127.0.0.1-<port>-exec-N] org.apache.catalina.authenticator.AuthenticatorBase.invoke
 * Security checking request GET /logback-app/hello} to the catalina log; at FINE no Tomcat logger writes a line
 * per request. With {@code org.apache.coyote.http11.Http11Processor} at FINE, a client closing a kept-alive
 * connection writes {@code ... FINE [...] org.apache.coyote.http11.Http11Processor.service Error parsing HTTP
 * request header} followed by a {@code java.io.EOFException} stack trace (use a raw socket: the JDK's HTTP client
 * keeps connections open, so the line comes seconds later, and the launcher's own probes cause one too).
 */
public final class TomcatServer implements AutoCloseable {
    /** CATALINA_HOME: the unpacked binary distribution (bin/, lib/, conf/), relative to the it module. */
    public static final Path HOME = Paths.get("apps", "tomcat", "target", "tomcat");
    /** The two wars the apps/tomcat module copies next to the distribution. */
    public static final Path WARS = Paths.get("apps", "tomcat", "target", "webapps");

    public static final String LOGBACK_APP = "logback-app";
    public static final String LOG4J2_APP = "log4j2-app";

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final RealApp app;
    private final Path base;
    private final int port;

    private TomcatServer(RealApp app, Path base, int port) {
        this.app = app;
        this.base = base;
        this.port = port;
    }

    /**
     * Builds CATALINA_BASE in {@code workDir} (anything Tomcat-owned already there is removed first), starts Tomcat
     * with {@code javaHome}'s {@code bin/java} and {@code extraJvmOptions} (e.g. {@code -javaagent:...}) after the
     * standard options, and waits until both webapps' {@code /hello} answer 200.
     */
    public static TomcatServer start(Path javaHome, Path workDir, List<String> extraJvmOptions)
            throws InterruptedException {
        return start(javaHome, workDir, extraJvmOptions, Map.of());
    }

    /**
     * As {@link #start(Path, Path, List)}, with {@code loggingProperties} appended to this instance's
     * {@code conf/logging.properties} before Tomcat reads it, e.g.
     * {@code Map.of("org.apache.catalina.authenticator.AuthenticatorBase.level", "FINER")}: the hand-edited static
     * configuration, to compare with a level set at run time.
     */
    public static TomcatServer start(Path javaHome, Path workDir, List<String> extraJvmOptions,
            Map<String, String> loggingProperties) throws InterruptedException {
        Path home = HOME.toAbsolutePath().normalize();
        Path wars = WARS.toAbsolutePath().normalize();
        if (!Files.isRegularFile(home.resolve("bin/bootstrap.jar"))) {
            throw new IllegalStateException("no Tomcat distribution at " + home + "; build the apps/tomcat module");
        }
        Path base = workDir.toAbsolutePath().normalize();
        int port = RealApp.freePort();
        try {
            prepareBase(home, wars, base, port);
            if (!loggingProperties.isEmpty()) {
                StringBuilder extra = new StringBuilder(System.lineSeparator()).append("# added by TomcatServer")
                        .append(System.lineSeparator());
                loggingProperties.forEach((k, v) -> extra.append(k).append(" = ").append(v)
                        .append(System.lineSeparator()));
                Files.writeString(base.resolve("conf/logging.properties"), extra, StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build CATALINA_BASE in " + base, e);
        }

        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        // What catalina.sh puts before the main class, in its order.
        cmd.add("-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"));
        cmd.add("-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager");
        cmd.add("-Djdk.tls.ephemeralDHKeySize=2048");
        cmd.add("-Dorg.apache.catalina.security.SecurityListener.UMASK=0027");
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");
        cmd.add("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.addAll(extraJvmOptions);
        cmd.add("-classpath");
        cmd.add(home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"));
        cmd.add("-Dcatalina.base=" + base);
        cmd.add("-Dcatalina.home=" + home);
        cmd.add("-Djava.io.tmpdir=" + base.resolve("temp"));
        cmd.add("org.apache.catalina.startup.Bootstrap");
        cmd.add("start");

        RealApp app = RealApp.start("tomcat", cmd, base,
                Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString()));
        TomcatServer server = new TomcatServer(app, base, port);
        try {
            app.awaitHttp(server.url("/" + LOGBACK_APP + "/hello"), 200, STARTUP);
            app.awaitHttp(server.url("/" + LOG4J2_APP + "/hello"), 200, STARTUP);
        } catch (InterruptedException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void prepareBase(Path home, Path wars, Path base, int port) throws IOException {
        for (String dir : List.of("conf", "logs", "temp", "work", "webapps")) {
            deleteTree(base.resolve(dir));
        }
        Files.createDirectories(base);
        copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String app : List.of(LOGBACK_APP, LOG4J2_APP)) {
            Path war = wars.resolve(app + ".war");
            if (!Files.isRegularFile(war)) {
                throw new IllegalStateException("no " + war + "; build the apps/tomcat module (and its webapps)");
            }
            Files.copy(war, base.resolve("webapps").resolve(app + ".war"), StandardCopyOption.REPLACE_EXISTING);
        }

        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        xml = replaceOnce(xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        xml = replaceOnce(xml, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                "<Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        Files.writeString(serverXml, xml, StandardCharsets.UTF_8);
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("conf/server.xml: expected exactly one '" + from + "'");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The child process running Tomcat, for {@code awaitLine}, {@code tail}, {@code isAlive}. */
    public RealApp app() {
        return app;
    }

    public long pid() {
        return app.pid();
    }

    /** The HTTP connector's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port><path>}, e.g. {@code url("/logback-app/hello")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + (path.startsWith("/") ? path : "/" + path);
    }

    /** CATALINA_BASE (the work directory). */
    public Path base() {
        return base;
    }

    /** CATALINA_HOME (the unpacked distribution, shared by every run; do not edit). */
    public Path home() {
        return HOME.toAbsolutePath().normalize();
    }

    /** Tomcat's own JULI log for today, {@code logs/catalina.<yyyy-MM-dd>.log} (written asynchronously). */
    public Path catalinaLog() {
        return catalinaLog(LocalDate.now());
    }

    public Path catalinaLog(LocalDate day) {
        return base.resolve("logs").resolve("catalina." + day.format(DateTimeFormatter.ISO_LOCAL_DATE) + ".log");
    }

    /** stdout and stderr of the JVM; JULI's ConsoleHandler writes the same lines as the catalina log here. */
    public Path console() {
        return app.console();
    }

    /** JULI's configuration for this instance ({@code conf/logging.properties}), read once at startup. */
    public Path loggingProperties() {
        return base.resolve("conf/logging.properties");
    }

    /** The Logback webapp's own log file ({@code org.example.shop.*}). */
    public Path logbackAppLog() {
        return base.resolve("logs/logback-app.log");
    }

    /** The Log4j 2 webapp's own log file ({@code org.example.billing.*}). */
    public Path log4j2AppLog() {
        return base.resolve("logs/log4j2-app.log");
    }

    /** The Logback webapp's configuration as Tomcat unpacked it (the copy the running webapp reads). */
    public Path logbackXml() {
        return base.resolve("webapps/" + LOGBACK_APP + "/WEB-INF/classes/logback.xml");
    }

    /** The Log4j 2 webapp's configuration as Tomcat unpacked it (the copy the running webapp reads). */
    public Path log4j2Xml() {
        return base.resolve("webapps/" + LOG4J2_APP + "/WEB-INF/classes/log4j2.xml");
    }

    @Override
    public void close() {
        app.close();
    }

    @Override
    public String toString() {
        return "Tomcat (pid " + pid() + ", port " + port + ", " + base + ")";
    }
}
