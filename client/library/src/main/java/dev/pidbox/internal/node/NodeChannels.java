package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two channels the listening nodes of one connection share: one they consume on and one they reply on.
 * kombu does the same (all its nodes on a connection use one channel). It matters for hosts of many nodes:
 * a broadcast to 1000 nodes over 4 connections goes through 8 busy channels instead of 2000, which
 * measured about a third of the gather time (see BENCHMARKS.md).
 *
 * <p>Nothing that can fail on the broker runs on the consume channel: each node declares on a channel of its
 * own (idle after that, and kept for topology recovery), so a refused declare (a duplicate node, a queue with
 * other flags) never closes the channel other nodes consume on.
 *
 * <p>The reply channel is opened, and each exchange declared on it, by the setup lane ({@code pidbox-reply-setup}
 * threads), never by the thread that publishes. Quick handlers reply on amqp-client's consumer thread, and that
 * thread must never wait for a broker round trip: amqp-client's one reader thread per connection hands each channel's
 * deliveries to the consumer thread through a queue of 1000, and waits when it is full. amqp-client lifts that bound
 * while an RPC is outstanding, but a second RPC on a channel started as soon as the first returns can run with the
 * bound back in place (the reader restores it after waking the caller), and then the reader waits on a full queue
 * for a consumer thread that waits for the reader: the connection's nodes go silent for good. It happened to whole
 * 2000-node JVMs in 10,000-node gathers (BENCHMARKS.md). So a publish that needs the channel opened or its exchange
 * declared joins a backlog, which the lane sends in order once the channel is ready; a publish on a ready channel goes
 * out at once on the caller's thread. When a publish fails, the channel is dropped and the next publish starts the
 * lane on a fresh one.
 */
public final class NodeChannels {
    private static final Map<Connection, NodeChannels> SHARED = new IdentityHashMap<>();
    /** The setup lanes of every connection: broker round trips, so never the shared timer or background thread. */
    private static final Executor LANES = Threads.pool("pidbox-reply-setup", 4, -1, 10, TimeUnit.SECONDS);

    private final Connection connection;
    private int users; // guarded by SHARED
    private final Object consumeLock = new Object();
    private Channel consume; // guarded by consumeLock
    private final Object replyLock = new Object();
    private Channel reply; // guarded by replyLock
    private final Set<String> declared = new HashSet<>(); // exchanges declared on reply; guarded by replyLock
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>(); // waiting for the lane; guarded by replyLock
    private boolean settingUp; // the lane owns the reply channel and will send the backlog; guarded by replyLock
    private boolean released; // guarded by replyLock
    private Channel stale; // a reply channel dropped after a failed publish, for the lane to close; guarded by replyLock
    private final Set<String> claimed = new HashSet<>(); // queues consumed by nodes of this process; guarded by itself

    private NodeChannels(Connection connection) {
        this.connection = connection;
    }

    /** A publish waiting for the lane; with no body, only its exchange is to be declared. */
    private static final class Pending {
        final String exchange;
        final String type;
        final String routingKey;
        final AMQP.BasicProperties props;
        final byte[] body;
        final Outbox.Done done;

        Pending(String exchange, String type, String routingKey, AMQP.BasicProperties props, byte[] body,
                Outbox.Done done) {
            this.exchange = exchange;
            this.type = type;
            this.routingKey = routingKey;
            this.props = props;
            this.body = body;
            this.done = done;
        }
    }

    /** The channels of {@code connection}, counting one more user until {@link #release()}. */
    public static NodeChannels acquire(Connection connection) {
        synchronized (SHARED) {
            NodeChannels c = SHARED.computeIfAbsent(connection, NodeChannels::new);
            c.users++;
            return c;
        }
    }

    /** One user fewer; the last one closes both channels, and fails what still waits for the lane. */
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
        List<Pending> dropped;
        Channel leftover;
        synchronized (replyLock) {
            released = true;
            r = settingUp ? null : reply; // the lane closes what it owns
            reply = settingUp ? reply : null;
            leftover = stale;
            stale = null;
            declared.clear();
            dropped = new ArrayList<>(backlog);
            backlog.clear();
        }
        closeQuietly(c);
        closeQuietly(r);
        closeQuietly(leftover);
        for (Pending p : dropped) {
            finish(p.done, new IOException("the node stopped listening before its reply channel was ready"));
        }
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
     * Opens the reply channel and declares {@code exchange} on it, on the lane, so that the first replies find them
     * ready; a failure goes to {@code done} (and the first reply tries again).
     */
    public void prepare(String exchange, String type, Outbox.Done done) {
        synchronized (replyLock) {
            if (released || reply != null && reply.isOpen() && declared.contains(exchange)) {
                return;
            }
            for (Pending p : backlog) {
                if (p.exchange.equals(exchange)) {
                    return;
                }
            }
            enqueue(new Pending(exchange, type, null, null, null, done));
        }
    }

