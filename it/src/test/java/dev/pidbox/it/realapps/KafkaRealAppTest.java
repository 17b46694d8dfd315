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
 * An Apache Kafka 4.1 broker (KRaft, one node) from Maven Central, logging through Log4j 2 core, with the shipped
 * agent attached dynamically. Oracles: the broker's own log file, and its own socket-server metrics MBean.
 */
class KafkaRealAppTest extends RealAppContract {
    private KafkaServer kafka;

    KafkaRealAppTest() {
        super("kafka", "kafka.Kafka", "data-plane-kafka-", KafkaServer.CLUSTER_ID_MBEAN, "Value");
    }

    @Override
    long start(Path workDir) throws Exception {
        kafka = KafkaServer.start(TargetJvm.currentJavaHome(), workDir, List.of());
        return kafka.pid();
    }

    @Override
    void stopApplication() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void loggersListTheBrokersLog4jContextAndItsConfiguredLevels() throws Exception {
        Map<String, Object> loggers = shipped.callMap(node, "loggers", "framework", "log4j2");
        assertThat(Calls.rows(loggers.get("contexts"))).singleElement().satisfies(c ->
                assertThat(String.valueOf(c.get("config"))).endsWith(kafka.log4j2Xml().toString()));
        assertThat(rows(loggers, KafkaServer.REQUEST_LOGGER)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("level", "WARN"));
    }

    @Test
    void setLoggerWithoutAFrameworkChangesLog4jOnlyAndTheBrokerLogsAtDebug() throws Exception {
        // The request logger, configured at WARN, logs every request at DEBUG: among them the broker's heartbeat to
        // its own controller, every 2 s.
        String logger = KafkaServer.REQUEST_LOGGER;
        Map<String, Object> set = shipped.callMap(node, "set_logger", "name", logger, "level", "DEBUG");
        // Kafka logs through Log4j 2: no java.util.logging logger of that name is created or left behind.
        assertThat(Calls.rows(set.get("changes"))).singleElement().satisfies(c -> assertThat(c)
                .containsEntry("framework", "log4j2").containsEntry("old", "WARN").containsEntry("new", "DEBUG"));
        assertThat(rows(shipped.callMap(node, "loggers", "framework", "jul", "name", logger), logger)).isEmpty();
        kafka.app().awaitLine(kafka.log(), l -> l.contains("DEBUG " + logger), Duration.ofSeconds(10));

        Map<String, Object> back = shipped.callMap(node, "set_logger", "name", logger, "level", "WARN");
        assertThat(Calls.rows(back.get("changes")).get(0)).containsEntry("old", "DEBUG").containsEntry("new", "WARN");
        long before = debugLines(logger);
        Thread.sleep(5000); // two and a half heartbeats
        assertThat(debugLines(logger)).isEqualTo(before);
    }

    @Test
    void reloadMakesLog4jRereadTheEditedFileAndRefusesAMalformedOne() throws Exception {
        Path xml = kafka.log4j2Xml();
        String original = Files.readString(xml);
        String logger = KafkaServer.REQUEST_LOGGER;
        try {
            Files.writeString(xml, original.replace("name=\"" + logger + "\" level=\"WARN\"",
                    "name=\"" + logger + "\" level=\"DEBUG\""));
            Map<String, Object> reload = shipped.callMap(node, "reload");
            assertThat(reload).containsEntry("ok", true);
            assertThat(steps(reload, "log4j2")).singleElement().satisfies(s -> assertThat(s)
                    .containsEntry("outcome", "ok"));
            // The broker's heartbeat to its own controller is a request, logged at DEBUG every 2 s.
            kafka.app().awaitLine(kafka.log(), l -> l.contains("DEBUG " + logger), Duration.ofSeconds(15));

            Files.writeString(xml, original.replace("</Configuration>", "<Broken"));
            Map<String, Object> bad = shipped.callMap(node, "reload");
            assertThat(bad).containsEntry("ok", false);
            assertThat(steps(bad, "log4j2")).singleElement().satisfies(s -> {
                assertThat(s).containsEntry("outcome", "error");
                assertThat(String.valueOf(s.get("error"))).startsWith("malformed configuration, not applied");
            });
            assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger)).singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("level", "DEBUG"));
        } finally {
            Files.writeString(xml, original);
            shipped.callMap(node, "reload");
        }
        assertThat(rows(shipped.callMap(node, "loggers", "name", logger), logger)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("level", "WARN"));
    }

    @Test
    void theBrokersOwnSocketMetricsMBeanCountsAConnectionAsItHappens() throws Exception {
        double before = connections();
        // A connection the client closes at once may be dropped before Kafka counts it; a few tries settle that.
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (connections() <= before && System.nanoTime() < end) {
            kafka.connectOnce();
            Thread.sleep(500);
        }
        assertThat(connections()).isGreaterThan(before);
    }

    private double connections() throws Exception {
        Map<String, Object> got = shipped.callMap(node, "mbean.get", "name", KafkaServer.PLAINTEXT_SOCKET_MBEAN,
                "attribute", "connection-creation-total");
        return ((Number) got.get("value")).doubleValue();
    }

    private long debugLines(String logger) {
        return RealApp.lines(kafka.log()).stream().filter(l -> l.contains("DEBUG " + logger)).count();
    }
}
