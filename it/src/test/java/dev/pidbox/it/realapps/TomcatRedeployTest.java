package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webapp redeployed while the agent serves its handler: Tomcat stops the old webapp and its class loader and
 * starts the new one. The agent drops the handler of the stopped application (it would call into stopped code and
 * keep the old class loader alive) and serves the new application's.
 */
@RabbitMQ.Required
class TomcatRedeployTest {
    @TempDir
    Path dir;

    @Test
    void aRedeployedWebappsHandlerIsServedByTheNewWebappNotTheStoppedOne() throws Exception {
        Shipped shipped = new Shipped("redeploy");
        try (TomcatServer tomcat = TomcatServer.start(TargetJvm.currentJavaHome(), dir.resolve("tomcat"), List.of())) {
            String node = shipped.attach(tomcat.pid(), "tomcat");
            for (int i = 0; i < 3; i++) {
                tomcat.app().awaitHttp(tomcat.url("/log4j2-app/hello"), 200, Duration.ofSeconds(10));
            }
            long before = requests(shipped, node);
            assertThat(before).isGreaterThanOrEqualTo(3);

            // A new war: Tomcat's host undeploys the old webapp and deploys the new one (checked every 10 s).
            Path war = tomcat.base().resolve("webapps").resolve(TomcatServer.LOG4J2_APP + ".war");
            Files.setLastModifiedTime(war, FileTime.from(Instant.now().plusSeconds(5)));
            tomcat.app().awaitLine(tomcat.catalinaLog(), l -> l.contains("Undeploying context [/log4j2-app]"),
                    Duration.ofSeconds(40));
            tomcat.app().awaitHttp(tomcat.url("/log4j2-app/hello"), 200, Duration.ofSeconds(40));

            // The new webapp counts from its own start: one request so far. The stopped one would say 3 or more.
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long now = -1;
            while (System.nanoTime() < end) {
                Map<String, Object> doc = shipped.pidbox("call", "billing.stats", "--to", node, "--timeout", "5s");
                Object value = Calls.map(doc.get("replies")).get(node);
                now = value == null ? -1 : ((Number) Calls.map(value).get("requests")).longValue();
                if (now >= 0 && now < before) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertThat(now).as("billing.stats after the redeploy (before: %d)", before).isBetween(0L, before - 1);
        }
    }

    private static long requests(Shipped shipped, String node) throws Exception {
        return ((Number) shipped.callMap(node, "billing.stats").get("requests")).longValue();
    }
}
