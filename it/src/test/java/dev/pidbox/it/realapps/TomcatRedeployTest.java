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
import java.util.ArrayList;
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
            // While the old webapp stops and the new one registers its handlers, a call may find no handler (an
            // error reply) or no reply: both mean "not yet".
            long now = -1;
            List<Object> seen = new ArrayList<>();
            while (System.nanoTime() < end) {
                Map<String, Object> doc = shipped.pidbox("call", "billing.stats", "--to", node, "--timeout", "5s");
                Object value = Calls.map(doc.get("replies")).get(node);
                Object requests = value instanceof Map ? ((Map<?, ?>) value).get("requests") : null;
                now = requests instanceof Number ? ((Number) requests).longValue() : -1;
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(String.valueOf(value))) {
                    seen.add(String.valueOf(value));
                }
                if (now >= 0 && now < before) {
                    break;
                }
                Thread.sleep(1000);
            }
            System.out.println("billing.stats after the redeploy, replies in order: " + seen);
            assertThat(now).as("billing.stats after the redeploy (before: %d; replies seen, in order: %s)", before,
                    seen).isBetween(0L, before - 1);
        }
    }

    private static long requests(Shipped shipped, String node) throws Exception {
        return ((Number) shipped.callMap(node, "billing.stats").get("requests")).longValue();
    }
}
