package dev.pidbox;

import com.rabbitmq.client.Connection;
import dev.pidbox.internal.Wire;
import dev.pidbox.internal.client.Gather;
import dev.pidbox.internal.client.MailboxChannel;
import dev.pidbox.internal.client.Publisher;
import dev.pidbox.internal.client.QueueArguments;
import dev.pidbox.internal.client.ReplyQueue;
import dev.pidbox.internal.client.ReplyRouter;
import dev.pidbox.security.ReplyUsers;
import dev.pidbox.security.Signer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

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
 *
 * <p>This class keeps the settings, the API and the lifecycle; its parts live in {@code dev.pidbox.internal.client}:
 * the channel ({@code MailboxChannel}), publishing ({@code Publisher}), the reply queue and reply routing
 * ({@code ReplyQueue}, {@code ReplyRouter}) and the gather of each call ({@code Gather}).
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
        final Signer signer;
        final boolean routed;
        final ReplyUsers replyUsers;

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
    private final Object oidLock = new Object();
    private volatile String oid;
    private final MailboxChannel channel;
    private final ReplyRouter router;
    private final ReplyQueue replyQueue;
    private final Publisher publisher;

    private Mailbox(Settings settings, LamportClock clock, Connection connection) {
        this.settings = settings;
        this.clock = clock;
        this.connection = connection;
        String routedExchange = settings.routed ? routedExchange() : null;
        this.channel = new MailboxChannel(connection, settings.namespace, settings.type, routedExchange,
                settings.errorSink);
        this.router = new ReplyRouter(settings.namespace, clock, settings.maxReplySize, settings.replyUsers,
                settings.errorSink);
        this.replyQueue = new ReplyQueue(channel, this::getReplyQueue, router, settings.errorSink, settings.namespace);
        this.publisher = new Publisher(channel, settings.namespace, clock, settings.signer, routedExchange,
                router::blocked);
        if (connection != null) {
            connection.addBlockedListener(publisher);
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
        return publisher.blockedReason();
    }

    /** Whether the broker is blocking this connection's publishes; see {@link #blockedReason()}. */
    public boolean isBlocked() {
        return publisher.isBlocked();
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
            synchronized (oidLock) {
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
        return router.staleReplies();
    }

    /** How many replies for a pending call could not be decoded and were dropped. */
    public long malformedReplies() {
        return router.malformedReplies();
    }

    /** The reply queue of this mailbox: exclusive, auto-delete, bound to the reply exchange with the oid. */
    public QueueSpec getReplyQueue() {
        return new QueueSpec(Wire.replyQueueName(oid(), settings.namespace), replyExchange(), oid(), false, true, true,
                QueueArguments.of(settings.replyQueueExpires, settings.replyQueueTtl));
    }

    /** The queue of node {@code hostname}: exclusive, auto-delete, bound to the mailbox exchange with {@code ""}. */
    public QueueSpec getQueue(String hostname) {
        return new QueueSpec(Wire.nodeQueueName(hostname, settings.namespace), exchange(), "", false, true, true,
                QueueArguments.of(settings.queueExpires, settings.queueTtl));
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

    /**
     * Sends a request without asking for replies (its reply flag is ignored).
     *
     * @throws BrokerBlockedException while the broker blocks this connection's publishes
     */
    public void cast(Request request) {
        channel.requireOpen();
        publisher.cast(request);
    }

    /**
     * Sends a request that asks for replies and gathers them until the first of: the deadline, the limit,
     * every named node answered, the expected count reached.
     */
    public CallResult call(Request request, ReplyListener callback) {
        channel.requireOpen();
        replyQueue.ensureConsuming();
        Gather gather = new Gather(UUID.randomUUID().toString(), request, callback, settings.errorSink,
                settings.namespace);
        String blockedNow = publisher.blockedReason();
        if (blockedNow != null) {
            // Publishing now would only queue the request in the blocked connection (and could block this thread on
            // a full socket); say so at once instead of waiting for replies that cannot come.
            return gather.notSent(blockedNow);
        }
        router.register(gather);
        try {
            publisher.call(request, gather.ticket(), replyExchange(), oid());
            return gather.await();
        } finally {
            router.unregister(gather);
        }
    }

    /** Cancels the reply consumer (the broker deletes the reply queue) and closes the channel. Idempotent. */
    @Override
    public void close() {
        channel.close(() -> {
            router.cancelAll();
            if (connection != null) {
                connection.removeBlockedListener(publisher);
            }
        }, publisher::isBlocked);
    }

    @Override
    public String toString() {
        return "Mailbox{namespace=" + settings.namespace + ", type=" + settings.type.wireName() + ", oid=" + oid() + "}";
    }

    // ---------------------------------------------------------------- builder

    /** Builds an unbound {@link Mailbox}; {@link Mailbox#bind(Connection)} binds it. */
    public static final class Builder {
        private final String namespace;
        private ExchangeType type = Defaults.TYPE;
        private Duration queueTtl = Duration.ofSeconds(300);
        private Duration queueExpires = Duration.ofSeconds(10);
        private Duration replyQueueTtl = Duration.ofSeconds(300);
        private Duration replyQueueExpires = Duration.ofSeconds(10);
        private int maxMessageSize = 1024 * 1024;
        private int maxReplySize = 16 * 1024 * 1024;
        private ErrorSink errorSink = ErrorSink.julLogger();
        private LamportClock clock = new LamportClock();
        private Signer signer;
        private boolean routed;
        private ReplyUsers replyUsers;

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
        public Builder signer(Signer signer) {
            this.signer = signer;
            return this;
        }

        /**
         * Accept a reply only from a broker user that may answer for its node (RabbitMQ-validated {@code user_id});
         * others are reported in {@link CallResult#forgeries()} and never counted. Null (the default): every reply
         * counts, as in kombu.
         */
        public Builder replyUsers(ReplyUsers replyUsers) {
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
                QueueArguments.check(d);
            }
            return new Mailbox(new Settings(this), clock, null);
        }
    }
}
