package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pidbox.ErrorSink;
import dev.pidbox.Mailbox;
import dev.pidbox.PidboxException;
import dev.pidbox.QueueSpec;
import dev.pidbox.internal.Amqp;
import dev.pidbox.internal.node.Counters.Counter;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A node's life on the broker: declares its queue (exclusive, auto-delete, bound to the mailbox exchange, and to the
 * routed exchange when the mailbox routes), consumes it on the channel the nodes of its connection share, listens
 * again when the broker ends the consumer while the connection stays up, and publishes the node's replies. A name
 * already in use in the namespace is refused with a clear message.
 */
public final class Listener implements Outbox {
    private static final long MAX_RETRY_MILLIS = 30_000;

    private final Mailbox mailbox;
    private final String hostname;
    private final ErrorSink errorSink;
    private final Counters counters;
    private final BiConsumer<AMQP.BasicProperties, byte[]> deliveries;
    private final Executor retries;

    private final Object lock = new Object();
    private volatile Channel channel; // the connection's shared consume channel, while listening; written under lock
    private Channel declareChannel; // this node's own, for its declares; open while listening
    private volatile NodeChannels shared; // while listening; written under lock
    private volatile String consumerTag; // written under lock
    private boolean claimed;
    private volatile boolean closed;

    /**
     * @param deliveries runs each delivery (on amqp-client's consumer thread)
     * @param retries where the declares of a new listen run (never the shared timer)
     */
    public Listener(Mailbox mailbox, String hostname, ErrorSink errorSink, Counters counters,
            BiConsumer<AMQP.BasicProperties, byte[]> deliveries, Executor retries) {
        this.mailbox = mailbox;
        this.hostname = hostname;
        this.errorSink = errorSink;
        this.counters = counters;
        this.deliveries = deliveries;
        this.retries = retries;
    }

