package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.ErrorSink;
import dev.pidbox.PidboxException;
import dev.pidbox.QueueSpec;
import java.io.IOException;
import java.util.Collections;
import java.util.function.Supplier;

/**
 * A mailbox's reply queue on the broker: declares the reply exchange and the queue (exclusive, auto-delete, bound
 * with the mailbox's oid) on the mailbox's channel, and consumes it into the {@link ReplyRouter}; again on a new
 * channel when the old one was lost.
 */
public final class ReplyQueue {
    private final MailboxChannel channel;
    private final Supplier<QueueSpec> spec;
    private final ReplyRouter router;
    private final ErrorSink errorSink;
    private final String namespace;
    private Channel consumingOn; // guarded by the channel's use

    /**
     * The reply queue of a mailbox, declared on its {@code channel} on first use.
     *
     * @param spec the queue, asked for on first use (its name holds the mailbox's oid, made on first use)
     * @param errorSink where a failure while routing a reply is reported
     */
    public ReplyQueue(MailboxChannel channel, Supplier<QueueSpec> spec, ReplyRouter router, ErrorSink errorSink,
            String namespace) {
        this.channel = channel;
        this.spec = spec;
        this.router = router;
        this.errorSink = errorSink;
        this.namespace = namespace;
    }

    /**
     * Makes sure replies are consumed: declares and consumes the queue unless that was done on the current channel.
     *
     * @throws PidboxException when the broker refused it
     */
    public void ensureConsuming() {
        try {
            channel.use(ch -> {
                if (ch == consumingOn) {
                    return;
                }
                QueueSpec q = spec.get();
                ch.exchangeDeclare(q.exchange(), "direct", false, false, false, Collections.emptyMap());
                ch.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
                ch.queueBind(q.name(), q.exchange(), q.routingKey());
                ch.basicConsume(q.name(), true, new Consumer(ch));
                consumingOn = ch;
            });
        } catch (IOException | AlreadyClosedException e) {
            throw MailboxChannel.failure(namespace, "declare reply queue '" + spec.get().name() + "'", e);
        }
    }

    private final class Consumer extends DefaultConsumer {
        Consumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                router.onReply(properties, body);
            } catch (RuntimeException e) {
                errorSink.report("mailbox " + namespace + ": reply handling failed", e);
            }
        }
    }
}
