package dev.pidbox.it.support;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Handlers the integration tests give their Java nodes. */
public final class TestNodes {
    private TestNodes() {
    }

    public static HandlerDefinition ping() {
        return HandlerDefinition.builder("ping").description("Answers pong")
                .handler((ctx, args) -> Map.of("ok", "pong")).build();
    }

    /** {@code echo} answers {@code {"ok": <its arguments>}}. */
    public static HandlerDefinition echo() {
        return HandlerDefinition.builder("echo").description("Returns its arguments")
                .handler((ctx, args) -> Map.of("ok", new LinkedHashMap<>(args.asMap()))).build();
    }

    /** {@code fail} throws {@code IllegalStateException('boom')}. */
    public static HandlerDefinition fail() {
        return HandlerDefinition.builder("fail").description("Always fails")
                .handler((ctx, args) -> {
                    throw new IllegalStateException("boom");
                }).build();
    }

    /** {@code sleep(ms)} waits and answers {@code {"slept": ms, "seq": seq}}. */
    public static HandlerDefinition sleep() {
        return HandlerDefinition.builder("sleep").description("Sleeps, then answers")
                .argument(ArgumentSpec.required("ms", ArgType.INTEGER, "how long"))
                .argument(ArgumentSpec.optional("seq", ArgType.ANY, null, "echoed back"))
                .handler((ctx, args) -> {
                    long ms = args.getLong("ms");
                    Thread.sleep(ms);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("slept", ms);
                    out.put("seq", args.get("seq"));
                    return out;
                }).build();
    }

    /** {@code add(a, b)} with two declared integer arguments. */
    public static HandlerDefinition add() {
        return HandlerDefinition.builder("add").description("Adds two integers")
                .argument(ArgumentSpec.required("a", ArgType.INTEGER, "first"))
                .argument(ArgumentSpec.required("b", ArgType.INTEGER, "second"))
                .handler((ctx, args) -> args.getLong("a") + args.getLong("b")).build();
    }

    /** {@code record} appends its arguments to {@code sink} and answers null. */
    public static HandlerDefinition record(List<Map<String, Object>> sink) {
        return HandlerDefinition.builder("record").description("Records its arguments")
                .handler((ctx, args) -> {
                    Map<String, Object> seen = new LinkedHashMap<>(args.asMap());
                    seen.put("_node", ctx.nodeName());
                    sink.add(seen);
                    return null;
                }).build();
    }

    public static List<HandlerDefinition> standard(List<Map<String, Object>> recordSink) {
        return List.of(ping(), echo(), fail(), sleep(), add(), record(recordSink));
    }

    public static List<Map<String, Object>> newSink() {
        return new CopyOnWriteArrayList<>();
    }
}
