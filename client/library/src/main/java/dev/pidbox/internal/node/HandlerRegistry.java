package dev.pidbox.internal.node;

import dev.pidbox.HandlerDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** A node's handlers by name, in registration order; lookups never lock. Thread-safe. */
public final class HandlerRegistry {
    private final Map<String, HandlerDefinition> byName = new ConcurrentHashMap<>();
    private final List<String> order = new ArrayList<>(); // guarded by itself

    /** The handler called {@code name}, or null. */
    public HandlerDefinition get(String name) {
        return byName.get(name);
    }

    /** Registers {@code definition}, replacing one of the same name (which keeps its place). */
    public void put(HandlerDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        synchronized (order) {
            if (byName.put(definition.name(), definition) == null) {
                order.add(definition.name());
            }
        }
    }

    /** Unregisters the handler called {@code name}; whether there was one. */
    public boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (order) {
            order.remove(name);
            return byName.remove(name) != null;
        }
    }

    /** A snapshot of the handlers by name, in registration order. */
    public Map<String, HandlerDefinition> ordered() {
        Map<String, HandlerDefinition> out = new LinkedHashMap<>();
        synchronized (order) {
            for (String name : order) {
                HandlerDefinition d = byName.get(name);
                if (d != null) {
                    out.put(name, d);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The names, for messages. */
    public List<String> names() {
        synchronized (order) {
            return new ArrayList<>(order);
        }
    }
}
