package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Apache Tomcat 11 (the official distribution from Maven Central) hosting two webapps, one with its own SLF4J and
 * Logback 1.3, one with its own Log4j 2, each with its own configuration and log file, while Tomcat logs through
 * JULI, which keeps one JUL logger tree per class loader. The shipped agent is attached dynamically. Oracles: the
 * catalina log, each webapp's own log file.
 */
class TomcatRealAppTest extends RealAppContract {
    private static final String AUTHENTICATOR = "org.apache.catalina.authenticator.AuthenticatorBase";
    private static final String SHOP = "org.example.shop.HelloServlet";
    private static final String BILLING = "org.example.billing.HelloServlet";

    private TomcatServer tomcat;

    TomcatRealAppTest() {
        super("tomcat", "org.apache.catalina.startup.Bootstrap", "http-nio-", "Catalina:type=Server", "serverInfo");
    }

    @Override
    long start(Path workDir) throws Exception {
        tomcat = TomcatServer.start(TargetJvm.currentJavaHome(), workDir, List.of());
        return tomcat.pid();
    }

    @Override
    void stopApplication() {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void loggersListTomcatsOwnLoggersAndEachWebappsContext() throws Exception {
        Map<String, Object> loggers = shipped.callMap(node, "loggers");
        assertThat((List<Object>) loggers.get("frameworks")).containsExactly("jul", "logback", "log4j2");
        List<Map<String, Object>> contexts = Calls.rows(loggers.get("contexts"));
        assertThat(contexts).anySatisfy(c -> {
            assertThat(c).containsEntry("framework", "logback").containsEntry("loader", "webapp:/logback-app");
            assertThat(String.valueOf(c.get("config"))).endsWith("logback-app/WEB-INF/classes/logback.xml");
        });
        assertThat(contexts).anySatisfy(c -> {
            assertThat(c).containsEntry("framework", "log4j2").containsEntry("loader", "webapp:/log4j2-app");
            assertThat(String.valueOf(c.get("config"))).endsWith("log4j2-app/WEB-INF/classes/log4j2.xml");
        });
        // Tomcat's own loggers live in the JUL tree of Tomcat's class loader, not the system loader's.
        assertThat(rows(loggers, AUTHENTICATOR)).isNotEmpty().allSatisfy(r -> assertThat(r)
                .containsEntry("framework", "jul").extractingByKey("context").asString().isNotEqualTo("jul:app"));
        assertThat(rows(loggers, SHOP)).singleElement().satisfies(r -> assertThat(r).containsEntry("framework", "logback"));
        assertThat(rows(loggers, BILLING)).singleElement().satisfies(r -> assertThat(r).containsEntry("framework", "log4j2"));

        // The CLI's own loggers command narrows to one webapp's tree.
        Map<String, Object> doc = shipped.pidbox("loggers", "--to", node, "--context", "log4j2:*", "--timeout", "30s");
        Map<String, Object> only = Calls.map(Calls.map(doc.get("replies")).get(node));
        assertThat(Calls.rows(only.get("contexts"))).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("loader", "webapp:/log4j2-app"));
        assertThat(Calls.rows(only.get("loggers"))).isNotEmpty().allSatisfy(r -> assertThat(r)
                .containsEntry("framework", "log4j2"));
    }

    @Test
    void setLoggerReachesTomcatsOwnJuliTreeAndTheCatalinaLogShowsIt() throws Exception {
        Map<String, Object> set = shipped.callMap(node, "set_logger", "name", AUTHENTICATOR, "level", "TRACE");
        // Every JULI tree that has the logger (Tomcat may create it under a webapp's loader too), none other.
        assertThat(Calls.rows(set.get("changes"))).isNotEmpty().allSatisfy(c -> assertThat(c)
                .containsEntry("framework", "jul").containsEntry("old", null).containsEntry("new", "FINEST"));
        tomcat.app().awaitHttp(tomcat.url("/logback-app/loud-a"), 404, Duration.ofSeconds(10));
        tomcat.app().awaitLine(tomcat.catalinaLog(), l -> l.contains("Security checking request GET /logback-app/loud-a"),
                Duration.ofSeconds(10));

        Map<String, Object> cleared = shipped.callMap(node, "set_logger", "name", AUTHENTICATOR, "level", null);
        assertThat(Calls.rows(cleared.get("changes")).get(0)).containsEntry("old", "FINEST").containsEntry("new", null);
        tomcat.app().awaitHttp(tomcat.url("/logback-app/quiet-b"), 404, Duration.ofSeconds(10));
        // Raise it again for one more request: its line coming, and the one before it never, shows the clear worked.
        shipped.callMap(node, "set_logger", "name", AUTHENTICATOR, "level", "TRACE");
        tomcat.app().awaitHttp(tomcat.url("/logback-app/loud-c"), 404, Duration.ofSeconds(10));
        tomcat.app().awaitLine(tomcat.catalinaLog(), l -> l.contains("Security checking request GET /logback-app/loud-c"),
                Duration.ofSeconds(10));
        assertThat(RealApp.lines(tomcat.catalinaLog())).noneMatch(l -> l.contains("/logback-app/quiet-b"));
        shipped.callMap(node, "set_logger", "name", AUTHENTICATOR, "level", null);
    }

