package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.TargetJvm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot 3 executable fat jar (web, actuator, Logback 1.5 through SLF4J 2), whose libraries and classes live
 * in Boot's own class loader, with the shipped agent attached dynamically. Oracles: the actuator's
 * {@code /actuator/loggers/{name}} and {@code /actuator/threaddump}, the app's log file, its HTTP answer after an MBean
 * attribute changes, and the JVM's own flight recorder ({@code jcmd JFR.start}) for a profile.
 */
class SpringBootRealAppTest extends RealAppContract {
    /** Where Spring MVC hands every request to its controller. */
    private static final String DISPATCH = "org.springframework.web.servlet.DispatcherServlet.doDispatch";
    private SpringBootApp app;
    private Path logbackXml;

    SpringBootRealAppTest() {
        super("greeting", "spring-boot-app.jar", "http-nio-", SpringBootApp.SETTINGS_MBEAN, "Greeting");
    }

    @Override
    long start(Path workDir) throws Exception {
        Files.createDirectories(workDir);
        logbackXml = workDir.resolve("logback.xml");
        try (InputStream in = getClass().getResourceAsStream("/realapps/spring-boot-logback.xml")) {
            Files.write(logbackXml, in.readAllBytes());
        }
        app = SpringBootApp.start(TargetJvm.currentJavaHome(), workDir, List.of("-Dlogging.config=" + logbackXml));
        return app.pid();
    }

    @Override
    void stopApplication() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void loggersSeeTheLogbackContextInsideBootsOwnClassLoader() throws Exception {
        Map<String, Object> loggers = shipped.callMap(node, "loggers", "framework", "logback", "name", "org.example*");
        assertThat(Calls.rows(loggers.get("contexts"))).singleElement().satisfies(c -> {
            assertThat(String.valueOf(c.get("loader"))).startsWith("LaunchedClassLoader@");
            assertThat(String.valueOf(c.get("config"))).endsWith(logbackXml.toString());
        });
        assertThat(rows(loggers, SpringBootApp.CONTROLLER_LOGGER)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("effective_level", "INFO"));
    }

    @Test
    void setLoggerChangesTheLevelTheActuatorReportsAndDebugLinesComeAndGo() throws Exception {
        String logger = SpringBootApp.CONTROLLER_LOGGER;
        assertThat(app.actuatorLevel(logger).effective()).isEqualTo("INFO");

        Map<String, Object> set = shipped.callMap(node, "set_logger", "name", logger, "level", "DEBUG");
        assertThat(Calls.rows(set.get("changes"))).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("framework", "logback").containsEntry("old", null).containsEntry("new", "DEBUG"));
        assertThat(app.actuatorLevel(logger)).isEqualTo(new SpringBootApp.LoggerLevels("DEBUG", "DEBUG"));
        app.greet("debug-on");
        assertThat(app.greetLines("DEBUG", "debug-on")).hasSize(1);

