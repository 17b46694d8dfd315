package dev.pidbox.it.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A plain Java client of the console's event stream ({@code GET /api/stream} with {@code Authorization: Bearer}),
 * the control beside the browser: for each {@code fleet} event it keeps the wall time (epoch ms) its data line
 * arrived and the gather time the document states ({@code elapsed_ms}), by refresh number. It reads only the head
 * of each document, so its own cost per event is a line read.
 */
final class SseProbe implements AutoCloseable {
    private static final Pattern REFRESH = Pattern.compile("\"refresh\"\\s*:\\s*(\\d+)");
    private static final Pattern ELAPSED = Pattern.compile("\"elapsed_ms\"\\s*:\\s*(\\d+)");

    /** One fleet event as it arrived. */
    record Arrival(long refresh, long arrivedAtMs, long elapsedMs, int chars) {
    }

    private final Map<Long, Arrival> arrivals = new ConcurrentHashMap<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile long last = -1;

    SseProbe(int port, String token) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("event stream answered " + r.statusCode());
            }
            Thread t = new Thread(() -> read(r.body()), "bench-sse-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    private void read(Stream<String> lines) {
        boolean fleet = false;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event:")) {
                    fleet = line.substring(6).trim().equals("fleet");
                } else if (fleet && line.startsWith("data:")) {
                    long now = System.currentTimeMillis();
                    String head = line.substring(0, Math.min(line.length(), 400));
                    Matcher r = REFRESH.matcher(head);
                    Matcher e = ELAPSED.matcher(head);
                    if (r.find()) {
                        long refresh = Long.parseLong(r.group(1));
                        arrivals.put(refresh, new Arrival(refresh, now, e.find() ? Long.parseLong(e.group(1)) : -1,
                                line.length()));
                        last = Math.max(last, refresh);
                    }
                    fleet = false;
                }
            }
        } catch (RuntimeException e) {
            // the stream ended (close)
        }
    }

    /** Waits until the stream is open (status 200). */
    void awaitOpen(Duration max) throws Exception {
        HttpResponse<Stream<String>> r = response.get(max.toMillis(), TimeUnit.MILLISECONDS);
        if (r.statusCode() != 200) {
            throw new IOException("event stream answered " + r.statusCode());
        }
    }

    /** The highest refresh seen so far, -1 before any. */
    long last() {
        return last;
    }

    /** The arrival of {@code refresh}, waiting up to {@code max} for it; null when it never came. */
    Arrival await(long refresh, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        Arrival a;
        while ((a = arrivals.get(refresh)) == null && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        return a;
    }

    /** The first refresh above {@code after}, waiting up to {@code max}; null when none came. */
    Arrival awaitAfter(long after, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (last <= after && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        if (last <= after) {
            return null;
        }
        Arrival next = arrivals.get(after + 1);
        return next != null ? next : arrivals.get(last);
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
    }
}
