package dev.pidbox.it.interop;

import dev.pidbox.HandlerDefinition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handlers a Java node needs to stand in a kombu / Celery fleet, written here so that the interop
 * suite does not depend on the product's handler module: the values follow PROTOCOL.md section 7.2.
 */
final class TestHandlers {
    private TestHandlers() {
    }

    /** {@code ping -> {"ok": "pong"}}, what {@code celery status} and {@code inspect ping} expect. */
    static HandlerDefinition ping() {
        return HandlerDefinition.builder("ping").description("Answers pong")
                .handler((ctx, args) -> Map.of("ok", "pong")).build();
    }

    /** {@code echo -> {"ok": <arguments>}}. */
    static HandlerDefinition echo() {
        return HandlerDefinition.builder("echo").description("Returns its arguments")
                .handler((ctx, args) -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("ok", new LinkedHashMap<>(args.asMap()));
                    return out;
                }).build();
    }

    /** {@code fail} throws {@code IllegalStateException("disk on fire")}. */
    static HandlerDefinition fail() {
        return HandlerDefinition.builder("fail").description("Always fails")
                .handler((ctx, args) -> {
                    throw new IllegalStateException("disk on fire");
                }).build();
    }

    /** {@code record} adds {@code "<node> <arguments>"} to {@code log} and answers {@code {"ok": "recorded"}}. */
    static HandlerDefinition record(Collection<String> log) {
        return HandlerDefinition.builder("record").description("Records that it ran")
                .handler((ctx, args) -> {
                    log.add(ctx.nodeName() + " " + args.asMap());
                    return Map.of("ok", "recorded");
                }).build();
    }

    /**
     * Celery's mingle {@code hello}: {@code {"revoked": {}, "clock": <clock>}}, or null when the hello is the
     * node's own. Every {@code from_node} seen goes to {@code seen}.
     */
    static HandlerDefinition hello(Collection<String> seen) {
        return HandlerDefinition.builder("hello").description("Celery mingle: revoked tasks and clock")
                .handler((ctx, args) -> {
                    String from = args.getString("from_node");
                    seen.add(String.valueOf(from));
                    if (ctx.nodeName().equals(from)) {
                        return null;
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("revoked", Map.of());
                    out.put("clock", ctx.clock());
                    return out;
                }).build();
    }

    /** {@code clock -> {"clock": <int>}}. */
    static HandlerDefinition clock() {
        return HandlerDefinition.builder("clock").description("The node's Lamport clock")
                .handler((ctx, args) -> Map.of("clock", ctx.clock())).build();
    }

    /** A minimal {@code stats} object in Celery's shape (clock as a string, as a worker sends it). */
    static HandlerDefinition stats() {
        return HandlerDefinition.builder("stats").description("Minimal Celery-shaped statistics")
                .handler((ctx, args) -> {
                    long pid = ProcessHandle.current().pid();
                    Map<String, Object> pool = new LinkedHashMap<>();
                    pool.put("max-concurrency", 1);
                    pool.put("processes", List.of(pid));
                    pool.put("max-tasks-per-child", null);
                    pool.put("put-guarded-by-semaphore", false);
                    pool.put("timeouts", List.of());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("total", Map.of());
                    out.put("pid", pid);
                    out.put("clock", String.valueOf(ctx.clock()));
                    out.put("uptime", 0);
                    out.put("pool", pool);
                    out.put("prefetch_count", 0);
                    return out;
                }).build();
    }
}
