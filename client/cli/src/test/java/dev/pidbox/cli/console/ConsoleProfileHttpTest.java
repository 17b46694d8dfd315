package dev.pidbox.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/profile} over a pretend fleet: strict bodies, a profile in a read-only console, the merged document
 * the page draws, the comparison's groups, one profile at a time (409) while other requests are still served, the
 * journal and the audit line, and the flame graph component served from the profile code.
 */
class ConsoleProfileHttpTest {
    private static final String TOKEN = "test-token-0123456789abcdef";
    private static final String AUTH = "Bearer " + TOKEN;

    private final FakeFleet fake = new FakeFleet("web1@h", "web2@h", "batch1@h");
    private final StringWriter audit = new StringWriter();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private Console console;
    private String base;

    @BeforeEach
    void startReadOnly() throws IOException {
        Console.Config config = new Console.Config("127.0.0.1", 0, TOKEN, false, Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(60), 10, 100, "test");
        console = Console.start(config, Map.of("jvm", fake.fleet), Set.of(), "jvm", false, new PrintWriter(audit),
                Clock.systemUTC(), false);
        console.refreshNow(Duration.ofSeconds(1));
        base = "http://127.0.0.1:" + console.port();
    }

    @AfterEach
    void stop() {
        fake.profileGate.countDown();
        console.close();
    }

    private HttpRequest profile(String json) {
        return HttpRequest.newBuilder(URI.create(base + "/api/profile")).timeout(Duration.ofSeconds(20))
                .header("Authorization", AUTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) throws IOException {
        return (Map<String, Object>) JsonValues.decode(r.body());
    }

    private long profileRequests() {
        return fake.requests.stream().filter(q -> q.method().equals("profile")).count();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReadOnlyConsoleProfilesAndAnswersWithTheFlameGraphDocument() throws Exception {
        HttpResponse<String> r = send(profile("{\"to\":[\"web1@h\",\"web2@h\"],\"mode\":\"cpu\",\"duration_ms\":1000,"
                + "\"interval_ms\":20,\"name\":\"hot-*\"}"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> doc = json(r);
        assertThat(doc.get("groups")).isEqualTo(List.of("all"));
        assertThat((List<Object>) doc.get("frames")).contains("app.Work.spin", "app.Only.web1_h", "app.Only.web2_h")
                .doesNotContain("app.Only.batch1_h");
        assertThat((List<?>) doc.get("stacks")).hasSize(4);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) doc.get("summary");
        assertThat(summary.get("answered")).isEqualTo(List.of("web1@h", "web2@h"));
        assertThat(summary.get("missing")).isEqualTo(List.of());
        assertThat(fake.requests).filteredOn(q -> q.method().equals("profile")).singleElement()
                .satisfies(q -> assertThat(q.arguments()).containsEntry("mode", "cpu").containsEntry("name", "hot-*")
                        .containsEntry("interval_ms", 20L).containsEntry("duration_ms", 1000L));
        assertThat(audit.toString()).contains("profile cpu for 1000 ms of web1@h,web2@h in jvm -> 2 answered");
        String journal = send(HttpRequest.newBuilder(URI.create(base + "/api/journal")).header("Authorization", AUTH)
                .build()).body();
        assertThat(journal).contains("profile cpu for 1000 ms");
    }

    @Test
    void aComparisonPutsTheComparedNodesInTheSecondGroup() throws Exception {
        HttpResponse<String> r = send(profile("{\"to\":\"web1@h,web2@h\",\"duration_ms\":500,"
                + "\"compare\":{\"to\":[\"batch1@h\"]}}"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> doc = json(r);
        assertThat(doc.get("groups")).isEqualTo(List.of("baseline", "compared"));
        assertThat(String.valueOf(doc.get("nodes"))).contains("{name=batch1@h, group=1}")
                .contains("{name=web1@h, group=0}").contains("{name=web2@h, group=0}");
        assertThat(profileRequests()).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSummaryNamesTheNodesThatDidNotAnswer() throws Exception {
        fake.alive.remove("web2@h");
        HttpResponse<String> r = send(profile("{\"to\":[\"web1@h\",\"web2@h\"],\"duration_ms\":500}"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> summary = (Map<String, Object>) json(r).get("summary");
        assertThat(summary.get("answered")).isEqualTo(List.of("web1@h"));
        assertThat(summary.get("missing")).isEqualTo(List.of("web2@h"));
        assertThat(audit.toString()).contains("-> 1 answered, 0 errors, 1 missing");
    }

    @Test
    void badBodiesAreRefusedWithAClearErrorAndSendNothing() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"duration_ms\":1000,\"durationms\":5}", "unknown key 'durationms'",
                "{\"duration_ms\":61000}", "'duration_ms' must be a whole number from 100 to 60000",
                "{\"mode\":\"heap\",\"duration_ms\":1000}", "'mode' must be cpu, wall or alloc",
                "{\"mode\":\"cpu\"}", "'duration_ms' is required",
                "{\"duration_ms\":1000,\"interval_ms\":1}", "'interval_ms' must be a whole number from 10 to 1000",
                "{\"duration_ms\":1000,\"compare\":{\"method\":\"x\"}}", "unknown key 'compare.method'",
                "{\"duration_ms\":1000,\"compare\":{}}", "'compare' must select some nodes",
                "{\"duration_ms\":1000,\"regex\":\"(\"}", "",
                "{\"duration_ms\":1000,\"namespace\":\"other\"}", "not watched",
                "[1]", "must be a JSON object");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = send(profile(c.getKey()));
            assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).contains(c.getValue());
        }
        assertThat(profileRequests()).isZero();
    }

    @Test
    void aSecondProfileWhileOneRunsIsRefusedAndOtherRequestsAreStillServed() throws Exception {
        fake.profileGate = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                profile("{\"to\":[\"web1@h\"],\"duration_ms\":2000}"), HttpResponse.BodyHandlers.ofString());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (profileRequests() == 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(profileRequests()).as("the first profile reached the fleet").isEqualTo(1);

        HttpResponse<String> second = send(profile("{\"to\":[\"web2@h\"],\"duration_ms\":1000}"));
        HttpResponse<String> session = send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                .header("Authorization", AUTH).timeout(Duration.ofSeconds(5)).build());

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.body()).contains("a profile is already running on this console")
                .contains("profile cpu for 2000 ms of web1@h").contains("started by").contains("one runs at a time");
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(first).isNotDone();
        fake.profileGate.countDown();
        assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(send(profile("{\"to\":[\"web2@h\"],\"duration_ms\":1000}")).statusCode()).isEqualTo(200);
        assertThat(profileRequests()).isEqualTo(2);
    }

    @Test
    void theFlameGraphComponentIsServedFromTheProfileCode() throws Exception {
        for (String name : List.of("flamegraph.js", "flamegraph.css", "profile.js")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/static/" + name))
                    .header("Authorization", AUTH).build());
            assertThat(r.statusCode()).as(name).isEqualTo(200);
        }
        HttpResponse<String> js = send(HttpRequest.newBuilder(URI.create(base + "/static/flamegraph.js"))
                .header("Authorization", AUTH).build());
        assertThat(js.body()).contains("window.pidboxFlameGraph");
        assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(base + "/static/flamegraph.html"))
                .header("Authorization", AUTH).build());
        assertThat(other.statusCode()).as("only the component is shared, not the standalone page").isEqualTo(404);
    }
}
