package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pidbox.ErrorSink;
import dev.pidbox.ExchangeType;
import dev.pidbox.PidboxException;
import dev.pidbox.internal.Amqp;
import dev.pidbox.internal.Wire;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.util.Collections;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The one channel of a bound mailbox, shared by its publishes and its reply consumer, and opened again when the
 * broker closed it. Opening it declares the mailbox exchange (a clear message when peers declared it with other
 * flags) and, for routed delivery, the routed exchange with a {@link RoutedResend} for returned requests.
 */
public final class MailboxChannel implements Sender {
    /** Work done on the channel while no other publish or declare uses it. */
    @FunctionalInterface
    public interface Work {
        /** Runs on {@code channel}. */
        void run(Channel channel) throws IOException;
    }

    private final Connection connection;
    private final String namespace;
    private final ExchangeType type;
    private final String exchange;
    private final String routedExchange;
    private final RoutedResend returns;
    private final Object lock = new Object();
    private Channel channel; // guarded by lock
    private volatile boolean closed;

    /**
     * The channel of a mailbox of {@code namespace} on {@code connection}, opened on first use.
     *
     * @param connection the connection, or null for an unbound mailbox (every use then says it is not bound)
     * @param routedExchange the exchange of routed delivery, or null when the mailbox does not route
     * @param errorSink where a failed resend of a returned request is reported
     */
    public MailboxChannel(Connection connection, String namespace, ExchangeType type, String routedExchange,
            ErrorSink errorSink) {
        this.connection = connection;
        this.namespace = namespace;
        this.type = type;
        this.exchange = Wire.exchangeName(namespace);
        this.routedExchange = routedExchange;
        this.returns = routedExchange == null ? null : new RoutedResend(this, this::isClosed, routedExchange,
                exchange, errorSink, namespace);
    }

    /**
     * Fails unless the mailbox is bound and open.
     *
     * @throws IllegalStateException naming what to do about it
     */
    public void requireOpen() {
        if (connection == null) {
            throw new IllegalStateException("mailbox '" + namespace
                    + "' is not bound to a connection: use mailbox.bind(connection)");
        }
        if (closed) {
            throw new IllegalStateException("mailbox '" + namespace + "' is closed");
        }
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Runs {@code work} on the channel, opened first when needed, while no other work runs on it.
     *
     * @throws PidboxException when no channel could be opened
     * @throws IOException from {@code work}
     */
    public void use(Work work) throws IOException {
        synchronized (lock) {
            work.run(open());
        }
    }

    @Override
    public void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        use(ch -> ch.basicPublish(exchange, routingKey, mandatory, props, body));
    }

    /** The exception for a broker operation that failed: "mailbox NS: could not WHAT: the broker's reason". */
    public static PidboxException failure(String namespace, String what, Exception e) {
        return new PidboxException("mailbox " + namespace + ": could not " + what + ": " + Amqp.reason(e), e);
    }

    private Channel open() {
        requireOpen();
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        try {
            Channel ch = connection.createChannel();
            if (ch == null) {
                throw new PidboxException("the broker has no free channel on this connection");
            }
            declareMailboxExchange(ch);
            if (routedExchange != null) {
                ch.exchangeDeclare(routedExchange, "direct", false, false, false, Collections.emptyMap());
                ch.addReturnListener(returns);
            }
            Channel old = channel;
            channel = ch;
            // The reply consumer lived on the old channel; the reply queue sees a new channel and consumes on it.
            // (While the broker is away, creating a channel fails and the old one, recovered later with its
            // consumer, stays.)
            if (old != null) {
                abortQuietly(old);
            }
            return ch;
        } catch (IOException | AlreadyClosedException e) {
            throw failure(namespace, "open a channel", e);
        }
    }

    private void declareMailboxExchange(Channel ch) throws IOException {
        try {
            ch.exchangeDeclare(exchange, type.wireName(), false, false, false, Collections.emptyMap());
        } catch (IOException e) {
            ShutdownSignalException sse = Amqp.shutdownOf(e);
            if (sse != null && sse.getMessage() != null && sse.getMessage().contains("PRECONDITION_FAILED")) {
                throw new PidboxException("exchange '" + exchange + "' exists with other flags than "
                        + type.wireName() + "/non-durable; peers of namespace '" + namespace
                        + "' use another mailbox type: set type to match them (Celery uses fanout, plain kombu direct)",
                        e);
            }
            throw e;
        }
    }

    /**
     * Closes for good (idempotent): marks this closed, so no channel opens again, runs {@code whenClosed} once, and
     * closes the channel. While {@code brokerBlocking} says the broker blocks the connection, it reads nothing from
     * it, so a close would wait for its close-ok until the alarm clears (amqp-client waits up to 10 minutes): the
     * channel is then aborted in the background, and whoever owns the connection can abort it (the CLI does).
     */
    public void close(Runnable whenClosed, BooleanSupplier brokerBlocking) {
        Channel ch;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
            channel = null;
        }
        whenClosed.run();
        if (ch == null || !ch.isOpen()) {
            return;
        }
        if (brokerBlocking.getAsBoolean()) {
            Threads.start("pidbox-mailbox-close", () -> abortQuietly(ch));
            return;
        }
        try {
            ch.close();
        } catch (IOException | TimeoutException | AlreadyClosedException e) {
            // The channel is gone either way; nothing is lost.
        }
    }

    private static void abortQuietly(Channel ch) {
        try {
            ch.abort();
        } catch (IOException | RuntimeException e) {
            // it is gone either way
        }
    }
}
