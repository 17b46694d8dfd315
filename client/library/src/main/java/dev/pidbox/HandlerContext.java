package dev.pidbox;

import java.util.Collection;
import java.util.Map;

/** What a handler may know about the node and the request it serves. */
public interface HandlerContext {
    /** The node's full name, e.g. {@code orders.4242@web1}. */
    String nodeName();

    /** The mailbox namespace, e.g. {@code jvm} or {@code celery}. */
    String namespace();

    /** The node's Lamport clock value now. */
    long clock();

    /** The node's user state (kombu's {@code state}); never null, shared by all handlers of the node. */
    Map<String, Object> state();

    /** The request's ticket, or null for a cast. */
    String ticket();

    /** The handlers registered on this node, in registration order. */
    Collection<HandlerDefinition> handlers();

    /** The node's tags (an extension; empty when none were set). */
    Map<String, String> tags();
}
