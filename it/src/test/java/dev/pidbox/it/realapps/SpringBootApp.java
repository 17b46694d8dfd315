package dev.pidbox.it.realapps;

import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * A Spring Boot 3.5 web service (module {@code it/apps/spring-boot-app}: starters web and actuator, Logback through
 * SLF4J, package {@code org.example.greeting}) run as an executable fat jar, the way such services are run:
 * {@code java <options> -jar spring-boot-app.jar --server.port=<port> --logging.file.name=<workDir>/app.log}.
 * Its own classes and libraries sit in {@code BOOT-INF/} of the jar and are loaded by Spring Boot's launcher class
 * loader, not by the system class loader; it bundles no pidbox classes and runs without the agent.
 *
 * <p>The fat jar carries two host-provided pidbox extensions (the SPIs come from the agent on the system class path):
 * a {@code dev.pidbox.HandlerProvider} with the handler {@value #STATS_HANDLER} (READ; answers
 * {@code {"started": true, "served": <long>, "greeting": <string>}}) and a {@code dev.pidbox.jmx.ReloadHook} named
 * {@value #RELOAD_HOOK} (answers the same map).
 *
 * <p>Oracles (the service's own view, independent of pidbox):
 * <ul>
 *   <li>{@link #greet(String)}: {@code GET /greet?name=x} answers {@code <greeting>, x}.</li>
 *   <li>Logger {@value #CONTROLLER_LOGGER} logs per request one INFO line {@code greeting served to x} and one DEBUG
 *       line {@code greeting served to x with '<greeting>' (greeting #n)} into {@link #logFile()}; at the default
 *       INFO only the first. {@link #greetLines(String, String)} finds them.</li>
 *   <li>{@link #actuatorLevel(String)}: {@code GET /actuator/loggers/{name}}, the logger's configured and effective
 *       Logback level as Spring Boot sees it ({@link #setActuatorLevel(String, String)} changes it the Boot way).</li>
 *   <li>MBean {@value #SETTINGS_MBEAN} (exported by Spring, platform MBean server): read/write attribute
 *       {@code Greeting} (default {@value #DEFAULT_GREETING}), which {@code /greet} uses at once; read-only
 *       {@code GreetingsServed}, the number of {@code /greet} requests served.</li>
 *   <li>{@code GET /actuator/health} answers 200 with {@code {"status":"UP"}}.</li>
 * </ul>
 * The application's configuration ({@code application.properties}) is inside the jar; there is no file to edit.
 */
public final class SpringBootApp implements AutoCloseable {
    /** The controller's SLF4J logger: one INFO and one DEBUG line per {@code /greet} request. */
    public static final String CONTROLLER_LOGGER = "org.example.greeting.GreetingController";
    /** The application's package, the parent logger of {@link #CONTROLLER_LOGGER}. */
    public static final String PACKAGE = "org.example.greeting";
    /** The service's own Spring-exported MBean. */
    public static final String SETTINGS_MBEAN = "org.example.greeting:type=GreetingSettings";
    /** The value of the MBean attribute {@code Greeting} at start. */
    public static final String DEFAULT_GREETING = "Hello";
    /** The host-provided pidbox handler inside the fat jar. */
    public static final String STATS_HANDLER = "greeting.stats";
    /** The name of the host-provided reload hook inside the fat jar. */
    public static final String RELOAD_HOOK = "greeting-settings";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final RealApp app;
    private final int port;
    private final Path workDir;
    private final Path logFile;

    private SpringBootApp(RealApp app, int port, Path workDir, Path logFile) {
        this.app = app;
        this.port = port;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /** The fat jar built by {@code it/apps/spring-boot-app} ({@code mvn package}), relative to the it module. */
    public static Path jar() {
        return Paths.get("apps", "spring-boot-app", "target", "spring-boot-app.jar").toAbsolutePath();
    }

    /**
     * Starts the fat jar in {@code workDir} with {@code extraJvmOptions} (e.g. {@code -javaagent:...}) before
     * {@code -jar}, on a free port bound to 127.0.0.1, logging to {@code <workDir>/app.log} (and to the console,
     * {@code <workDir>/console.log}), and waits until {@code /actuator/health} answers 200.
     */
    public static SpringBootApp start(Path javaHome, Path workDir, List<String> extraJvmOptions)
            throws InterruptedException {
        Path jar = jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Spring Boot fat jar at " + jar
                    + "; build it with ./mvnw -B -f it/apps/spring-boot-app/pom.xml package");
        }
        Path dir = workDir.toAbsolutePath();
        Path log = dir.resolve("app.log");
        int port = RealApp.freePort();

        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(extraJvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--logging.file.name=" + log);

        RealApp app = RealApp.start("spring-boot-app", cmd, dir, Map.of());
        SpringBootApp boot = new SpringBootApp(app, port, dir, log);
        try {
            app.awaitHttp(boot.baseUrl() + "/actuator/health", 200, START_TIMEOUT);
        } catch (RuntimeException | Error | InterruptedException e) {
            app.close();
            throw e;
        }
        return boot;
    }

    public long pid() {
        return app.pid();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The application's log file ({@code --logging.file.name}); Spring Boot's default pattern, level in column 2. */
    public Path logFile() {
        return logFile;
    }

    /** The JVM's console (stdout and stderr): the same log lines, the banner, and whatever the agent prints. */
    public Path console() {
        return app.console();
    }

    public Path workDir() {
        return workDir;
    }

    /** The child process, for {@code awaitLine}, {@code tail} and {@code isAlive}. */
    public RealApp app() {
        return app;
    }

    /** {@code GET /greet?name=<name>}: the body, {@code <greeting>, <name>}; fails on any status but 200. */
    public String greet(String name) {
        RealApp.Response r = RealApp.http("GET",
                baseUrl() + "/greet?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
        if (r.status != 200) {
            throw new AssertionError("GET /greet?name=" + name + " answered " + r + "\n" + app.tail(40));
        }
        return r.body;
    }

    /**
     * The lines of {@link #logFile()} that {@code /greet} logged for {@code name} at {@code level} ({@code "INFO"}: the
     * line {@code greeting served to <name>}; {@code "DEBUG"}: {@code greeting served to <name> with '...' (greeting #n)}).
     */
    public List<String> greetLines(String level, String name) {
        String marker = "greeting served to " + name;
        List<String> out = new ArrayList<>();
        for (String line : logLines()) {
            int at = line.indexOf(marker);
            if (at < 0 || !line.contains(" " + level + " ") || !line.contains(".GreetingController ")) {
                continue;
            }
            String rest = line.substring(at + marker.length());
            if (rest.isEmpty() || rest.startsWith(" with '")) {
                out.add(line);
            }
        }
        return out;
    }

    /** The lines of {@link #logFile()} so far. */
    public List<String> logLines() {
        return RealApp.lines(logFile);
    }

    /**
     * A logger's levels as Spring Boot's {@code GET /actuator/loggers/{name}} reports them: {@code configured} is null
     * when no level is set on that logger itself (Boot then omits {@code configuredLevel}).
     */
    public LoggerLevels actuatorLevel(String logger) {
        RealApp.Response r = RealApp.http("GET", baseUrl() + "/actuator/loggers/" + logger, null);
        if (r.status != 200) {
            throw new AssertionError("GET /actuator/loggers/" + logger + " answered " + r);
        }
        Object decoded;
        try {
            decoded = JsonValues.decode(r.body);
        } catch (IOException e) {
            throw new AssertionError("not JSON from /actuator/loggers/" + logger + ": " + r.body, e);
        }
        if (!(decoded instanceof Map)) {
            throw new AssertionError("not a JSON object from /actuator/loggers/" + logger + ": " + r.body);
        }
        Map<?, ?> m = (Map<?, ?>) decoded;
        return new LoggerLevels((String) m.get("configuredLevel"), (String) m.get("effectiveLevel"));
    }

    /**
     * Sets a logger's level through Spring Boot ({@code POST /actuator/loggers/{name}}); {@code level} null clears
     * it. For tests that compare with, or undo, a change made by other means.
     */
    public void setActuatorLevel(String logger, String level) {
        String body = level == null ? "{\"configuredLevel\":null}" : "{\"configuredLevel\":\"" + level + "\"}";
        RealApp.Response r = RealApp.http("POST", baseUrl() + "/actuator/loggers/" + logger, body);
        if (r.status != 204 && r.status != 200) {
            throw new AssertionError("POST /actuator/loggers/" + logger + " " + body + " answered " + r);
        }
    }

    /** A logger's configured level (null when unset) and effective level, both Logback level names. */
    public record LoggerLevels(String configured, String effective) {
    }

    @Override
    public void close() {
        app.close();
    }

    @Override
    public String toString() {
        return "spring-boot-app (pid " + pid() + ", " + baseUrl() + ", " + workDir + ")";
    }
}
