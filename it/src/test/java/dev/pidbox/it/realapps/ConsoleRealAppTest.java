package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped console (pidbox.jar) over a Spring Boot fat jar with the shipped agent attached, checked against
 * oracles that are not pidbox: the JVM option that set the heap, the process id, the actuator's thread gauge, and
 * the actuator's logger level after the console's API changed it (and, read-only, did not).
 */
class ConsoleRealAppTest {
    private static final String TOKEN = "console-realapp-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;
    private static Shipped shipped;
    private static SpringBootApp app;
    private static String node;
    private static Process console;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        shipped = new Shipped("console");
        app = SpringBootApp.start(TargetJvm.currentJavaHome(), work.resolve("app"),
                List.of("-Dmanagement.endpoints.web.exposure.include=health,loggers,metrics"));
        node = shipped.attach(app.pid(), "greeting");
        console = startConsole(true);
        base = url(console);
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.destroy();
        }
        if (app != null) {
            app.close();
        }
    }

    private static Process startConsole(boolean allowMutations) throws IOException {
        Path tokenFile = work.resolve("token");
        Files.writeString(tokenFile, TOKEN);
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Shipped.cliJar().toString(), "--broker", RabbitMQ.uri(), "--namespace", shipped.namespace,
                "console", "--port", "0", "--interval", "1s", "--token-file", tokenFile.toString()));
        if (allowMutations) {
            cmd.add("--allow-mutations");
        }
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The address the console printed ("open: http://127.0.0.1:PORT/?token=..."), without the token. */
    private static String url(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith("open: ")) {
                        return l.substring(6, l.indexOf("/?token="));
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String url = line.get(60, TimeUnit.SECONDS);
        assertThat(url).as("the console printed its address").isNotNull();
        return url;
    }

    private static HttpResponse<String> api(String base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN);
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The node's row of the console's fleet, once it is answering. */
    private static Map<String, Object> row() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < end) {
            Map<String, Object> doc = Calls.map(JsonValues.decode(api(base, "GET", "/api/nodes?to=" + node, null)
                    .body()));
            for (Map<String, Object> n : Calls.rows(doc.get("nodes"))) {
                last = n;
                if ("answering".equals(n.get("state"))) {
                    return n;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the console never showed " + node + " answering; last row " + last);
    }

    private static long actuatorGauge(String metric) throws Exception {
        RealApp.Response r = RealApp.http("GET", app.baseUrl() + "/actuator/metrics/" + metric, null);
        assertThat(r.status).as("GET /actuator/metrics/%s: %s", metric, r).isEqualTo(200);
        Map<String, Object> m = Calls.map(JsonValues.decode(r.body));
        return ((Number) Calls.rows(m.get("measurements")).get(0).get("value")).longValue();
    }

    @Test
    void theFleetRowAgreesWithTheJvmOptionsTheProcessAndTheActuator() throws Exception {
        Map<String, Object> row = row();
        assertThat(((Number) row.get("pid")).longValue()).isEqualTo(app.pid());
        assertThat(((Number) row.get("heap_max")).longValue()).as("-Xmx256m").isEqualTo(256L * 1024 * 1024);
        assertThat(row.get("java_version")).isEqualTo(System.getProperty("java.version"));
        assertThat(row.get("kind")).isEqualTo("java");
        long actuatorThreads = actuatorGauge("jvm.threads.live");
        assertThat(((Number) row.get("threads")).longValue()).as("threads, actuator says %d", actuatorThreads)
                .isBetween(actuatorThreads - 6, actuatorThreads + 6);
        String metrics = api(base, "GET", "/metrics", null).body();
        assertThat(metrics).contains("pidbox_node_heap_max_bytes{namespace=\"" + shipped.namespace + "\",node=\""
                + node + "\",kind=\"java\"} 268435456");
    }

    @Test
    void aLoggerLevelSetThroughTheConsoleIsWhatTheActuatorReports() throws Exception {
        row();
        String logger = SpringBootApp.PACKAGE;
        HttpResponse<String> r = api(base, "POST", "/api/call", "{\"method\":\"set_logger\",\"to\":[\"" + node
                + "\"],\"arguments\":{\"name\":\"" + logger + "\",\"level\":\"DEBUG\",\"framework\":\"logback\"},"
                + "\"timeout\":\"10s\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Calls.map(Calls.map(JsonValues.decode(r.body())).get("errors"))).isEmpty();
        try {
            assertThat(app.actuatorLevel(logger).configured()).isEqualTo("DEBUG");
            String journal = api(base, "GET", "/api/journal", null).body();
            assertThat(journal).contains("call set_logger").contains(node);
        } finally {
            app.setActuatorLevel(logger, null);
        }
    }

    @Test
    void aReadOnlyConsoleRefusesTheSameChangeAndTheAppKeepsItsLevel() throws Exception {
        Process readOnly = startConsole(false);
        try {
            String ro = url(readOnly);
            String logger = SpringBootApp.PACKAGE;
            String before = app.actuatorLevel(logger).configured();
            // Wait until the read-only console has described the node, so the refusal is about the tier.
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end && !api(ro, "GET", "/api/nodes", null).body().contains(node)) {
                Thread.sleep(300);
            }
            HttpResponse<String> read = api(ro, "POST", "/api/call", "{\"method\":\"loggers\",\"to\":[\"" + node
                    + "\"],\"arguments\":{\"name\":\"" + logger + "\"},\"timeout\":\"10s\"}");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            HttpResponse<String> r = api(ro, "POST", "/api/call", "{\"method\":\"set_logger\",\"to\":[\"" + node
                    + "\"],\"arguments\":{\"name\":\"" + logger + "\",\"level\":\"TRACE\"}}");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("read-only");
            assertThat(app.actuatorLevel(logger).configured()).isEqualTo(before);
        } finally {
            readOnly.destroy();
        }
    }
}