        shipped.callMap(node, "set_logger", "name", logger, "level", null);
        assertThat(app.actuatorLevel(logger)).isEqualTo(new SpringBootApp.LoggerLevels(null, "INFO"));
        app.greet("debug-off");
        assertThat(app.greetLines("INFO", "debug-off")).hasSize(1);
        assertThat(app.greetLines("DEBUG", "debug-off")).isEmpty();
    }

    @Test
    void theHandlerTheAppShipsInsideItsFatJarAnswers() throws Exception {
        app.greet("counted");
        Map<String, Object> stats = shipped.callMap(node, SpringBootApp.STATS_HANDLER);
        assertThat(((Number) stats.get("served")).longValue()).isPositive();
    }

    @Test
    void reloadRereadsTheEditedLogbackFileAndRunsTheAppsReloadHook() throws Exception {
        String original = Files.readString(logbackXml);
        try {
            Files.writeString(logbackXml, original.replace("<root",
                    "<logger name=\"" + SpringBootApp.PACKAGE + "\" level=\"DEBUG\"/>\n  <root"));
            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", true);
            assertThat(steps(reload, "logback")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "ok"));
            assertThat(steps(reload, "hook")).anySatisfy(s -> assertThat(s)
                    .containsEntry("name", SpringBootApp.RELOAD_HOOK).containsEntry("outcome", "ok"));
            assertThat(app.actuatorLevel(SpringBootApp.PACKAGE).configured()).isEqualTo("DEBUG");
            app.greet("after-reload");
            assertThat(app.greetLines("DEBUG", "after-reload")).hasSize(1);
        } finally {
            Files.writeString(logbackXml, original);
            shipped.callMap(node, "reload");
        }
        assertThat(app.actuatorLevel(SpringBootApp.PACKAGE).configured()).isNull();
        app.greet("restored");
        assertThat(app.greetLines("DEBUG", "restored")).isEmpty();
    }

    @Test
    void aFileLogback15CannotApplyComesBackAsAnErrorAndTheLastGoodConfigurationReturns() throws Exception {
        String original = Files.readString(logbackXml);
        try {
            // Logback 1.5 skips an appender nothing refers to, so the root logger refers to it.
            Files.writeString(logbackXml, original.replace("<root", "<appender name=\"BAD\" class=\"no.such.Appender\"/>\n"
                    + "  <logger name=\"" + SpringBootApp.PACKAGE + "\" level=\"DEBUG\"/>\n  <root")
                    .replace("<appender-ref ref=\"FILE\"/>", "<appender-ref ref=\"FILE\"/><appender-ref ref=\"BAD\"/>"));
            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", false);
            assertThat(steps(reload, "logback")).singleElement().satisfies(s -> {
                assertThat(s).containsEntry("outcome", "error").containsEntry("rolled_back", true);
                assertThat(String.valueOf(s.get("error"))).contains("no.such.Appender");
            });
            assertThat(app.actuatorLevel(SpringBootApp.PACKAGE).configured()).isNull();
            app.greet("after-bad-file");
            assertThat(app.greetLines("INFO", "after-bad-file")).hasSize(1);
            assertThat(app.greetLines("DEBUG", "after-bad-file")).isEmpty();
        } finally {
            Files.writeString(logbackXml, original);
            shipped.callMap(node, "reload");
        }
    }

    @Test
    void mbeanSetChangesTheAttributeTheAppAnswersWith() throws Exception {
        Map<String, Object> set = shipped.callMap(node, "mbean.set", "name", SpringBootApp.SETTINGS_MBEAN, "attribute",
                "Greeting", "value", "Howdy");
        assertThat(set).containsEntry("old", SpringBootApp.DEFAULT_GREETING).containsEntry("new", "Howdy");
        try {
            assertThat(app.greet("jmx")).isEqualTo("Howdy, jmx");
        } finally {
            shipped.callMap(node, "mbean.set", "name", SpringBootApp.SETTINGS_MBEAN, "attribute", "Greeting", "value",
                    SpringBootApp.DEFAULT_GREETING);
        }
    }

    /**
     * The wall profile of Tomcat's threads, taken with the shipped CLI, holds every stack and state Spring's own thread
     * dump shows for them (the threads whose stack and state were the same in a dump before and one after, so that a
     * thread that moved in between is not held against the profile).
     */
    @Test
    void wallProfileShowsTheStacksAndStatesOfSpringsOwnThreadDump() throws Exception {
        Map<String, List<String>> before = ProfileOracles.actuatorThreadDump(app.baseUrl());
        Map<String, Object> doc = shipped.pidbox("profile", "--to", node, "--mode", "wall", "--duration", "1s",
                "--name", "http-nio-*");
        Map<String, List<String>> after = ProfileOracles.actuatorThreadDump(app.baseUrl());
        Set<List<String>> profiled = new HashSet<>();
        for (Map<String, Object> s : Calls.rows(Calls.map(doc.get("profile")).get("stacks"))) {
            profiled.add(frames(s.get("frames")));
        }
        List<String> stable = new ArrayList<>();
        before.forEach((name, stack) -> {
            if (name.startsWith("http-nio-") && stack.equals(after.get(name))
                    && !String.join(";", stack).contains("ThreadDumpEndpoint")) {
                stable.add(name);
            }
        });
        assertThat(stable).as("Tomcat threads idle in both dumps").hasSizeGreaterThanOrEqualTo(3);
        for (String name : stable) {
            assertThat(profiled).as("the wall profile holds %s's stack from the actuator's dump", name)
                    .contains(before.get(name));
        }
    }

    /**
     * Under load, a {@code cpu} profile of Tomcat's threads finds the controller, and Spring's dispatcher in the share
     * of samples the JVM's own flight recorder (started with {@code jcmd JFR.start} and read with the JDK's reader)
     * finds it in; and the host's recording goes on sampling after pidbox's profile ended and closed its own.
     */
    @Test
    void cpuProfileUnderLoadFindsTheControllerWhereJfrsOwnRecordingDoes() throws Exception {
        String controller = SpringBootApp.CONTROLLER_LOGGER + ".greet";
        Path jfr = dir.resolve("oracle.jfr");
        TargetJvm.jcmd(TargetJvm.currentJavaHome(), pid, "JFR.start", "name=oracle");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong served = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    app.greet("load");
                    served.incrementAndGet();
                }
            }, "load-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }
        Map<String, Object> doc;
        Instant profileEnded;
        try {
            Thread.sleep(500);
            doc = shipped.pidbox("profile", "--to", node, "--duration", "5s", "--name", "http-nio-*");
            profileEnded = Instant.now();
            Thread.sleep(1000);
        } finally {
            stop.set(true);
            for (Thread t : load) {
                t.join(10_000);
            }
            TargetJvm.jcmd(TargetJvm.currentJavaHome(), pid, "JFR.stop", "name=oracle", "filename=" + jfr);
        }
        assertThat(served.get()).as("requests the app answered").isGreaterThan(100);
        List<Map<String, Object>> stacks = Calls.rows(Calls.map(doc.get("profile")).get("stacks"));
        long ours = 0;
        long ourTotal = 0;
        boolean ourController = false;
        for (Map<String, Object> s : stacks) {
            long c = ((Number) ((List<?>) s.get("counts")).get(0)).longValue();
            List<String> frames = frames(s.get("frames"));
            ourTotal += c;
            ours += frames.contains(DISPATCH) ? c : 0;
            ourController |= frames.contains(controller);
        }
        List<ProfileOracles.Sample> samples = ProfileOracles.executionSamples(jfr);
        long theirs = 0;
        long theirTotal = 0;
        for (ProfileOracles.Sample s : samples) {
            if (s.thread.startsWith("http-nio-")) {
                theirTotal++;
                theirs += s.frames.contains(DISPATCH) ? 1 : 0;
            }
        }
        assertThat(ourTotal).as("pidbox's samples of Tomcat's threads").isGreaterThanOrEqualTo(30);
        assertThat(theirTotal).as("JFR's samples of Tomcat's threads").isGreaterThanOrEqualTo(30);
        assertThat(ourController).as("the controller in pidbox's profile; its widest stacks %s",
                stacks.subList(0, Math.min(3, stacks.size()))).isTrue();
        double ourShare = (double) ours / ourTotal;
        double theirShare = (double) theirs / theirTotal;
        System.out.printf(Locale.ROOT, "cpu profile under load: %d requests; %s in %d of pidbox's %d samples, %d of"
                + " JFR's %d%n", served.get(), DISPATCH, ours, ourTotal, theirs, theirTotal);
        assertThat(ourShare).as("share of samples in %s: pidbox %s of %s, JFR %s of %s", DISPATCH, ours, ourTotal,
                theirs, theirTotal).isGreaterThan(0.2).isCloseTo(theirShare, within(0.15));
        assertThat(samples).as("the host's own recording samples after pidbox's profile ended")
                .anyMatch(s -> s.time.isAfter(profileEnded.plusMillis(200)));
    }

    private static List<String> frames(Object list) {
        List<String> out = new ArrayList<>();
        for (Object f : (List<?>) list) {
            out.add(String.valueOf(f));
        }
        return out;
    }

    /** The same fat jar on Java 25 with the agent given at start: host handlers appear once Boot made its loader. */
    @Test
    void withJavaagentOnJava25TheAppsHandlerAndLoggersAreFoundAfterBootStarts() throws Exception {
        Shipped other = new Shipped("boot25");
        Path work = Files.createDirectories(dir.resolve("boot25"));
        Path xml = work.resolve("logback.xml");
        Files.copy(logbackXml, xml);
        try (SpringBootApp app25 = SpringBootApp.start(TargetJvm.JAVA_25, work,
                List.of(other.javaagent("greeting25"), "-Dlogging.config=" + xml))) {
            String node25 = Shipped.nodeName("greeting25", app25.pid());
            assertThat(other.callMap(node25, "runtime").get("java_version").toString()).startsWith("25");
            Map<String, Object> stats = awaitHandler(other, node25, SpringBootApp.STATS_HANDLER, Duration.ofSeconds(60));
            assertThat(stats).containsKey("served");
            other.callMap(node25, "set_logger", "name", SpringBootApp.CONTROLLER_LOGGER, "level", "DEBUG");
            assertThat(app25.actuatorLevel(SpringBootApp.CONTROLLER_LOGGER).configured()).isEqualTo("DEBUG");
        }
    }

    /** Calls a handler until the node serves it (the agent looks for host providers again after start). */
    private static Map<String, Object> awaitHandler(Shipped s, String node, String handler, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < end) {
            Map<String, Object> doc = s.pidbox("call", handler, "--to", node, "--timeout", "5s");
            Object value = Calls.map(doc.get("replies")).get(node);
            if (value != null) {
                return Calls.map(value);
            }
            last = String.valueOf(doc);
            Thread.sleep(1000);
        }
        throw new AssertionError(handler + " never answered on " + node + " within " + timeout + ": " + last);
    }
}
