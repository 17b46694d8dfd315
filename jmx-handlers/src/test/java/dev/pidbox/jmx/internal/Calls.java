package dev.pidbox.jmx.internal;

import dev.pidbox.Arguments;
import dev.pidbox.HandlerContext;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Runs handlers directly, as a node would: arguments validated and defaulted, then the handler. */
public final class Calls {
    private final Map<String, HandlerDefinition> handlers = new LinkedHashMap<>();
    private final Context context;

    private Calls(Collection<HandlerDefinition> defs, String nodeName, long clock) {
        for (HandlerDefinition d : defs) {
            handlers.put(d.name(), d);
        }
        this.context = new Context(nodeName, clock, new ArrayList<>(handlers.values()));
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
        HandlerDefinition d = handlers.get(name);
        if (d == null) {
            throw new AssertionError("no handler " + name + " in " + handlers.keySet());
        }
        return d;
    }

    public Object call(String name, Map<String, ?> args) throws Exception {
        HandlerDefinition d = definition(name);
        return d.handler().handle(context, Arguments.validate(d, args));
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

    private static final class Context implements HandlerContext {
        private final String nodeName;
        private final long clock;
        private final List<HandlerDefinition> handlers;
        private final Map<String, Object> state = new ConcurrentHashMap<>();

        Context(String nodeName, long clock, List<HandlerDefinition> handlers) {
            this.nodeName = nodeName;
            this.clock = clock;
            this.handlers = handlers;
        }

        @Override
        public String nodeName() {
            return nodeName;
        }

        @Override
        public String namespace() {
            return "jvm";
        }

        @Override
        public long clock() {
            return clock;
        }

        @Override
        public Map<String, Object> state() {
            return state;
        }

        @Override
        public String ticket() {
            return "ticket-1";
        }

        @Override
        public Collection<HandlerDefinition> handlers() {
            return handlers;
        }

        @Override
        public Map<String, String> tags() {
            return Collections.emptyMap();
        }
    }
}