    /**
     * Publishes {@code body} to {@code exchange} (declared first, once per reply channel, with {@code type}); the
     * outcome goes to {@code done}, on this thread when the reply channel is ready for {@code exchange}, else on the
     * lane once it is (see the class comment). Never waits for the broker. On failure the reply channel is dropped, so
     * the next publish starts on a fresh one.
     */
    public void publish(String exchange, String type, String routingKey, AMQP.BasicProperties props, byte[] body,
            Outbox.Done done) {
        Exception failure;
        synchronized (replyLock) {
            if (released) {
                failure = new IOException("the node stopped listening");
            } else if (settingUp || reply == null || !reply.isOpen() || !declared.contains(exchange)) {
                enqueue(new Pending(exchange, type, routingKey, props, body, done));
                return;
            } else {
                failure = send(reply, exchange, routingKey, props, body);
            }
        }
        finish(done, failure);
    }

    /** Adds {@code p} to the backlog and starts the lane if it is not running. Called under replyLock. */
    private void enqueue(Pending p) {
        backlog.add(p);
        if (!settingUp) {
            settingUp = true;
            LANES.execute(this::lane); // an unbounded queue: never refuses
        }
    }

    /**
     * The lane: opens the reply channel and declares exchanges (broker round trips) and sends the backlog in order,
     * until it is empty; publishes that arrive meanwhile join the backlog.
     */
    private void lane() {
        while (true) {
            Pending p;
            Channel ch;
            Channel broken;
            synchronized (replyLock) {
                broken = stale;
                stale = null;
                p = released ? null : backlog.poll();
                if (p == null) {
                    settingUp = false;
                    if (released) { // release() left the channel to the lane, which owned it
                        broken = reply != null ? reply : broken;
                        reply = null;
                    }
                }
                ch = reply;
            }
            closeQuietly(broken);
            if (p == null) {
                return;
            }
            Exception failure = null;
            try {
                if (ch == null || !ch.isOpen()) {
                    ch = open();
                    synchronized (replyLock) {
                        reply = ch;
                        declared.clear();
                    }
                }
                boolean known;
                synchronized (replyLock) {
                    known = declared.contains(p.exchange);
                }
                if (!known) {
                    ch.exchangeDeclare(p.exchange, p.type, false, false, false, Collections.emptyMap());
                    synchronized (replyLock) {
                        declared.add(p.exchange);
                    }
                }
                if (p.body != null) {
                    synchronized (replyLock) {
                        failure = send(ch, p.exchange, p.routingKey, p.props, p.body);
                    }
                }
            } catch (IOException | AlreadyClosedException e) {
                failure = e;
                drop(ch, true);
            } catch (RuntimeException e) {
                failure = new IOException("could not publish to '" + p.exchange + "': " + e, e);
                drop(ch, false);
            }
            finish(p.done, failure);
        }
    }

    /** Publishes on {@code ch}; returns the failure, after dropping the channel, or null. Called under replyLock. */
    private Exception send(Channel ch, String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        try {
            ch.basicPublish(exchange, routingKey, false, props, body);
            return null;
        } catch (IOException | AlreadyClosedException e) {
            reply = null; // the broker closed it, as a rule; if not, the next lane closes it
            declared.clear();
            stale = ch.isOpen() ? ch : stale;
            return e;
        } catch (RuntimeException e) {
            // amqp-client refused to encode something and may have left an RPC half-begun on the channel.
            // Never use it again, and do not close it either: closing waits for that RPC, forever.
            reply = null;
            declared.clear();
            return new IOException("could not publish to '" + exchange + "': " + e, e);
        }
    }

    /** Forgets {@code ch} as the reply channel; closes it ({@code close}) on the lane's thread. */
    private void drop(Channel ch, boolean close) {
        synchronized (replyLock) {
            if (reply == ch) {
                reply = null;
                declared.clear();
            }
        }
        if (close) {
            closeQuietly(ch);
        }
    }

    private static void finish(Outbox.Done done, Exception failure) {
        if (done == null) {
            return;
        }
        try {
            done.done(failure);
        } catch (RuntimeException e) {
            // a sink that throws loses its own report, never the lane
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
