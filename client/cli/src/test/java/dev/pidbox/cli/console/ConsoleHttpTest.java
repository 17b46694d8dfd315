package dev.pidbox.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP side over a pretend fleet: the token, the session cookie, the CSRF defence, the Host check,
 * read-only mode and the API's answers to bad input. (The browser tests in {@code it/} run it against real JVMs.)
 */
class ConsoleHttpTest {
    private static final String TOKEN = "test-token-0123456789abcdef";

    private final FakeFleet fake = new FakeFleet("web1@h", "web2@h", "batch1@h");
    private final StringWriter audit = new StringWriter();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private Console console;
    private String base;

    private void start(boolean allowMutations) throws IOException {
        Console.Config config = new Console.Config("127.0.0.1", 0, TOKEN, allowMutations, Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(60), 10, 100, "test");
        console = Console.start(config, Map.of("jvm", fake.fleet), Set.of(), "jvm", false, new PrintWriter(audit),
                Clock.systemUTC(), false);
        console.refreshNow(Duration.ofSeconds(1));
        base = "http://127.0.0.1:" + console.port();
    }

    @BeforeEach
    void readOnly() throws IOException {
        start(false);
    }

    @AfterEach
    void stop() {
        console.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
    }

    private HttpRequest.Builder post(String path, String json) {
        return get(path).POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
    }

    private String cookie() throws Exception {
        HttpResponse<String> r = send(get("/?token=" + TOKEN));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/");
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(set).contains("HttpOnly").contains("SameSite=Strict");
        return set.split(";")[0];
    }

    @SuppressWarnings("unchecked")
    private String csrf(String cookie) throws Exception {
        HttpResponse<String> r = send(get("/api/session").header("Cookie", cookie));
        return (String) ((Map<String, Object>) JsonValues.decode(r.body())).get("csrf");
    }

    @Test
    void everyPageAndEndpointIsRefusedWithoutTheToken() throws Exception {
        for (String path : List.of("/", "/index.html", "/static/app.js", "/api/session", "/api/nodes",
                "/api/stream", "/api/journal", "/metrics", "/api/history/web1@h")) {
            assertThat(send(get(path)).statusCode()).as(path).isEqualTo(401);
            assertThat(send(get(path).header("Authorization", "Bearer wrong-token-0123456789")).statusCode())
                    .as(path).isEqualTo(401);
        }
        assertThat(send(post("/api/call", "{\"method\":\"ping\"}")).statusCode()).isEqualTo(401);
        assertThat(send(get("/?token=wrong")).statusCode()).isEqualTo(401);
        assertThat(send(get("/api/nodes").header("Cookie", Access.COOKIE + "=made-up")).statusCode()).isEqualTo(401);
    }

    @Test
    void theTokenInTheAddressOpensASessionAndLeavesTheAddressBar() throws Exception {
        String cookie = cookie();
        HttpResponse<String> nodes = send(get("/api/nodes").header("Cookie", cookie));
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(nodes.body()).contains("\"web1@h\"").contains("\"batch1@h\"");
    }

