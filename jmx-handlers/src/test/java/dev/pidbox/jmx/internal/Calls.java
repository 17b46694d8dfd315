package dev.pidbox.jmx.internal;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.LamportClock;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.security.Policy;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs handlers the way a node runs them, through a real {@link Node} of an unbound mailbox (no broker): arguments
 * validated and defaulted, then the handler on the node's pool; the handler's exceptions come through as kombu's
 * {@code handle} lets them. The node allows every tier, so that each handler can be tested.
 */
public final class Calls {
    private final Node node;

    private Calls(Collection<HandlerDefinition> defs, String nodeName, long clock) {
        this.node = Mailbox.builder("jvm").clock(new LamportClock(clock)).build().node(nodeName).handlers(defs)
                .policy(Policy.allowAll()).build();
    }

    public static Calls of(HandlerProvider provider, Map<String, String> config) {
        return new Calls(provider.handlers(config::get), "test.1@host", 7);
    }

    public static Calls of(HandlerProvider provider) {
        return of(provider, Collections.emptyMap());
    }

    public static Calls of(Collection<HandlerDefinition> defs, String nodeName, long clock) {
        return new Calls(defs, nodeName, clock);
    }

    public HandlerDefinition definition(String name) {
        HandlerDefinition d = node.handlers().get(name);
        if (d == null) {
            throw new AssertionError("no handler " + name + " in " + node.handlers().keySet());
        }
        return d;
    }

    public Object call(String name, Map<String, ?> args) throws Exception {
        definition(name);
        return node.handle(name, new LinkedHashMap<String, Object>(args));
    }

    public Object call(String name) throws Exception {
        return call(name, Collections.emptyMap());
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name, Map<String, ?> args) throws Exception {
        return (Map<String, Object>) call(name, args);
    }

    public Map<String, Object> map(String name) throws Exception {
        return map(name, Collections.emptyMap());
    }

    /** Arguments as alternating keys and values; values may be null. */
    public static Map<String, Object> args(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rows(Object list) {
        return (List<Map<String, Object>>) list;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object map) {
        return (Map<String, Object>) map;
    }
}
