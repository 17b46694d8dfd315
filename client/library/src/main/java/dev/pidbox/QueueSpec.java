package dev.pidbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A queue as pidbox declares it: name, flags, arguments and the binding to its exchange. */
public final class QueueSpec {
    private final String name;
    private final String exchange;
    private final String routingKey;
    private final boolean durable;
    private final boolean exclusive;
    private final boolean autoDelete;
    private final Map<String, Object> arguments;

    public QueueSpec(String name, String exchange, String routingKey, boolean durable, boolean exclusive,
            boolean autoDelete, Map<String, Object> arguments) {
        this.name = name;
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.durable = durable;
        this.exclusive = exclusive;
        this.autoDelete = autoDelete;
        this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    public String name() {
        return name;
    }

    /** The exchange the queue is bound to. */
    public String exchange() {
        return exchange;
    }

    /** The binding's routing key. */
    public String routingKey() {
        return routingKey;
    }

    public boolean durable() {
        return durable;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public boolean autoDelete() {
        return autoDelete;
    }

    /** Declare arguments ({@code x-expires}, {@code x-message-ttl} as Integer milliseconds). */
    public Map<String, Object> arguments() {
        return arguments;
    }

    @Override
    public String toString() {
        return name + " -> " + exchange + "[" + routingKey + "] durable=" + durable + " exclusive=" + exclusive
                + " auto_delete=" + autoDelete + " " + arguments;
    }
}
