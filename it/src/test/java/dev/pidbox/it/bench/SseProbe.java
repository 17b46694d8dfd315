package dev.pidbox.it.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
    private static final Pattern ANSWERING = Pattern.compile("\"answering\"\\s*:\\s*(\\d+)");
    private static final Pattern SLOW = Pattern.compile("\"slow\"\\s*:\\s*(\\d+)");

    /** One fleet event as it arrived. */
    record Arrival(long refresh, long arrivedAtMs, long elapsedMs, int chars, int answering, int slow) {
    }

    private final Map<Long, Arrival> arrivals = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final CountDownLatch open = new CountDownLatch(1);
    private final Thread reader;
    private volatile boolean closed;
    private volatile Stream<String> body;
    private volatile long last = -1;
    private volatile int streams;

    SseProbe(int port, String token) {
        request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        reader = new Thread(this::loop, "bench-sse-probe");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads the stream, and opens it again when the console ends it, as a browser's EventSource does. */
    private void loop() {
        while (!closed) {
            try {
                HttpResponse<Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
                if (r.statusCode() != 200) {
                    r.body().close();
                    Thread.sleep(500);
                    continue;
                }
                body = r.body();
                streams++;
                open.countDown();
                read(r.body());
            } catch (IOException | RuntimeException e) {
                // ended; open it again
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(Stream<String> lines) {
        boolean fleet = false;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event:")) {
                fleet = line.substring(6).trim().equals("fleet");
            } else if (fleet && line.startsWith("data:")) {
                long now = System.currentTimeMillis();
                String head = line.substring(0, Math.min(line.length(), 1000));
                Matcher r = REFRESH.matcher(head);
                Matcher e = ELAPSED.matcher(head);
                Matcher a = ANSWERING.matcher(head);
                Matcher sl = SLOW.matcher(head);
                if (r.find()) {
                    long refresh = Long.parseLong(r.group(1));
                    // A reopened stream starts with the latest document again: the first arrival counts.
                    arrivals.putIfAbsent(refresh, new Arrival(refresh, now, e.find() ? Long.parseLong(e.group(1))
                            : -1, line.length(), a.find() ? Integer.parseInt(a.group(1)) : -1,
                            sl.find() ? Integer.parseInt(sl.group(1)) : -1));
                    last = Math.max(last, refresh);
                }
                fleet = false;
            }
        }
    }

    /** Waits until the stream is open (status 200). */
    void awaitOpen(Duration max) throws Exception {
        if (!open.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("the event stream did not open within " + max);
        }
    }

    /** How many times the stream was opened (more than 1: the console ended it and the probe reopened it). */
    int streams() {
        return streams;
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
        closed = true;
        Stream<String> b = body;
        if (b != null) {
            b.close();
        }
        reader.interrupt();
    }
}