    @Test
    void aCookieSessionPostWithoutTheCsrfHeaderIsRefused() throws Exception {
        String cookie = cookie();
        HttpResponse<String> r = send(post("/api/call", "{\"method\":\"ping\"}").header("Cookie", cookie));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("X-Pidbox-Csrf");
        HttpResponse<String> wrong = send(post("/api/call", "{\"method\":\"ping\"}").header("Cookie", cookie)
                .header("X-Pidbox-Csrf", "not-it"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(fake.requests).noneMatch(q -> q.method().equals("ping"));
    }

    @Test
    void aCookieSessionPostWithTheCsrfHeaderFromAnotherOriginIsRefused() throws Exception {
        String cookie = cookie();
        HttpResponse<String> r = send(post("/api/call", "{\"method\":\"ping\"}").header("Cookie", cookie)
                .header("X-Pidbox-Csrf", csrf(cookie)).header("Origin", "http://evil.example"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("cross-origin");
        HttpResponse<String> ok = send(post("/api/call", "{\"method\":\"ping\"}").header("Cookie", cookie)
                .header("X-Pidbox-Csrf", csrf(cookie)).header("Origin", base));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"pong\"");
    }

    @Test
    void aRequestForAnotherHostNameIsRefused() throws Exception {
        // java.net.http will not set Host; a DNS-rebound page's request looks like this one.
        try (Socket s = new Socket("127.0.0.1", console.port())) {
            s.getOutputStream().write(("GET /api/nodes HTTP/1.1\r\nHost: rebound.example:" + console.port()
                    + "\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).isEqualTo("HTTP/1.1 403 Forbidden");
        }
    }

    @Test
    void readOnlyRefusesAMutatingMethodAndSendsNothing() throws Exception {
        HttpResponse<String> r = send(post("/api/call", "{\"method\":\"set_logger\",\"arguments\":{\"name\":\"x\"}}")
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("read-only").contains("--allow-mutations");
        assertThat(fake.requests).noneMatch(q -> q.method().equals("set_logger"));
        assertThat(audit.toString()).contains("refused set_logger");
        HttpResponse<String> rollout = send(post("/api/rollout", "{\"method\":\"set_logger\"}")
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(rollout.statusCode()).isEqualTo(403);
        HttpResponse<String> read = send(post("/api/call", "{\"method\":\"ping\",\"to\":[\"web1@h\"]}")
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("web1@h").doesNotContain("web2@h");
    }

    @Test
    void aRolloutWhoseThreadDiesOfAnErrorSaysFailedAndLetsTheNextOneStart() throws Exception {
        console.close();
        start(true);
        fake.setLoggerFails = new StackOverflowError("deep in a fleet's code");
        String auth = "Bearer " + TOKEN;
        String body = "{\"method\":\"set_logger\",\"arguments\":{\"name\":\"x\"},\"batch\":1}";
        HttpResponse<String> started = send(post("/api/rollout", body).header("Authorization", auth));
        assertThat(started.statusCode()).isEqualTo(202);
        String id = (String) ((Map<?, ?>) JsonValues.decode(started.body())).get("id");
        String doc = "";
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until && !doc.contains("\"state\":\"failed\"")) {
            Thread.sleep(20);
            doc = send(get("/api/rollouts/" + id).header("Authorization", auth)).body();
        }
        assertThat(doc).contains("\"state\":\"failed\"").contains("deep in a fleet's code");
        assertThat(audit.toString()).contains("rollout " + id + " failed");
        fake.setLoggerFails = null;
        HttpResponse<String> next = send(post("/api/rollout", body).header("Authorization", auth));
        assertThat(next.statusCode()).isEqualTo(202);
    }

    @Test
    void withMutationsAllowedTheCallIsSentAuditedAndJournaled() throws Exception {
        console.close();
        start(true);
        HttpResponse<String> r = send(post("/api/call", "{\"method\":\"set_logger\",\"arguments\":{\"name\":\"x\"},"
                + "\"where\":{\"env\":\"prod\"}}").header("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(fake.requests).anyMatch(q -> q.method().equals("set_logger"));
        assertThat(audit.toString()).contains("call set_logger").contains("where {env=prod}");
        String journal = send(get("/api/journal").header("Authorization", "Bearer " + TOKEN)).body();
        assertThat(journal).contains("\"kind\":\"action\"").contains("\"kind\":\"outcome\"");
    }

    @Test
    void badBodiesGetAClearErrorAndSendNothing() throws Exception {
        String auth = "Bearer " + TOKEN;
        assertThat(send(post("/api/call", "{not json").header("Authorization", auth)).body()).contains("not JSON");
        assertThat(send(post("/api/call", "[]").header("Authorization", auth)).statusCode()).isEqualTo(400);
        HttpResponse<String> typo = send(post("/api/call", "{\"method\":\"ping\",\"timeuot\":\"1s\"}")
                .header("Authorization", auth));
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("unknown key 'timeuot'");
        assertThat(send(post("/api/call", "{\"method\":\"ping\",\"timeout\":\"forever\"}").header("Authorization",
                auth)).statusCode()).isEqualTo(400);
        assertThat(send(post("/api/call", "{\"method\":\"ping\",\"regex\":\"(\"}").header("Authorization", auth))
                .statusCode()).isEqualTo(400);
        assertThat(send(post("/api/call", "{\"method\":\"ping\",\"namespace\":\"other\"}").header("Authorization",
                auth)).body()).contains("not watched");
        String big = "{\"method\":\"ping\",\"arguments\":{\"x\":\"" + "a".repeat(1 << 21) + "\"}}";
        assertThat(send(post("/api/call", big).header("Authorization", auth)).statusCode()).isEqualTo(413);
        assertThat(send(get("/api/call").header("Authorization", auth)).statusCode()).isEqualTo(405);
        assertThat(fake.requests).noneMatch(q -> q.method().equals("ping"));
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        HttpResponse<String> r = send(get("/metrics").header("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        assertThat(r.body()).contains("# TYPE pidbox_node_up gauge")
                .contains("pidbox_node_up{namespace=\"jvm\",node=\"web1@h\",kind=\"java\"} 1")
                .contains("pidbox_node_heap_max_bytes{namespace=\"jvm\",node=\"batch1@h\",kind=\"java\"} 400")
                .contains("pidbox_console_refreshes_total 1");
    }

    @Test
    void theNodesEndpointFiltersByNamePatternAndTag() throws Exception {
        String auth = "Bearer " + TOKEN;
        String prod = send(get("/api/nodes?where=env%3Dprod").header("Authorization", auth)).body();
        assertThat(prod).contains("web1@h").contains("web2@h").doesNotContain("batch1@h");
        String glob = send(get("/api/nodes?glob=batch*").header("Authorization", auth)).body();
        assertThat(glob).contains("batch1@h").doesNotContain("web1@h");
        String named = send(get("/api/nodes?to=web2@h").header("Authorization", auth)).body();
        assertThat(named).contains("web2@h").doesNotContain("web1@h");
    }

    @Test
    void theEventStreamStartsWithTheLatestFleet() throws Exception {
        HttpResponse<InputStream> r = http.send(get("/api/stream").header("Authorization", "Bearer " + TOKEN)
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        try (InputStream in = r.body()) {
            byte[] head = in.readNBytes(200);
            assertThat(new String(head, StandardCharsets.UTF_8)).startsWith("event: fleet\ndata: {");
        }
    }
}
