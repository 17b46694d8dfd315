package dev.pidbox;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One node's answer to a call: the node name and the value it returned, as decoded JSON. A value that
 * is an object with an {@code error} key is an error reply, the shape every pidbox peer uses for a
 * failed command.
 */
public final class Reply {
    private final String node;
    private final Object value;
    private final Duration elapsed;

    public Reply(String node, Object value, Duration elapsed) {
        this.node = Objects.requireNonNull(node, "node");
        this.value = value;
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The node's name, as the key of its reply body. */
    public String node() {
        return node;
    }

    /** The decoded reply value; may be null (a handler that returned nothing). */
    public Object value() {
        return value;
    }

    /** Time from publishing the request to receiving this reply. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Whether the value is {@code {"error": ...}}. */
    public boolean isError() {
        return value instanceof Map && ((Map<?, ?>) value).containsKey("error");
    }

    /** The error text of an error reply, or null. */
    public String error() {
        if (!isError()) {
            return null;
        }
        Object e = ((Map<?, ?>) value).get("error");
        return e == null ? "null" : e.toString();
    }

    /** The reply as kombu returns it: {@code {node: value}}. */
    public Map<String, Object> asKombu() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(node, value);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return node + "=" + value + " (" + elapsed.toMillis() + " ms)";
    }
}
