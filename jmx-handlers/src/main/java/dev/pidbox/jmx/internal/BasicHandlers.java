package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ping}, {@code clock} and {@code hello} in the shapes Celery peers expect (PROTOCOL.md section 7),
 * and {@code describe}, which lists every handler of the node with its arguments and tier.
 */
public final class BasicHandlers implements HandlerProvider {
    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return Arrays.asList(ping(), clock(), hello(), describe());
    }

    static HandlerDefinition ping() {
        return HandlerDefinition.builder("ping")
                .description("Answers {\"ok\": \"pong\"}, as a Celery worker does")
                .tier(Tier.READ)
                .quick(true)
                .handler((ctx, args) -> single("ok", "pong"))
                .build();
    }

    static HandlerDefinition clock() {
        return HandlerDefinition.builder("clock")
                .description("The node's Lamport clock, as Celery's clock command: {\"clock\": int}")
                .tier(Tier.READ)
                .quick(true)
                .handler((ctx, args) -> single("clock", ctx.clock()))
                .build();
    }

    static HandlerDefinition hello() {
        return HandlerDefinition.builder("hello")
                .description("Celery's mingle greeting: {\"revoked\": {}, \"clock\": int}, or null when sent by this node")
                .tier(Tier.READ)
                .quick(true)
                .argument(ArgumentSpec.optional("from_node", ArgType.STRING, null, "the greeting node's name"))
                .argument(ArgumentSpec.optional("revoked", ArgType.OBJECT, null, "the greeting node's revoked tasks"))
                .handler((ctx, args) -> {
                    if (ctx.nodeName().equals(args.getString("from_node"))) {
                        return null;
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("revoked", new LinkedHashMap<String, Object>());
                    out.put("clock", ctx.clock());
                    return out;
                })
                .build();
    }

    static HandlerDefinition describe() {
        return HandlerDefinition.builder("describe")
                .description("Lists this node's handlers with their description, tier and arguments")
                .tier(Tier.READ)
                .quick(true)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only handlers matching this glob"))
                .handler((ctx, args) -> {
                    String glob = args.getString("name");
                    List<Object> list = new ArrayList<>();
                    for (HandlerDefinition d : ctx.handlers()) {
                        if (glob == null || Globs.matches(glob, d.name())) {
                            list.add(d.describe());
                        }
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("node", ctx.nodeName());
                    out.put("count", list.size());
                    out.put("handlers", list);
                    return out;
                })
                .build();
    }

    static Map<String, Object> single(String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(key, value);
        return out;
    }
}
