package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ReturnListener;
import dev.pidbox.ErrorSink;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A routed request that reached no queue comes back (it is published mandatory): none of the named nodes is bound
 * to the routed exchange, for example kombu nodes. It is sent again, without its {@code CC} header, through the
 * mailbox exchange, where every node sees it and the named ones run it. The resend runs off amqp-client's thread.
 */
public final class RoutedResend implements ReturnListener {
    private final Sender sender;
    private final BooleanSupplier closed;
    private final String routedExchange;
    private final String exchange;
    private final ErrorSink errorSink;
    private final String namespace;

    /**
     * The resend of a mailbox's routed requests.
     *
     * @param sender where the request goes again: the mailbox's channel
     * @param closed whether the mailbox closed; nothing is resent then
     * @param routedExchange the exchange of routed delivery; returns from any other are ignored
     * @param exchange the mailbox exchange, where the request goes again
     */
    public RoutedResend(Sender sender, BooleanSupplier closed, String routedExchange, String exchange,
            ErrorSink errorSink, String namespace) {
        this.sender = sender;
        this.closed = closed;
        this.routedExchange = routedExchange;
        this.exchange = exchange;
        this.errorSink = errorSink;
        this.namespace = namespace;
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String returnedFrom, String routingKey,
            AMQP.BasicProperties props, byte[] body) {
        if (!returnedFrom.equals(routedExchange) || closed.getAsBoolean()) {
            return;
        }
        AMQP.BasicProperties plain = withoutCc(props);
        Threads.background().execute(() -> {
            try {
                sender.publish(exchange, "", false, plain, body);
            } catch (IOException | RuntimeException e) {
                errorSink.report("mailbox " + namespace + ": could not resend an unroutable routed request", e);
            }
        });
    }

    /** {@code props} without the {@code CC} header that named the other nodes. */
    static AMQP.BasicProperties withoutCc(AMQP.BasicProperties props) {
        Map<String, Object> headers = props.getHeaders() == null ? new HashMap<String, Object>()
                : new HashMap<>(props.getHeaders());
        headers.remove("CC");
        return props.builder().headers(headers).build();
    }
}