    /**
     * Declares and consumes; does nothing when already listening.
     *
     * @throws IllegalStateException when closed, unbound, or another consumer uses this node name in the namespace
     * @throws PidboxException when the broker refuses a declare or is unreachable
     */
    public void listen() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("node " + hostname + " is closed");
            }
            if (consumerTag != null) {
                return;
            }
            Connection connection = mailbox.connection();
            if (connection == null) {
                throw new IllegalStateException("node " + hostname + ": mailbox '" + mailbox.namespace()
                        + "' is not bound to a connection: use mailbox.bind(connection)");
            }
            QueueSpec q = mailbox.getQueue(hostname);
            shared = NodeChannels.acquire(connection);
            if (!shared.claim(q.name())) {
                shared.release();
                shared = null;
                throw duplicate(q, null);
            }
            claimed = true;
            Channel ch = null;
            try {
                // Declares run on a channel of the node's own: a refused one closes only that channel, never
                // the one the other nodes of this connection consume on. It stays open while the node listens,
                // because amqp-client's topology recovery re-declares the queue through the channel that
                // declared it (a closed one would leave the recovered consumer without its queue).
                ch = shared.setupChannel();
                declare(ch, q);
                consume(q);
                declareChannel = ch;
                prepareReplies();
            } catch (IOException | AlreadyClosedException e) {
                releaseAll(ch);
                String reason = Amqp.reason(e);
                if (reason.contains("PRECONDITION_FAILED")) {
                    throw new PidboxException("node " + hostname + ": the broker refused a declare because an exchange"
                            + " or queue exists with other flags (" + reason + "); peers of namespace '"
                            + mailbox.namespace() + "' may use another mailbox type", e);
                }
                throw new PidboxException("node " + hostname + ": could not listen: " + reason, e);
            } catch (RuntimeException e) {
                releaseAll(ch);
                throw e;
            }
        }
    }

    /**
     * Whether the node is consuming. Takes no lock (listen and relisten hold it across broker round trips, and a
     * quick handler asking this runs on amqp-client's consumer thread, which must never wait for the broker).
     */
    public boolean isListening() {
        Channel ch = channel;
        return consumerTag != null && ch != null && ch.isOpen() && !closed;
    }

    /** The channel the node consumes on, or null when it does not listen; takes no lock, as {@link #isListening}. */
    public Channel channel() {
        return channel;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops consuming (the broker then deletes the auto-delete queue) and releases the channels. Idempotent. */
    public void close() {
        Channel ch;
        String tag;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
            tag = consumerTag;
        }
        if (ch != null && tag != null && ch.isOpen()) {
            try {
                ch.basicCancel(tag);
            } catch (IOException | AlreadyClosedException e) {
                // the channel is gone, and the consumer with it
            }
        }
        synchronized (lock) {
            releaseAll(declareChannel);
        }
    }

    @Override
    public boolean publish(String exchange, String exchangeType, String routingKey, AMQP.BasicProperties props,
            byte[] body, Done done) {
        // No lock: listen and relisten hold it across broker round trips, and this runs on the consumer thread.
        NodeChannels channels = shared;
        if (closed || channels == null) {
            return false;
        }
        channels.publish(exchange, exchangeType, routingKey, props, body, done);
        return true;
    }

    /** Declares the exchange, the node's queue and its bindings on {@code ch}; refuses a name in use. */
    private void declare(Channel ch, QueueSpec q) throws IOException {
        ch.exchangeDeclare(mailbox.exchange(), mailbox.type().wireName(), false, false, false, Collections.emptyMap());
        AMQP.Queue.DeclareOk ok;
        try {
            ok = ch.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
        } catch (IOException e) {
            ShutdownSignalException sse = Amqp.shutdownOf(e);
            if (sse != null && String.valueOf(sse.getReason()).contains("RESOURCE_LOCKED")) {
                throw duplicate(q, e);
            }
            throw e;
        }
        if (ok.getConsumerCount() > 0) {
            throw duplicate(q, null);
        }
        ch.queueBind(q.name(), q.exchange(), q.routingKey());
        if (mailbox.isRouted()) {
            ch.exchangeDeclare(mailbox.routedExchange(), "direct", false, false, false, Collections.emptyMap());
            ch.queueBind(q.name(), mailbox.routedExchange(), hostname);
        }
    }

    /** Starts consuming the node's queue on the connection's shared consume channel. Called under lock. */
    private void consume(QueueSpec q) throws IOException {
        Channel consume = shared.consumeChannel();
        // The tag names the queue, which is unique in the vhost, so tags never clash on the shared channel.
        consumerTag = consume.basicConsume(q.name(), true, "pidbox-node-" + q.name(), new RequestConsumer(consume));
        channel = consume;
    }

    /**
     * Has the lane open the shared reply channel and declare this mailbox's reply exchange now, so that the node's
     * first replies, which may run on amqp-client's consumer thread, find both ready.
     */
    private void prepareReplies() {
        shared.prepare(mailbox.replyExchange(), "direct", failure -> {
            if (failure != null) {
                errorSink.report("node " + hostname + ": could not prepare its reply channel (its replies will try"
                        + " again): " + Amqp.reason(failure), failure);
            }
        });
    }

    /** Undoes a listen: the claim, the node's declare channel, the shared channels. Called under lock. */
    private void releaseAll(Channel declared) {
        NodeChannels.closeQuietly(declared);
        declareChannel = null;
        consumerTag = null;
        channel = null;
        if (shared != null) {
            if (claimed) {
                shared.unclaim(mailbox.getQueue(hostname).name());
                claimed = false;
            }
            shared.release(); // the last node of the connection closes the shared channels
            shared = null;
        }
    }

    /**
     * Listens again after the broker ended the node's consumer while its connection stayed up: its queue was
     * deleted (by an operator, say), or the shared consume channel was closed by a channel error. amqp-client
     * recovers consumers only after a lost connection, so without this the node would stay deaf. Retries with
     * backoff (1 s doubling to 30 s) until it listens, is closed, or finds its name taken by another node.
     */
    private void listenAgain(long delayMillis) {
        long next = Math.min(Math.max(1000, delayMillis * 2), MAX_RETRY_MILLIS);
        try {
            // The timer only hands over: the declares are broker round trips, and the timer thread is shared.
            Threads.timer().schedule(() -> {
                if (closed) {
                    return;
                }
                try {
                    retries.execute(() -> relisten(next));
                } catch (RejectedExecutionException e) {
                    listenAgain(next); // every handler thread busy: try later
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the JVM is shutting down
        }
    }

    private void relisten(long nextDelayMillis) {
        synchronized (lock) {
            if (closed || shared == null || consumerTag != null) {
                return;
            }
            QueueSpec q = mailbox.getQueue(hostname);
            try {
                Channel d = declareChannel;
                if (d == null || !d.isOpen()) {
                    NodeChannels.closeQuietly(d);
                    d = shared.setupChannel();
                    declareChannel = d;
                }
                declare(d, q);
                consume(q);
                errorSink.report("node " + hostname + ": listening again on queue '" + q.name() + "'", null);
            } catch (IllegalStateException e) {
                errorSink.report("node " + hostname + ": cannot listen again: " + e.getMessage(), null);
            } catch (IOException | RuntimeException e) {
                errorSink.report("node " + hostname + ": could not listen again (retrying): " + e, null);
                listenAgain(nextDelayMillis);
            }
        }
    }

    private IllegalStateException duplicate(QueueSpec q, Exception cause) {
        IllegalStateException e = new IllegalStateException("a node named '" + hostname
                + "' is already listening in namespace '" + mailbox.namespace() + "' (queue '" + q.name()
                + "' is in use): node names must be unique, give this one another name");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** Hands deliveries to the pipeline; notices when the broker ends the consumer. */
    private final class RequestConsumer extends DefaultConsumer {
        RequestConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                deliveries.accept(properties, body);
            } catch (RuntimeException | Error e) {
                // Never let anything stop the consumer.
                counters.increment(Counter.REJECTED);
                errorSink.report("node " + hostname + ": failed to handle a message", e);
            }
        }

        @Override
        public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
            if (!closed && !sig.isInitiatedByApplication()) {
                errorSink.report("node " + hostname + ": channel closed by the broker: " + sig.getReason()
                        + (mailbox.connection().isOpen() ? "" : " (connection lost; it recovers if recovery is on)"),
                        null);
                if (!sig.isHardError() && ended(tag)) {
                    listenAgain(1000); // a channel error; a lost connection is amqp-client's to recover
                }
            }
        }

        @Override
        public void handleCancel(String tag) {
            if (!closed && ended(tag)) {
                errorSink.report("node " + hostname + ": the broker cancelled its consumer (queue '"
                        + mailbox.getQueue(hostname).name() + "' deleted?); listening again", null);
                listenAgain(1000);
            }
        }

        /** Forgets the consumer {@code tag} if it is still the node's current one; true then. */
        private boolean ended(String tag) {
            synchronized (lock) {
                if (tag == null || !tag.equals(consumerTag) || getChannel() != channel) {
                    return false;
                }
                consumerTag = null;
                return true;
            }
        }
    }
}
