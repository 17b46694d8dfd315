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
 * Apache ZooKeeper 3.9 from Maven Central, a server that logs through SLF4J 1.7 straight into Logback 1.2 (the
 * oldest Logback line pidbox drives), with the shipped agent attached dynamically. Oracles: ZooKeeper's own log
 * file and its four-letter-word answers.
 */
class ZooKeeperRealAppTest extends RealAppContract {
    private ZooKeeperServer zk;

    ZooKeeperRealAppTest() {
        super("zookeeper", ZooKeeperServer.MAIN_CLASS, "NIOServerCxnFactory",
                "org.apache.ZooKeeperService:name0=StandaloneServer_port*", "MaxSessionTimeout");
    }

    @Override
    long start(Path workDir) throws Exception {
        zk = ZooKeeperServer.start(TargetJvm.currentJavaHome(), workDir, List.of());
        return zk.pid();
    }

    @Override
    void stopApplication() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void loggersListZooKeepersLogbackContextWithTheFileItWasConfiguredFrom() throws Exception {
        Map<String, Object> loggers = shipped.callMap(node, "loggers", "framework", "logback");
        assertThat((List<Object>) loggers.get("frameworks")).contains("jul", "logback");
        assertThat(Calls.rows(loggers.get("contexts"))).singleElement().satisfies(c -> {
            assertThat(c).containsEntry("id", "logback:app");
            assertThat(String.valueOf(c.get("config"))).endsWith(zk.logbackXml().toString());
        });
        assertThat(rows(loggers, "ROOT")).singleElement().satisfies(r -> assertThat(r).containsEntry("level", "INFO"));
        assertThat(rows(loggers, ZooKeeperServer.CONNECTION_LOGGER)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("effective_level", "INFO"));
    }

    @Test
    void setLoggerDebugMakesZooKeeperWriteDebugLinesAndClearingItStopsThem() throws Exception {
        String logger = ZooKeeperServer.CONNECTION_LOGGER;
        Map<String, Object> set = shipped.callMap(node, "set_logger", "name", logger, "level", "DEBUG");
        // Logback is where ZooKeeper logs; no java.util.logging level is left behind.
        assertThat(changes(set)).containsExactly("logback:app=DEBUG");
        assertThat(Calls.rows(set.get("changes")).get(0)).containsEntry("old", null);

        zk.fourLetter("srvr");
        zk.app().awaitLine(zk.logFile(), l -> l.contains(" DEBUG ") && l.contains(logger), Duration.ofSeconds(10));

        Map<String, Object> cleared = shipped.callMap(node, "set_logger", "name", logger, "level", null);
        assertThat(Calls.rows(cleared.get("changes")).get(0)).containsEntry("old", "DEBUG").containsEntry("new", null);
        long debugBefore = debugLines(logger);
        zk.fourLetter("srvr");
        zk.fourLetter("ruok");
        // srvr is answered and logged at INFO by another logger: wait for that, then count again.
        zk.app().awaitLine(zk.logFile(), l -> l.contains("Processing ruok command"), Duration.ofSeconds(10));
        assertThat(debugLines(logger)).isEqualTo(debugBefore);
    }

    @Test
    void reloadRereadsLogbackXmlAndAMalformedFileLeavesTheRunningConfiguration() throws Exception {
        Path xml = zk.logbackXml();
        String original = Files.readString(xml);
        String logger = ZooKeeperServer.CONNECTION_LOGGER;
        try {
            Files.writeString(xml, original.replace("<root", "<logger name=\"" + logger + "\" level=\"DEBUG\"/>\n  <root"));
            Map<String, Object> dry = shipped.callMap(node, "reload", "dry_run", true);
            assertThat(steps(dry, "logback")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "would_reload"));
            assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger).get(0))
                    .containsEntry("level", null);

            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", true);
            assertThat(steps(reload, "logback")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "ok").containsEntry("context", "logback:app"));
            zk.fourLetter("srvr");
            zk.app().awaitLine(zk.logFile(), l -> l.contains(" DEBUG ") && l.contains(logger), Duration.ofSeconds(10));

            Files.writeString(xml, original.replace("</configuration>", "<logger name=\"broken\""));
            Map<String, Object> bad = shipped.callMap(node, "reload");
            assertThat(bad).containsEntry("ok", false);
            assertThat(steps(bad, "logback")).singleElement().satisfies(s -> {
                assertThat(s).containsEntry("outcome", "error");
                assertThat(String.valueOf(s.get("error"))).startsWith("malformed configuration, not applied");
            });
            // The running configuration is the one read before: the logger is still at DEBUG and still writes.
            assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger).get(0))
                    .containsEntry("level", "DEBUG");
            long before = debugLines(logger);
            zk.fourLetter("srvr");
            zk.app().awaitLine(zk.logFile(), l -> debugLines(logger) > before, Duration.ofSeconds(10));
        } finally {
            Files.writeString(xml, original);
            shipped.callMap(node, "reload");
        }
        assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger).get(0)).containsEntry("level", null);
    }

    @Test
    void aWellFormedFileLogbackCannotApplyIsReportedWithLogbacksOwnErrorsAndTheLastGoodConfigurationReturns()
            throws Exception {
        Path xml = zk.logbackXml();
        String original = Files.readString(xml);
        String logger = ZooKeeperServer.CONNECTION_LOGGER;
        try {
            Files.writeString(xml, original.replace("<root", "<appender name=\"BAD\" class=\"no.such.Appender\"/>\n"
                    + "  <logger name=\"" + logger + "\" level=\"DEBUG\"/>\n  <root"));
            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", false);
            assertThat(steps(reload, "logback")).singleElement().satisfies(s -> {
                assertThat(s).containsEntry("outcome", "error").containsEntry("rolled_back", true);
                assertThat(String.valueOf(s.get("error"))).contains("no.such.Appender");
            });
            // Back on the configuration read at start: the logger inherits INFO and ZooKeeper still writes its log.
            assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger).get(0))
                    .containsEntry("level", null).containsEntry("effective_level", "INFO");
            long infoBefore = RealApp.lines(zk.logFile()).stream().filter(l -> l.contains("Processing ruok command")).count();
            zk.fourLetter("ruok");
            zk.app().awaitLine(zk.logFile(), l -> RealApp.lines(zk.logFile()).stream()
                    .filter(x -> x.contains("Processing ruok command")).count() > infoBefore, Duration.ofSeconds(10));
        } finally {
            Files.writeString(xml, original);
            shipped.callMap(node, "reload");
        }
    }

    @Test
    void mbeanSetChangesZooKeepersOwnConfigurationAsItsConfCommandReports() throws Exception {
        assertThat(zk.fourLetterValue("conf", "maxSessionTimeout")).isEqualTo("40000");
        Map<String, Object> set = shipped.callMap(node, "mbean.set", "name", zk.serverBeanName(), "attribute",
                "MaxSessionTimeout", "value", 55000);
        assertThat(set).containsEntry("old", 40000).containsEntry("new", 55000);
        assertThat(zk.fourLetterValue("conf", "maxSessionTimeout")).isEqualTo("55000");
        shipped.callMap(node, "mbean.set", "name", zk.serverBeanName(), "attribute", "MaxSessionTimeout", "value", 40000);
    }

    private long debugLines(String logger) {
        return RealApp.lines(zk.logFile()).stream().filter(l -> l.contains(" DEBUG ") && l.contains(logger)).count();
    }
}
