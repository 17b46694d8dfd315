package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The two channels the listening nodes of one connection share: one they consume on and one they reply on.
 * kombu does the same (all its nodes on a connection use one channel). It matters for hosts of many nodes:
 * a broadcast to 1000 nodes over 4 connections goes through 8 busy channels instead of 2000, which
 * measured about a third of the gather time (see BENCHMARKS.md).
 *
 * <p>Nothing that can fail on the broker runs on the consume channel: each node declares on a channel of its
 * own (idle after that, and kept for topology recovery), so a refused declare (a duplicate node, a queue with
 * other flags) never closes the channel other nodes consume on. The reply channel declares each reply
 * exchange once; when a publish fails, the next reply starts on a fresh channel.
 */
public final class NodeChannels {
    private static final Map<Connection, NodeChannels> SHARED = new IdentityHashMap<>();

    private final Connection connection;
    private int users; // guarded by SHARED
    private final Object consumeLock = new Object();
    private Channel consume; // guarded by consumeLock
    private final Object replyLock = new Object();
    private Channel reply; // guarded by replyLock
    private final Set<String> declared = new HashSet<>(); // exchanges declared on reply; guarded by replyLock
    private final Set<String> claimed = new HashSet<>(); // queues consumed by nodes of this process; guarded by itself

    private NodeChannels(Connection connection) {
        this.connection = connection;
    }

    /** The channels of {@code connection}, counting one more user until {@link #release()}. */
    public static NodeChannels acquire(Connection connection) {
        synchronized (SHARED) {
            NodeChannels c = SHARED.computeIfAbsent(connection, NodeChannels::new);
            c.users++;
            return c;
        }
    }

    /** One user fewer; the last one closes both channels. */
    public void release() {
        synchronized (SHARED) {
            if (--users > 0) {
                return;
            }
            SHARED.remove(connection);
        }
        Channel c;
        Channel r;
        synchronized (consumeLock) {
            c = consume;
            consume = null;
        }
        synchronized (replyLock) {
            r = reply;
            reply = null;
            declared.clear();
        }
        closeQuietly(c);
        closeQuietly(r);
    }

    /**
     * Claims {@code queue} for one node of this process: false when another node of the same connection listens on
     * it already (a duplicate node name), which the broker would not refuse on a shared channel.
     */
    public boolean claim(String queue) {
        synchronized (claimed) {
            return claimed.add(queue);
        }
    }

    /** Gives {@code queue} back (the node stopped listening). */
    public void unclaim(String queue) {
        synchronized (claimed) {
            claimed.remove(queue);
        }
    }

    /** The channel to consume on, opened (again) when needed. */
    public Channel consumeChannel() throws IOException {
        synchronized (consumeLock) {
            if (consume == null || !consume.isOpen()) {
                consume = open();
            }
            return consume;
        }
    }

    /** A new channel for a node's declares, closed by that node. */
    public Channel setupChannel() throws IOException {
        return open();
    }

    /**
     * Publishes {@code body} to {@code exchange} (declared first, once per reply channel, with {@code type}).
     * On failure the reply channel is dropped, so the next publish starts on a fresh one.
     */
    public void publish(String exchange, String type, String routingKey, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        synchronized (replyLock) {
            try {
                if (reply == null || !reply.isOpen()) {
                    reply = open();
                    declared.clear();
                }
                if (!declared.contains(exchange)) {
                    reply.exchangeDeclare(exchange, type, false, false, false, Collections.emptyMap());
                    declared.add(exchange);
                }
                reply.basicPublish(exchange, routingKey, false, props, body);
            } catch (IOException | AlreadyClosedException e) {
                closeQuietly(reply); // the broker closed it, as a rule; then this does nothing
                reply = null;
                declared.clear();
                throw e;
            } catch (RuntimeException e) {
                // amqp-client refused to encode something and may have left an RPC half-begun on the channel.
                // Never use it again, and do not close it either: closing waits for that RPC, forever.
                reply = null;
                declared.clear();
                throw new IOException("could not publish to '" + exchange + "': " + e, e);
            }
        }
    }

    private Channel open() throws IOException {
        Channel ch = connection.createChannel();
        if (ch == null) {
            throw new IOException("the broker has no free channel on this connection");
        }
        return ch;
    }

    public static void closeQuietly(Channel ch) {
        if (ch != null && ch.isOpen()) {
            try {
                ch.close();
            } catch (IOException | TimeoutException | AlreadyClosedException e) {
                // gone either way
            }
        }
    }
}
