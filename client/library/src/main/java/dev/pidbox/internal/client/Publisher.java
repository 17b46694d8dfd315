package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BlockedListener;
import dev.pidbox.BrokerBlockedException;
import dev.pidbox.LamportClock;
import dev.pidbox.PidboxException;
import dev.pidbox.Request;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.security.Signer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes a mailbox's requests: the kombu body and properties (clock, expiry), a signature when the mailbox signs,
 * and the route: the mailbox exchange, or for routed delivery to named nodes the routed exchange once, mandatory,
 * with the other names in {@code CC} (a request that comes back goes again through {@link RoutedResend}). It also
 * follows the broker's {@code connection.blocked}: a cast is then refused, and pending calls are told.
 */
public final class Publisher implements BlockedListener {
    /** How long past its deadline a signed request stays valid, for clock skew between hosts. */
    private static final long SIGNATURE_SKEW_MILLIS = 30_000;

    private final Sender sender;
    private final String namespace;
    private final LamportClock clock;
    private final Signer signer;
    private final String exchange;
    private final String routedExchange;
    private final Consumer<String> onBlocked;
    private volatile String blockedReason;

    /**
     * A publisher for the mailbox of {@code namespace}, publishing through {@code sender}.
     *
     * @param signer signs every request, or null to send them unsigned
     * @param routedExchange the exchange of routed delivery, or null when the mailbox does not route
     * @param onBlocked told the broker's reason when it starts blocking publishes
     */
    public Publisher(Sender sender, String namespace, LamportClock clock, Signer signer, String routedExchange,
            Consumer<String> onBlocked) {
        this.sender = sender;
        this.namespace = namespace;
        this.clock = clock;
        this.signer = signer;
        this.exchange = Wire.exchangeName(namespace);
        this.routedExchange = routedExchange;
        this.onBlocked = onBlocked;
    }

    @Override
    public void handleBlocked(String reason) {
        String r = reason == null || reason.isEmpty() ? "resource alarm" : reason;
        blockedReason = r;
        onBlocked.accept(r);
    }

    @Override
    public void handleUnblocked() {
        blockedReason = null;
    }

    /** The broker's reason while it blocks the connection's publishes, else null. */
    public String blockedReason() {
        return blockedReason;
    }

    /** Whether the broker blocks the connection's publishes. */
    public boolean isBlocked() {
        return blockedReason != null;
    }

    /**
     * Publishes {@code request} without asking for replies.
     *
     * @throws BrokerBlockedException while the broker blocks publishes
     * @throws PidboxException when the broker refused it
     */
    public void cast(Request request) {
        String blocked = blockedReason;
        if (blocked != null) {
            throw new BrokerBlockedException(blocked);
        }
        send(request, null, null, null);
    }

    /**
     * Publishes {@code request} asking for replies with {@code ticket} to {@code replyExchange} under {@code oid}.
     *
     * @throws PidboxException when the broker refused it
     */
    public void call(Request request, String ticket, String replyExchange, String oid) {
        send(request, ticket, replyExchange, oid);
    }

    private void send(Request request, String ticket, String replyExchange, String oid) {
        Map<String, Object> body = Wire.requestBody(request.method(), plainArguments(request), request.destination(),
                request.pattern(), request.matcher() == null ? null : request.matcher().wireName(), ticket,
                replyExchange, oid);
        Duration timeout = request.timeout();
        AMQP.BasicProperties props = Wire.requestProperties(clock.forward(),
                System.currentTimeMillis() / 1000.0 + timeout.toNanos() / 1e9);
        byte[] bytes = Json.encode(body);
        if (signer != null) {
            props = withHeaders(props, signer.sign(namespace, bytes,
                    System.currentTimeMillis() + timeout.toMillis() + SIGNATURE_SKEW_MILLIS));
        }
        List<String> names = request.destination();
        boolean routed = routedExchange != null && names != null && !names.isEmpty();
        String target = routed ? routedExchange : exchange;
        String routingKey = "";
        if (routed) {
            routingKey = names.get(0);
            if (names.size() > 1) {
                Map<String, Object> cc = new HashMap<>();
                cc.put("CC", new ArrayList<>(names.subList(1, names.size())));
                props = withHeaders(props, cc);
            }
        }
        try {
            sender.publish(target, routingKey, routed, props, bytes);
        } catch (IOException | AlreadyClosedException e) {
            throw MailboxChannel.failure(namespace, "publish to exchange '" + target + "'", e);
        }
    }

    private static AMQP.BasicProperties withHeaders(AMQP.BasicProperties props, Map<String, Object> more) {
        Map<String, Object> headers = new HashMap<>(props.getHeaders());
        headers.putAll(more);
        return props.builder().headers(headers).build();
    }

    private static Map<String, Object> plainArguments(Request request) {
        Object plain = Json.toPlain(request.arguments());
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain;
        return map;
    }
}
