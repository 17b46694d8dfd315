package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import dev.pidbox.ErrorSink;
import dev.pidbox.LamportClock;
import dev.pidbox.internal.Amqp;
import dev.pidbox.internal.IncomingRequest.ReplyTo;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.PyRepr;
import dev.pidbox.internal.Wire;
import dev.pidbox.internal.node.Counters.Counter;

/**
 * The reply step: {@code {hostname: value}} as kombu sends it, with the request's ticket and the clock, the one size
 * policy (a value that cannot be encoded, or whose reply would exceed the limit, is replaced by an error saying so),
 * and {@code user_id} when the node states who it is. Never throws: a reply that cannot be sent is reported.
 */
public final class Replier {
    private final String hostname;
    private final Outbox outbox;
    private final LamportClock clock;
    private final int maxReplySize;
    private final String replyUserId;
    private final ErrorSink errorSink;
    private final Counters counters;

    public Replier(String hostname, Outbox outbox, LamportClock clock, int maxReplySize, String replyUserId,
            ErrorSink errorSink, Counters counters) {
        this.hostname = hostname;
        this.outbox = outbox;
        this.clock = clock;
        this.maxReplySize = maxReplySize;
        this.replyUserId = replyUserId;
        this.errorSink = errorSink;
        this.counters = counters;
    }

    /** Sends {@code value} as the reply to a request for {@code method} with {@code ticket}. */
    public void reply(Object value, ReplyTo to, String ticket, Object method) {
        String exchange = to.exchange();
        String routingKey = to.routingKey();
        if (exchange.isEmpty() || exchange.startsWith("amq.")) {
            errorSink.report("node " + hostname + ": refused to reply to exchange '" + exchange
                    + "' (the default and amq.* exchanges are not reply exchanges)", null);
            return;
        }
        if (!Wire.fitsShortString(exchange) || !Wire.fitsShortString(routingKey)) {
            errorSink.report("node " + hostname + ": refused to reply: the reply exchange or routing key is longer than"
                    + " AMQP's 255 bytes", null);
            return;
        }
        AMQP.BasicProperties props = Wire.replyProperties(ticket, clock.forward(), null);
        if (replyUserId != null) {
            // RabbitMQ checks it against this connection's user, so a client can tell who published the reply.
            props = props.builder().userId(replyUserId).build();
        }
        outbox.publish(exchange, "direct", routingKey, props, encode(value, method), failure -> {
            if (failure == null) {
                counters.increment(Counter.REPLIED);
            } else {
                errorSink.report("node " + hostname + ": could not reply to exchange '" + exchange + "': "
                        + Amqp.reason(failure), failure);
            }
        });
    }

    /** The reply body's bytes: the value, or an error when it is not JSON-able or too large. */
    byte[] encode(Object value, Object method) {
        byte[] bytes;
        try {
            bytes = body(Json.escapeKombuTags(Json.toPlain(value)));
        } catch (IllegalArgumentException e) {
            bytes = body(Outcome.errorValue(PyRepr.error("TypeError", "result of '" + method
                    + "' is not JSON-able: " + e.getMessage())));
        }
        if (bytes.length > maxReplySize) {
            bytes = body(Outcome.errorValue(PyRepr.error("ValueError", "reply of " + bytes.length
                    + " bytes exceeds the limit of " + maxReplySize + " bytes")));
        }
        return bytes;
    }

    private byte[] body(Object value) {
        return Json.encode(Wire.replyBody(hostname, value));
    }
}
