package dev.pidbox.internal.node;

import dev.pidbox.HandlerContext;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.LamportClock;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/** What a handler sees of its node for one request. */
public final class NodeContext implements HandlerContext {
    private final String nodeName;
    private final String namespace;
    private final LamportClock clock;
    private final Map<String, Object> state;
    private final Map<String, String> tags;
    private final HandlerRegistry handlers;
    private final String ticket;

    private NodeContext(String nodeName, String namespace, LamportClock clock, Map<String, Object> state,
            Map<String, String> tags, HandlerRegistry handlers, String ticket) {
        this.nodeName = nodeName;
        this.namespace = namespace;
        this.clock = clock;
        this.state = state;
        this.tags = tags;
        this.handlers = handlers;
        this.ticket = ticket;
    }

    /** The contexts of one node, one per request's ticket. */
    public static Function<String, HandlerContext> of(String nodeName, String namespace,
            LamportClock clock, Map<String, Object> state, Map<String, String> tags, HandlerRegistry handlers) {
        return ticket -> new NodeContext(nodeName, namespace, clock, state, tags, handlers, ticket);
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public long clock() {
        return clock.value();
    }

    @Override
    public Map<String, Object> state() {
        return state;
    }

    @Override
    public String ticket() {
        return ticket;
    }

    @Override
    public Collection<HandlerDefinition> handlers() {
        return handlers.ordered().values();
    }

    @Override
    public Map<String, String> tags() {
        return tags;
    }
}
