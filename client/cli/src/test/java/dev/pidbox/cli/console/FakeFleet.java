package dev.pidbox.cli.console;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import dev.pidbox.fleet.Fleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fleet of pretend pidbox nodes for the console's component tests: they answer {@code vitals}, {@code describe}
 * ({@code ping}, {@code vitals} and {@code profile} read, {@code set_logger} mutate), {@code ping}, {@code set_logger}
 * and {@code profile} (two stacks, one of them the node's own); a node taken out of {@link #alive} answers nothing.
 * Every request is recorded. While {@link #profileGate} is closed, a {@code profile} request waits for it.
 */
final class FakeFleet {
    final Set<String> alive = ConcurrentHashMap.newKeySet();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Fleet fleet = new Fleet((request, listener) -> answer(request));
    volatile CountDownLatch profileGate = new CountDownLatch(0);
    /** When set, a {@code set_logger} request throws it instead of being answered. */
    volatile Error setLoggerFails;

    FakeFleet(String... nodes) {
        alive.addAll(List.of(nodes));
    }

    private CallResult answer(Request request) {
        requests.add(request);
        Error fail = setLoggerFails;
        if (fail != null && request.method().equals("set_logger")) {
            throw fail;
        }
        if (request.method().equals("profile")) {
            try {
                profileGate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Reply> replies = new ArrayList<>();
        List<String> destination = request.destination() == null ? List.of() : request.destination();
        for (String node : alive.stream().sorted().toList()) {
            if (!destination.isEmpty() && !destination.contains(node)) {
                continue;
            }
            replies.add(new Reply(node, value(request.method(), node), Duration.ofMillis(3)));
        }
        Integer expect = request.expect();
        boolean deadline = expect == null || replies.size() < expect;
        return new CallResult("t", replies, destination, expect == null ? -1 : expect, Duration.ofMillis(5),
                deadline);
    }

    private static Object value(String method, String node) {
        switch (method) {
            case "vitals": {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("heap_used", 100L);
                v.put("heap_max", 400L);
                v.put("threads", 7);
                v.put("process_cpu_time_ms", 10L);
                v.put("available_processors", 2);
                v.put("gc_count", 1L);
                v.put("gc_time_ms", 2L);
                v.put("uptime_ms", System.currentTimeMillis() % 1_000_000_000L);
                v.put("java_version", "17.0.15");
                v.put("pid", (long) Math.abs(node.hashCode() % 10000));
                v.put("tags", Map.of("env", node.startsWith("web") ? "prod" : "test"));
                return v;
            }
            case "describe":
                return Map.of("node", node, "handlers", List.of(
                        Map.of("name", "ping", "tier", "read"),
                        Map.of("name", "vitals", "tier", "read"),
                        Map.of("name", "profile", "tier", "read"),
                        Map.of("name", "set_logger", "tier", "mutate")));
            case "ping":
                return Map.of("ok", "pong");
            case "runtime":
                return Map.of("java_version", "17.0.15", "tags", Map.of("env", node.startsWith("web") ? "prod" : "test"));
            case "profile":
                return Map.of("mode", "cpu", "unit", "samples", "source", "jfr", "samples", 5, "stacks", List.of(
                        Map.of("frames", List.of("java.lang.Thread.run", "app.Work.spin"), "count", 3),
                        Map.of("frames", List.of("java.lang.Thread.run", "app.Only." + node.replace("@", "_")),
                                "count", 2)));
            case "set_logger":
                return Map.of("name", "x", "level", "FINE");
            default:
                return Map.of("error", "No such method: " + method);
        }
    }
}
