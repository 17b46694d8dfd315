package dev.pidbox.agent;

import java.util.Map;

/**
 * The agent's node as JConsole shows it, under {@code dev.pidbox:type=Node}: who it is, where it is
 * connected (without password), its state, its handlers and its counters.
 */
public interface NodeMXBean {
    String getNodeName();

    String getNamespace();

    /** The broker URI with the password masked. */
    String getBroker();

    /** {@code starting}, {@code connecting}, {@code waiting for broker: ...}, {@code listening}, {@code failed: ...}. */
    String getState();

    /** Whether the AMQP connection is open now (false while it recovers). */
    boolean isConnected();

    /**
     * The broker's reason while it blocks this node's connection (a RabbitMQ memory or disk alarm: replies wait in
     * the connection until it clears), or an empty string.
     */
    String getBrokerBlocked();

    String[] getHandlers();

    /** received, selected, dispatched, failed, rejected, busy, replied. */
    Map<String, Long> getCounts();
}