    @Test
    void setLoggerChangesEachWebappsOwnFrameworkAndItsOwnLogFile() throws Exception {
        Map<String, Object> shop = shipped.callMap(node, "set_logger", "name", SHOP, "level", "DEBUG");
        assertThat(changes(shop)).containsExactly("logback:webapp:/logback-app=DEBUG");
        Map<String, Object> billing = shipped.callMap(node, "set_logger", "name", BILLING, "level", "DEBUG");
        assertThat(changes(billing)).singleElement().asString().startsWith("log4j2:webapp:/log4j2-app").endsWith("=DEBUG");
        try {
            tomcat.app().awaitHttp(tomcat.url("/logback-app/hello"), 200, Duration.ofSeconds(10));
            tomcat.app().awaitHttp(tomcat.url("/log4j2-app/hello"), 200, Duration.ofSeconds(10));
            tomcat.app().awaitLine(tomcat.logbackAppLog(), l -> l.contains("DEBUG") && l.contains(SHOP), Duration.ofSeconds(10));
            tomcat.app().awaitLine(tomcat.log4j2AppLog(), l -> l.contains("DEBUG") && l.contains(BILLING), Duration.ofSeconds(10));
            // Each webapp writes only its own file.
            assertThat(RealApp.lines(tomcat.logbackAppLog())).noneMatch(l -> l.contains(BILLING));
            assertThat(RealApp.lines(tomcat.log4j2AppLog())).noneMatch(l -> l.contains(SHOP));
        } finally {
            shipped.callMap(node, "set_logger", "name", SHOP, "level", null);
            shipped.callMap(node, "set_logger", "name", BILLING, "level", null);
        }
    }

    @Test
    void setLoggerCanTargetOneLoggerTreeByContextId() throws Exception {
        Map<String, Object> set = shipped.callMap(node, "set_logger", "name", "ROOT", "level", "WARN", "context",
                "logback:*");
        try {
            assertThat(changes(set)).containsExactly("logback:webapp:/logback-app=WARN");
            Map<String, Object> loggers = shipped.callMap(node, "loggers", "name", "ROOT", "configured", true);
            assertThat(rows(loggers, "ROOT")).anySatisfy(r -> assertThat(r).containsEntry("framework", "log4j2")
                    .containsEntry("level", "INFO"));
        } finally {
            shipped.callMap(node, "set_logger", "name", "ROOT", "level", "INFO", "context", "logback:*");
        }
    }

    @Test
    void theHandlerAWebappShipsAnswersFromTheWebappsOwnClassLoader() throws Exception {
        tomcat.app().awaitHttp(tomcat.url("/log4j2-app/hello"), 200, Duration.ofSeconds(10));
        Map<String, Object> stats = shipped.callMap(node, "billing.stats");
        assertThat(((Number) stats.get("requests")).longValue()).isPositive();
        assertThat(shipped.call(node, "describe").toString()).contains("billing.stats");
    }

    @Test
    void reloadRereadsTheEditedWebappConfigurationAndRunsTheHookTheWebappShips() throws Exception {
        Path xml = tomcat.logbackXml();
        String original = Files.readString(xml);
        try {
            Files.writeString(xml, original.replace("<root", "<logger name=\"org.example.shop\" level=\"DEBUG\"/>\n  <root"));
            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", true);
            assertThat(steps(reload, "logback")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "ok"));
            assertThat(steps(reload, "log4j2")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "ok"));
            // JULI keeps its own configuration per class loader; pidbox says so instead of pretending.
            assertThat(steps(reload, "jul")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "skipped"));
            assertThat(steps(reload, "hook")).anySatisfy(s -> assertThat(s).containsEntry("name", "shop-cache")
                    .containsEntry("outcome", "ok").containsEntry("loader", "webapp:/logback-app"));
            tomcat.app().awaitHttp(tomcat.url("/logback-app/hello"), 200, Duration.ofSeconds(10));
            tomcat.app().awaitLine(tomcat.logbackAppLog(), l -> l.contains("DEBUG") && l.contains(SHOP), Duration.ofSeconds(10));
        } finally {
            Files.writeString(xml, original);
        }
        Map<String, Object> restored = shipped.callMap(node, "reload");
        assertThat(restored).as("reload of the restored file").containsEntry("ok", true);
        assertThat(rows(shipped.callMap(node, "loggers", "name", "org.example.shop"), "org.example.shop"))
                .allSatisfy(r -> assertThat(r).containsEntry("level", null));
    }
}
