package dev.pidbox.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pidbox namespace's message counts from the RabbitMQ management API, per exchange and per queue (never the
 * broker-wide overview, which counts everyone's traffic on a shared broker): requests published to the mailbox
 * exchange {@code NS.pidbox}, their deliveries from the node queues {@code NODE.NS.pidbox}, replies published to
 * {@code reply.NS.pidbox}, and their deliveries from the reply queues {@code OID.reply.NS.pidbox}.
 */
final class BrokerCounts {
    /** Cumulative counts at one moment. */
    record Snapshot(long requestsPublished, long requestDeliveries, long repliesPublished, long replyDeliveries,
            int nodeQueues) {
        Snapshot minus(Snapshot before) {
            return new Snapshot(requestsPublished - before.requestsPublished,
                    requestDeliveries - before.requestDeliveries, repliesPublished - before.repliesPublished,
                    replyDeliveries - before.replyDeliveries, nodeQueues);
        }

        long published() {
            return requestsPublished + repliesPublished;
        }

        long delivered() {
            return requestDeliveries + replyDeliveries;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "http://127.0.0.1:15672/api/";

    private final String namespace;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    BrokerCounts(String namespace) {
        this.namespace = namespace;
    }

    Snapshot read() throws Exception {
        String suffix = "." + namespace + ".pidbox";
        String replySuffix = ".reply" + suffix;
        long requestDeliveries = 0;
        long replyDeliveries = 0;
        int nodeQueues = 0;
        for (JsonNode q : get("queues/%2F?columns=name,message_stats")) {
            String name = q.path("name").asText();
            long deliverGet = q.path("message_stats").path("deliver_get").asLong(0);
            if (name.endsWith(replySuffix)) {
                replyDeliveries += deliverGet;
            } else if (name.endsWith(suffix)) {
                requestDeliveries += deliverGet;
                nodeQueues++;
            }
        }
        long requests = publishIn(namespace + ".pidbox");
        long replies = publishIn("reply." + namespace + ".pidbox");
        return new Snapshot(requests, requestDeliveries, replies, replyDeliveries, nodeQueues);
    }

    /**
     * The counts once they moved from {@code from} and then stayed put for five reads 2 s apart, at most 120 s. The
     * statistics interval is 1 s during the run, but a broker with several thousand queues emits some queues'
     * statistics late: with three reads 1.5 s apart, an unrouted call's 1000 deliveries once showed up one read late,
     * in the next call's count (the row then said invalid, as it should).
     */
    Snapshot settled(Snapshot from) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Snapshot last = null;
        int same = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            Snapshot now = read();
            same = now.equals(last) ? same + 1 : 0;
            if (same >= 4 && !now.equals(from)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** Deletes the namespace's two exchanges (they are not auto-delete, so that kombu peers can share them). */
    void deleteExchanges() throws Exception {
        for (String exchange : List.of(namespace + ".pidbox", "reply." + namespace + ".pidbox")) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(API + "exchanges/%2F/"
                    + URLEncoder.encode(exchange, StandardCharsets.UTF_8).replace("+", "%20")))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "guest:guest".getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(20)).DELETE().build();
            http.send(req, HttpResponse.BodyHandlers.discarding());
        }
    }

    private long publishIn(String exchange) throws Exception {
        JsonNode e = get("exchanges/%2F/" + URLEncoder.encode(exchange, StandardCharsets.UTF_8).replace("+", "%20"));
        return e.path("message_stats").path("publish_in").asLong(0);
    }

    private JsonNode get(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(API + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("management API answered " + resp.statusCode() + " for " + path
                    + ": enable it with rabbitmq-plugins enable rabbitmq_management");
        }
        return JSON.readTree(resp.body());
    }

    /** Runs {@code rabbitmqctl -q ARGS...} and returns its output. */
    static String rabbitmqctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
