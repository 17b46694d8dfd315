package dev.pidbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pidbox.internal.Amqp;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of pidbox, as kombu's {@code Mailbox}: sends commands to the nodes of a namespace and
 * gathers their replies. Wire-compatible with kombu and Celery (PROTOCOL.md).
 *
 * <pre>{@code
 * Mailbox mailbox = Mailbox.builder("jvm").build().bind(connection);
 * CallResult r = mailbox.call(List.of("orders.4242@web1"), "ping", Map.of(), Duration.ofSeconds(2));
 * mailbox.abcast("reload", Map.of());
 * CallResult all = mailbox.multiCall("ping", Map.of(), Duration.ofSeconds(1), null);
 * }</pre>
 *
 * <p>Beyond kombu, invisibly to kombu peers: the timeout is one total deadline for the whole gather (kombu's
 * is a gap between replies); a named call returns as soon as every named node answered; the result tells
 * apart nodes that answered, answered with an error, and did not answer; a reply is only ever handed to the
 * call whose ticket it carries, so a late reply never leaks into a later call.
 *
 * <p>A bound mailbox is thread-safe: calls from several threads share one channel and one reply queue,
 * told apart by ticket. {@link #close()} it when done (it does not close the connection).
 */
public final class Mailbox implements AutoCloseable {
    /** Settings shared by a mailbox and its bound copies. */
    private static final class Settings {
        final String namespace;
        final ExchangeType type;
        final Duration queueTtl;
        final Duration queueExpires;
        final Duration replyQueueTtl;
        final Duration replyQueueExpires;
        final int maxMessageSize;
        final int maxReplySize;
        final ErrorSink errorSink;
        final dev.pidbox.security.Signer signer;
        final boolean routed;
        final dev.pidbox.security.ReplyUsers replyUsers;

        Settings(Builder b) {
            this.namespace = b.namespace;
            this.type = b.type;
            this.queueTtl = b.queueTtl;
            this.queueExpires = b.queueExpires;
            this.replyQueueTtl = b.replyQueueTtl;
            this.replyQueueExpires = b.replyQueueExpires;
            this.maxMessageSize = b.maxMessageSize;
            this.maxReplySize = b.maxReplySize;
            this.errorSink = b.errorSink;
            this.signer = b.signer;
            this.routed = b.routed;
            this.replyUsers = b.replyUsers;
        }
    }

    private final Settings settings;
    private final LamportClock clock;
    private final Connection connection;
    private volatile String oid;

    private final Object channelLock = new Object();
    private Channel channel;
    private boolean replyConsumerReady;
    private volatile boolean closed;
    private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
    private final AtomicLong staleReplies = new AtomicLong();
    private final AtomicLong malformedReplies = new AtomicLong();

    /** The broker's reason while it blocks this connection's publishes (RabbitMQ resource alarm), else null. */
    private volatile String blockedReason;
    private final com.rabbitmq.client.BlockedListener blockedListener = new com.rabbitmq.client.BlockedListener() {
        @Override
        public void handleBlocked(String reason) {
            String r = reason == null || reason.isEmpty() ? "resource alarm" : reason;
            blockedReason = r;
            for (PendingCall call : pending.values()) {
                call.blocked(r);
            }
        }

        @Override
        public void handleUnblocked() {
            blockedReason = null;
        }
    };

    private Mailbox(Settings settings, LamportClock clock, Connection connection) {
        this.settings = settings;
        this.clock = clock;
        this.connection = connection;
        if (connection != null) {
            connection.addBlockedListener(blockedListener);
        }
    }

    /** The sentence pidbox's tools print when the broker blocks publishes, for a reason the broker gave. */
    public static String blockedMessage(String reason) {
        return "the broker is blocking publishes (" + reason + "): a RabbitMQ resource alarm is in effect, so requests"
                + " wait in the connection and may reach no node until it clears (see rabbitmqctl status, 'Alarms')";
    }

    /**
     * The broker's reason while it blocks this connection's publishes (a RabbitMQ memory or disk alarm, AMQP
     * {@code connection.blocked}; for example {@code low on memory}), else null. Learned from the broker's
     * notification, which RabbitMQ sends once the connection has tried to publish during the alarm.
     */
    public String blockedReason() {
        return blockedReason;
    }

    /** Whether the broker is blocking this connection's publishes; see {@link #blockedReason()}. */
    public boolean isBlocked() {
        return blockedReason != null;
    }

    /** Starts a mailbox for {@code namespace}; {@code jvm} is the project default, {@code celery} reaches Celery. */
    public static Builder builder(String namespace) {
        return new Builder(namespace);
    }

    /**
     * A copy of this mailbox bound to a connection, as kombu's {@code mailbox(connection)}. The copy has
     * its own reply queue (a new oid) and shares this mailbox's clock.
     */
    public Mailbox bind(Connection connection) {
        return new Mailbox(settings, clock, Objects.requireNonNull(connection, "connection"));
    }

    /**
     * A node of this mailbox, as kombu's {@code mailbox.Node(hostname, ...)}. Call {@code listen()} on it; that needs
     * a bound mailbox. A node of an unbound mailbox runs requests handed to it in-process ({@code handleCall} and
     * the other kombu-named methods), which is how handlers are tested without a broker.
     */
    public Node.Builder node(String hostname) {
        return new Node.Builder(this, hostname);
    }

    // ---------------------------------------------------------------- attributes (kombu names)

    /** The namespace, e.g. {@code celery}. */
    public String namespace() {
        return settings.namespace;
    }

    /** The connection this mailbox is bound to, or null when unbound. */
    public Connection connection() {
        return connection;
    }

    /** The mailbox exchange's type. */
    public ExchangeType type() {
        return settings.type;
    }

    /** The mailbox exchange's name, {@code NS.pidbox}. */
    public String exchange() {
        return Wire.exchangeName(settings.namespace);
    }

    /** The reply exchange's name, {@code reply.NS.pidbox}. */
    public String replyExchange() {
        return Wire.replyExchangeName(settings.namespace);
    }

    /**
     * The direct exchange of routed delivery, {@code NS.pidbox.routed}: nodes of a routed mailbox bind their
     * queue to it under their own name, and calls to named nodes go there once, with the other names in the
     * {@code CC} header, so the broker delivers them only to those nodes.
     */
    public String routedExchange() {
        return settings.namespace + ".pidbox.routed";
    }

    /** Whether this mailbox uses routed delivery (an opt-in extension; see {@link Builder#routed(boolean)}). */
    public boolean isRouted() {
        return settings.routed;
    }

    /** This bound mailbox's unique id, the routing key of its replies. */
    public String oid() {
        // Made on first use: a mailbox that only hosts nodes never needs one, and the first UUID of a JVM
        // initialises SecureRandom (about 10 ms in a freshly attached agent, on the way to its first reply).
        String id = oid;
        if (id == null) {
            synchronized (channelLock) {
                id = oid;
                if (id == null) {
                    id = UUID.randomUUID().toString();
                    oid = id;
                }
            }
        }
        return id;
    }

    /** The Lamport clock stamped on requests and adjusted by replies (shared with nodes of this mailbox). */
    public LamportClock clock() {
        return clock;
    }

    /** The error sink for failures on background threads. */
    public ErrorSink errorSink() {
        return settings.errorSink;
    }

    /** The largest request body a node of this mailbox accepts, in bytes. */
    public int maxMessageSize() {
        return settings.maxMessageSize;
    }

    /** The largest reply body this mailbox accepts and a node of it sends, in bytes. */
    public int maxReplySize() {
        return settings.maxReplySize;
    }

    /** How many replies arrived for no pending call (late, foreign or without ticket) and were dropped. */
    public long staleReplies() {
        return staleReplies.get();
    }

    /** How many replies for a pending call could not be decoded and were dropped. */
    public long malformedReplies() {
        return malformedReplies.get();
    }

    /** The reply queue of this mailbox: exclusive, auto-delete, bound to the reply exchange with the oid. */
    public QueueSpec getReplyQueue() {
        return new QueueSpec(Wire.replyQueueName(oid(), settings.namespace), replyExchange(), oid(), false, true, true,
                queueArguments(settings.replyQueueExpires, settings.replyQueueTtl));
    }

    /** The queue of node {@code hostname}: exclusive, auto-delete, bound to the mailbox exchange with {@code ""}. */
    public QueueSpec getQueue(String hostname) {
        return new QueueSpec(Wire.nodeQueueName(hostname, settings.namespace), exchange(), "", false, true, true,
                queueArguments(settings.queueExpires, settings.queueTtl));
    }

    private static Map<String, Object> queueArguments(Duration expires, Duration ttl) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (expires != null) {
            args.put("x-expires", millis(expires));
        }
        if (ttl != null) {
            args.put("x-message-ttl", millis(ttl));
        }
        return args;
    }

    private static Integer millis(Duration d) {
        long ms = d.toMillis();
        if (ms < 1 || ms > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queue duration out of range: " + d);
        }
        return (int) ms;
    }

    // ---------------------------------------------------------------- sending

    /**
     * Calls {@code method} on the named nodes and gathers their replies until each answered or the
     * deadline passed. An empty destination reaches every node (kombu's behaviour).
     */
    public CallResult call(List<String> destination, String method, Map<String, ?> arguments, Duration timeout) {
        return call(destination, method, arguments, timeout, null);
    }

    /** {@link #call(List, String, Map, Duration)}, handing each reply to {@code callback} as it arrives. */
    public CallResult call(List<String> destination, String method, Map<String, ?> arguments, Duration timeout,
            ReplyListener callback) {
        return call(Request.builder(method).arguments(arguments).destination(destination).timeout(timeout).build(),
                callback);
    }

    /** Sends {@code method} to the named nodes without asking for replies. */
    public void cast(List<String> destination, String method, Map<String, ?> arguments) {
        cast(Request.builder(method).arguments(arguments).destination(destination).reply(false).build());
    }

    /** Broadcasts {@code method} to every node without asking for replies. */
    public void abcast(String method, Map<String, ?> arguments) {
        cast(Request.builder(method).arguments(arguments).reply(false).build());
    }

    /**
     * Broadcasts {@code method} to every node and gathers replies until the deadline, or until
     * {@code limit} replies arrived (null: no limit).
     */
    public CallResult multiCall(String method, Map<String, ?> arguments, Duration timeout, Integer limit) {
        return multiCall(method, arguments, timeout, limit, null);
    }

    /** {@link #multiCall(String, Map, Duration, Integer)}, streaming each reply to {@code callback}. */
    public CallResult multiCall(String method, Map<String, ?> arguments, Duration timeout, Integer limit,
            ReplyListener callback) {
        return call(Request.builder(method).arguments(arguments).timeout(timeout).limit(limit).build(), callback);
    }

    /** Sends a request built with {@link Request#builder(String)}; for a cast, returns an empty result. */
    public CallResult send(Request request) {
        if (!request.wantsReply()) {
            cast(request);
            return new CallResult(null, Collections.<Reply>emptyList(), request.destination(), -1, Duration.ZERO, false);
        }
        return call(request, null);
    }

    /** Sends a request without asking for replies (its reply flag is ignored). */
    public void cast(Request request) {
        requireOpen();
        String blocked = blockedReason;
        if (blocked != null) {
            throw new BrokerBlockedException(blocked);
        }
        Map<String, Object> body = Wire.requestBody(request.method(), plainArguments(request), request.destination(),
                request.pattern(), request.matcher() == null ? null : request.matcher().wireName(), null, null, null);
        publish(body, Wire.requestProperties(clock.forward(), epochSeconds() + request.timeout().toNanos() / 1e9),
                request.timeout());
    }

    /**
     * Sends a request that asks for replies and gathers them until the first of: the deadline, the limit,
     * every named node answered, the expected count reached.
     */
    public CallResult call(Request request, ReplyListener callback) {
        requireOpen();
        ensureReplyConsumer();
        String ticket = UUID.randomUUID().toString();
        int limit = request.limit() != null ? request.limit() : Integer.MAX_VALUE;
        int expected = request.destination() != null ? new HashSet<>(request.destination()).size()
                : request.expect() != null ? request.expect() : -1;
        long start = System.nanoTime();
        long deadline = start + request.timeout().toNanos();
        String blockedNow = blockedReason;
        if (blockedNow != null) {
            // Publishing now would only queue the request in the blocked connection (and could block this thread on
            // a full socket); say so at once instead of waiting for replies that cannot come.
            return new CallResult(ticket, Collections.<Reply>emptyList(), request.destination(), expected,
                    Duration.ofNanos(System.nanoTime() - start), false, blockedNow);
        }
        PendingCall call = new PendingCall(ticket, start, limit, request.destination(), request.expect(), callback);
        pending.put(ticket, call);
        try {
            Map<String, Object> body = Wire.requestBody(request.method(), plainArguments(request), request.destination(),
                    request.pattern(), request.matcher() == null ? null : request.matcher().wireName(), ticket,
                    replyExchange(), oid());
            publish(body, Wire.requestProperties(clock.forward(), epochSeconds() + request.timeout().toNanos() / 1e9),
                    request.timeout());
            boolean met = call.await(deadline);
            return new CallResult(ticket, call.snapshot(), request.destination(), expected,
                    Duration.ofNanos(System.nanoTime() - start), !met, call.blockedReason(), call.forgeries());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CallResult(ticket, call.snapshot(), request.destination(), expected,
                    Duration.ofNanos(System.nanoTime() - start), true, call.blockedReason(), call.forgeries());
        } finally {
            pending.remove(ticket);
        }
    }

    private static Map<String, Object> plainArguments(Request request) {
        Object plain = Json.toPlain(request.arguments());
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) plain;
        return map;
    }

    private static double epochSeconds() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** How long past its deadline a signed request stays valid, for clock skew between hosts. */
    private static final long SIGNATURE_SKEW_MILLIS = 30_000;

    private void publish(Map<String, Object> body, AMQP.BasicProperties props, Duration timeout) {
        byte[] bytes = Json.encode(body);
        if (settings.signer != null) {
            Map<String, Object> headers = new java.util.HashMap<>(props.getHeaders());
            headers.putAll(settings.signer.sign(settings.namespace, bytes,
                    System.currentTimeMillis() + timeout.toMillis() + SIGNATURE_SKEW_MILLIS));
            props = props.builder().headers(headers).build();
        }
        Object destination = body.get("destination");
        boolean routed = settings.routed && destination instanceof List && !((List<?>) destination).isEmpty();
        String target = routed ? routedExchange() : exchange();
        String routingKey = "";
        if (routed) {
            List<?> names = (List<?>) destination;
            routingKey = names.get(0).toString();
            if (names.size() > 1) {
                Map<String, Object> headers = new java.util.HashMap<>(props.getHeaders());
                List<String> cc = new java.util.ArrayList<>();
                for (Object n : names.subList(1, names.size())) {
                    cc.add(n.toString());
                }
                headers.put("CC", cc);
                props = props.builder().headers(headers).build();
            }
        }
        synchronized (channelLock) {
            Channel ch = ensureChannel();
            try {
                ch.basicPublish(target, routingKey, routed, props, bytes);
            } catch (IOException | AlreadyClosedException e) {
                throw brokerFailure("publish to exchange '" + target + "'", e);
            }
        }
    }

    /**
     * A routed request that reached no queue comes back (mandatory): none of the named nodes is bound to the
     * routed exchange, for example kombu nodes. It is sent again through the mailbox exchange, where every
     * node sees it and the named ones run it.
     */
    private void onReturn(int replyCode, String exchange, AMQP.BasicProperties props, byte[] body) {
        if (!exchange.equals(routedExchange()) || closed) {
            return;
        }
        Map<String, Object> headers = props.getHeaders() == null ? new java.util.HashMap<String, Object>()
                : new java.util.HashMap<>(props.getHeaders());
        headers.remove("CC");
        AMQP.BasicProperties plain = props.builder().headers(headers).build();
        Threads.background().execute(() -> {
            synchronized (channelLock) {
                try {
                    ensureChannel().basicPublish(exchange(), "", false, plain, body);
                } catch (IOException | RuntimeException e) {
                    settings.errorSink.report("mailbox " + settings.namespace
                            + ": could not resend an unroutable routed request", e);
                }
            }
        });
    }

    // ---------------------------------------------------------------- broker plumbing

    private Channel ensureChannel() {
        synchronized (channelLock) {
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
                if (settings.routed) {
                    ch.exchangeDeclare(routedExchange(), "direct", false, false, false, Collections.emptyMap());
                    ch.addReturnListener((code, text, ex, key, props, body) -> onReturn(code, ex, props, body));
                }
                Channel old = channel;
                channel = ch;
                // The reply consumer lived on the old channel; a new one needs its own. (While the broker is
                // away, creating a channel fails and the old one, recovered later with its consumer, stays.)
                replyConsumerReady = false;
                if (old != null) {
                    try {
                        old.abort();
                    } catch (IOException | RuntimeException e) {
                        // it is gone either way
                    }
                }
                return ch;
            } catch (IOException | AlreadyClosedException e) {
                throw brokerFailure("open a channel", e);
            }
        }
    }

    private void declareMailboxExchange(Channel ch) throws IOException {
        try {
            ch.exchangeDeclare(exchange(), settings.type.wireName(), false, false, false, Collections.emptyMap());
        } catch (IOException e) {
            ShutdownSignalException sse = findShutdown(e);
            if (sse != null && sse.getMessage() != null && sse.getMessage().contains("PRECONDITION_FAILED")) {
                throw new PidboxException("exchange '" + exchange() + "' exists with other flags than "
                        + settings.type.wireName() + "/non-durable; peers of namespace '" + settings.namespace
                        + "' use another mailbox type: set type to match them (Celery uses fanout, plain kombu direct)",
                        e);
            }
            throw e;
        }
    }

    private void ensureReplyConsumer() {
        synchronized (channelLock) {
            Channel ch = ensureChannel();
            if (replyConsumerReady) {
                return;
            }
            QueueSpec q = getReplyQueue();
            try {
                ch.exchangeDeclare(replyExchange(), "direct", false, false, false, Collections.emptyMap());
                ch.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
                ch.queueBind(q.name(), q.exchange(), q.routingKey());
                ch.basicConsume(q.name(), true, new ReplyConsumer(ch));
                replyConsumerReady = true;
            } catch (IOException | AlreadyClosedException e) {
                throw brokerFailure("declare reply queue '" + q.name() + "'", e);
            }
        }
    }

    private final class ReplyConsumer extends DefaultConsumer {
        ReplyConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                onReply(properties, body);
            } catch (RuntimeException e) {
                settings.errorSink.report("mailbox " + settings.namespace + ": reply handling failed", e);
            }
        }
    }

    private void onReply(AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> headers = props.getHeaders();
        clock.adjust(Wire.headerLong(headers, Wire.HEADER_CLOCK));
        double expires = Wire.headerDouble(headers, Wire.HEADER_EXPIRES);
        if (expires > 0 && epochSeconds() > expires) {
            staleReplies.incrementAndGet();
            return;
        }
        String ticket = Wire.headerString(headers, Wire.HEADER_TICKET);
        PendingCall call = ticket == null ? null : pending.get(ticket);
        if (call == null) {
            // A reply for a call that already returned, for another mailbox, or without ticket: never
            // handed to a later call.
            staleReplies.incrementAndGet();
            return;
        }
        if (body.length > settings.maxReplySize) {
            malformedReplies.incrementAndGet();
            settings.errorSink.report("mailbox " + settings.namespace + ": dropped a reply of " + body.length
                    + " bytes (limit " + settings.maxReplySize + ") for ticket " + ticket, null);
            return;
        }
        if (!Wire.acceptsContentType(props.getContentType())) {
            malformedReplies.incrementAndGet();
            settings.errorSink.report("mailbox " + settings.namespace + ": refused a reply of content type '"
                    + props.getContentType() + "' for ticket " + ticket, null);
            return;
        }
        Object decoded;
        try {
            decoded = Json.decodeKombuTags(Json.decode(body));
        } catch (IOException e) {
            malformedReplies.incrementAndGet();
            settings.errorSink.report("mailbox " + settings.namespace + ": undecodable reply for ticket " + ticket, e);
            return;
        }
        if (!(decoded instanceof Map)) {
            malformedReplies.incrementAndGet();
            settings.errorSink.report("mailbox " + settings.namespace + ": reply for ticket " + ticket
                    + " is not an object", null);
            return;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - call.start);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) decoded;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (settings.replyUsers != null) {
                String why = settings.replyUsers.check(e.getKey(), props.getUserId());
                if (why != null) {
                    call.forged(new CallResult.Forgery(e.getKey(), props.getUserId(), why));
                    continue;
                }
            }
            Reply reply = new Reply(e.getKey(), e.getValue(), elapsed);
            if (!call.add(reply)) {
                staleReplies.incrementAndGet();
                continue;
            }
            if (call.listener != null) {
                try {
                    call.listener.onReply(reply);
                } catch (RuntimeException ex) {
                    settings.errorSink.report("mailbox " + settings.namespace + ": reply callback failed", ex);
                }
            }
        }
    }

    private PidboxException brokerFailure(String what, Exception e) {
        ShutdownSignalException sse = findShutdown(e);
        String reason = sse != null && sse.getReason() != null ? sse.getReason().toString() : e.toString();
        if (e instanceof PidboxException) {
            return (PidboxException) e;
        }
        return new PidboxException("mailbox " + settings.namespace + ": could not " + what + ": " + reason, e);
    }

    static ShutdownSignalException findShutdown(Throwable e) {
        return Amqp.shutdownOf(e);
    }

    private void requireBound() {
        if (connection == null) {
            throw new IllegalStateException("mailbox '" + settings.namespace
                    + "' is not bound to a connection: use mailbox.bind(connection)");
        }
    }

    private void requireOpen() {
        requireBound();
        if (closed) {
            throw new IllegalStateException("mailbox '" + settings.namespace + "' is closed");
        }
    }

    /** Cancels the reply consumer (the broker deletes the reply queue) and closes the channel. Idempotent. */
    @Override
    public void close() {
        Channel ch;
        synchronized (channelLock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
            channel = null;
        }
        for (PendingCall call : pending.values()) {
            call.cancel();
        }
        if (connection != null) {
            connection.removeBlockedListener(blockedListener);
        }
        if (ch != null && ch.isOpen()) {
            if (blockedReason != null) {
                // A blocked broker reads nothing from this connection, so channel.close would wait for its close-ok
                // until the alarm clears (amqp-client waits up to 10 minutes). Close it in the background; whoever
                // owns the connection can abort it (the CLI does).
                Channel closing = ch;
                Threads.start("pidbox-mailbox-close", () -> {
                    try {
                        closing.abort();
                    } catch (IOException | RuntimeException e) {
                        // gone either way
                    }
                });
                return;
            }
            try {
                ch.close();
            } catch (IOException | TimeoutException | AlreadyClosedException e) {
                // The channel is gone either way; nothing is lost.
            }
        }
    }

    @Override
    public String toString() {
        return "Mailbox{namespace=" + settings.namespace + ", type=" + settings.type.wireName() + ", oid=" + oid() + "}";
    }

    // ---------------------------------------------------------------- gathering

    private static final class PendingCall {
        final String ticket;
        final long start;
        final int limit;
        final Set<String> named;
        final Integer expect;
        final ReplyListener listener;
        private final List<Reply> replies = new java.util.ArrayList<>();
        private final Set<String> answered = new HashSet<>();
        private boolean cancelled;
        private volatile String blocked;

        PendingCall(String ticket, long start, int limit, List<String> destination, Integer expect,
                ReplyListener listener) {
            this.ticket = ticket;
            this.start = start;
            this.limit = limit;
            this.named = destination == null ? Collections.<String>emptySet() : new HashSet<>(destination);
            this.expect = expect;
            this.listener = listener;
        }

        /** Adds a reply; false (and nothing added) once the limit was reached, so a result never exceeds it. */
        synchronized boolean add(Reply reply) {
            if (replies.size() >= limit) {
                return false;
            }
            replies.add(reply);
            answered.add(reply.node());
            if (met()) {
                notifyAll();
            }
            return true;
        }

        synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        private final List<CallResult.Forgery> forgeries = new java.util.ArrayList<>();

        synchronized void forged(CallResult.Forgery f) {
            forgeries.add(f);
        }

        synchronized List<CallResult.Forgery> forgeries() {
            return new java.util.ArrayList<>(forgeries);
        }

        /** The broker blocked publishes while this call waited (its request may still be in the connection). */
        void blocked(String reason) {
            blocked = reason;
        }

        String blockedReason() {
            return blocked;
        }

        private boolean met() {
            if (replies.size() >= limit) {
                return true;
            }
            if (!named.isEmpty() && answered.containsAll(named)) {
                return true;
            }
            return expect != null && answered.size() >= expect;
        }

        /** Waits until the gather's condition is met or the deadline passes; true when met. */
        synchronized boolean await(long deadlineNanos) throws InterruptedException {
            while (!met() && !cancelled) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                long ms = left / 1_000_000;
                wait(ms, (int) (left % 1_000_000));
            }
            return met();
        }

        synchronized List<Reply> snapshot() {
            return new java.util.ArrayList<>(replies);
        }

        @Override
        public String toString() {
            return "PendingCall{" + ticket + "}";
        }
    }

    // ---------------------------------------------------------------- builder

    /** Builds an unbound {@link Mailbox}; {@link Mailbox#bind(Connection)} binds it. */
    public static final class Builder {
        private final String namespace;
        private ExchangeType type = ExchangeType.FANOUT;
        private Duration queueTtl = Duration.ofSeconds(300);
        private Duration queueExpires = Duration.ofSeconds(10);
        private Duration replyQueueTtl = Duration.ofSeconds(300);
        private Duration replyQueueExpires = Duration.ofSeconds(10);
        private int maxMessageSize = 1024 * 1024;
        private int maxReplySize = 16 * 1024 * 1024;
        private ErrorSink errorSink = ErrorSink.julLogger();
        private LamportClock clock = new LamportClock();
        private dev.pidbox.security.Signer signer;
        private boolean routed;
        private dev.pidbox.security.ReplyUsers replyUsers;

        private Builder(String namespace) {
            if (namespace == null || namespace.isEmpty() || namespace.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("invalid namespace '" + namespace
                        + "': use printable ASCII without spaces, e.g. jvm or celery");
            }
            this.namespace = namespace;
        }

        /** The mailbox exchange's type (default fanout, as Celery). */
        public Builder type(ExchangeType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** {@code x-message-ttl} of node queues; null leaves it out (default 300 s, Celery's value). */
        public Builder queueTtl(Duration ttl) {
            this.queueTtl = ttl;
            return this;
        }

        /** {@code x-expires} of node queues; null leaves it out (default 10 s, Celery's value). */
        public Builder queueExpires(Duration expires) {
            this.queueExpires = expires;
            return this;
        }

        /** {@code x-message-ttl} of reply queues; null leaves it out (default 300 s, Celery's value). */
        public Builder replyQueueTtl(Duration ttl) {
            this.replyQueueTtl = ttl;
            return this;
        }

        /** {@code x-expires} of reply queues; null leaves it out (default 10 s, kombu's value). */
        public Builder replyQueueExpires(Duration expires) {
            this.replyQueueExpires = expires;
            return this;
        }

        /** The largest request body a node accepts (default 1 MiB); larger ones are refused unparsed. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxMessageSize must be at least 64 bytes, got " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** The largest reply a node sends and a client accepts (default 16 MiB). */
        public Builder maxReplySize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxReplySize must be at least 64 bytes, got " + bytes);
            }
            this.maxReplySize = bytes;
            return this;
        }

        /** Where failures on background threads go (default: java.util.logging). */
        public Builder errorSink(ErrorSink sink) {
            this.errorSink = Objects.requireNonNull(sink, "errorSink");
            return this;
        }

        /**
         * Routed delivery (an extension, off by default): nodes also bind their queue to the direct exchange
         * {@code NS.pidbox.routed} under their own name, and calls to named nodes are published there once
         * with the other names in the {@code CC} header, so only the named nodes receive them instead of every
         * node of the namespace. Broadcasts and pattern selections still go through {@code NS.pidbox}. Turn it
         * on for namespaces of pidbox nodes: a kombu node never binds to the routed exchange, so it receives a
         * routed call only when no named node is routed (the request then falls back to {@code NS.pidbox}).
         */
        public Builder routed(boolean routed) {
            this.routed = routed;
            return this;
        }

        /** Sign every request with this key (nodes that hold its public key then accept them). */
        public Builder signer(dev.pidbox.security.Signer signer) {
            this.signer = signer;
            return this;
        }

        /**
         * Accept a reply only from a broker user that may answer for its node (RabbitMQ-validated {@code user_id});
         * others are reported in {@link CallResult#forgeries()} and never counted. Null (the default): every reply
         * counts, as in kombu.
         */
        public Builder replyUsers(dev.pidbox.security.ReplyUsers replyUsers) {
            this.replyUsers = replyUsers;
            return this;
        }

        /** The clock to use (default: a new one at 0). */
        public Builder clock(LamportClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** An unbound mailbox: configuration only, bind it to a connection to use it. */
        public Mailbox build() {
            for (Duration d : Arrays.asList(queueTtl, queueExpires, replyQueueTtl, replyQueueExpires)) {
                if (d != null) {
                    millis(d);
                }
            }
            return new Mailbox(new Settings(this), clock, null);
        }
    }
}
