package dev.pidbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.pidbox.internal.IncomingRequest.ReplyTo;
import dev.pidbox.internal.Wire;
import dev.pidbox.internal.node.Authenticator;
import dev.pidbox.internal.node.Authorizer;
import dev.pidbox.internal.node.Counters;
import dev.pidbox.internal.node.Dispatcher;
import dev.pidbox.internal.node.HandlerRegistry;
import dev.pidbox.internal.node.Invoker;
import dev.pidbox.internal.node.Listener;
import dev.pidbox.internal.node.NodeContext;
import dev.pidbox.internal.node.Outbox;
import dev.pidbox.internal.node.Outcome;
import dev.pidbox.internal.node.Replier;
import dev.pidbox.internal.node.Reporter;
import dev.pidbox.internal.node.Runner;
import dev.pidbox.security.Policy;
import dev.pidbox.security.TrustedKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of pidbox, as kombu's {@code Node}: consumes the node's queue, selects the requests
 * addressed to it, runs the named handler and replies {@code {hostname: result}}.
 *
 * <pre>{@code
 * Node node = mailbox.node("orders.4242@web1")
 *         .handler(HandlerDefinition.builder("ping").handler((ctx, args) -> Map.of("ok", "pong")).build())
 *         .build()
 *         .listen();
 * ...
 * node.close();
 * }</pre>
 *
 * <p>Every request, from the broker or handed over in-process through the kombu-named methods, takes the same
 * path (docs/architecture.md): address filter, signature, policy and rate limit, a bounded pool of daemon handler
 * threads with a time limit (quick handlers run on the calling thread), reply, observers and audit. Bad input
 * (undecodable, oversized, of a refused content type, without method, with arguments of the wrong types) is
 * reported to the error sink, answered with an error where the request's {@code reply_to} can be read, and never
 * stops the consumer.
 */
public final class Node implements AutoCloseable {
    private final Mailbox mailbox;
    private final String hostname;
    private final Map<String, Object> state;
    private final Map<String, String> tags;
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final Counters counters = new Counters();
    private final Runner runner;
    private final Listener listener;
    private final Reporter reporter;
    private final Replier replier;
    private final Dispatcher dispatcher;

    private Node(Builder b) {
        this.mailbox = b.mailbox;
        this.hostname = b.hostname;
        this.state = b.state;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        b.handlers.values().forEach(handlers::put);
        ErrorSink sink = b.errorSink != null ? b.errorSink : mailbox.errorSink();
        String namespace = mailbox.namespace();
        this.runner = new Runner(hostname, b.handlerThreads, b.queueCapacity, sink);
        this.listener = new Listener(mailbox, hostname, sink, counters, this::deliver, runner.executor());
        Outbox outbox = b.outbox != null ? b.outbox : listener;
        this.replier = new Replier(hostname, outbox, mailbox.clock(), mailbox.maxReplySize(), b.replyUserId, sink,
                counters);
        this.reporter = new Reporter(hostname, b.observers, b.audit, b.auditExchange, outbox, sink);
        Invoker invoker = new Invoker(handlers, NodeContext.of(hostname, namespace, mailbox.clock(), state, tags,
                handlers), counters, sink, hostname);
        this.dispatcher = Dispatcher.builder(hostname, sink, mailbox.clock())
                .limits(mailbox.maxMessageSize(), b.handlerTimeout)
                .closed(listener::isClosed)
                .steps(counters, new Authenticator(b.trustedKeys, namespace, System::currentTimeMillis),
                        new Authorizer(b.policy, System::currentTimeMillis), invoker, runner, replier, reporter)
                .build();
    }

    /** One delivery from the node's queue (the listener's consumer calls it; so do broker-free tests). */
    void deliver(AMQP.BasicProperties props, byte[] body) {
        dispatcher.onDelivery(props, body);
    }

    /** The node's name, unique in its namespace. */
    public String hostname() {
        return hostname;
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    /** The registered handlers by name, in registration order. */
    public Map<String, HandlerDefinition> handlers() {
        return handlers.ordered();
    }

    /** The user state handed to every handler (kombu's {@code state}). */
    public Map<String, Object> state() {
        return state;
    }

    /** The node's tags (an extension; kombu nodes have none). */
    public Map<String, String> tags() {
        return tags;
    }

    /**
     * The channel the node consumes on, or null before {@link #listen()}. The nodes of one connection share it
     * (as kombu's do): do not close it or use it for anything else.
     */
    public Channel channel() {
        return listener.channel();
    }

    /** The node's queue as it is declared. */
    public QueueSpec getQueue() {
        return mailbox.getQueue(hostname);
    }

    /** Whether the node is consuming. */
    public boolean isListening() {
        return listener.isListening();
    }

    /**
     * Counters since start: {@code received} (deliveries), {@code selected} (addressed to this node),
     * {@code dispatched} (handlers run), {@code failed} (handlers that threw), {@code rejected} (bad input),
     * {@code busy} (refused because the handler pool was full), {@code unauthorized} (bad or missing
     * signature), {@code forbidden} (refused by policy), {@code rate_limited}, {@code timed_out},
     * {@code replied}.
     */
    public Map<String, Long> stats() {
        return counters.snapshot();
    }

    /** Registers (or replaces) a handler, as kombu's {@code Node.handler}. */
    public Node handler(HandlerDefinition definition) {
        handlers.put(definition);
        return this;
    }

    /**
     * Unregisters a handler; calls for it then answer {@code KeyError} as for any unknown method. For handlers whose
     * code can go away while the node runs (a webapp's, when the container undeploys it).
     *
     * @return whether a handler of that name was registered
     */
    public boolean removeHandler(String name) {
        return handlers.remove(name);
    }

    /** Adds an observer told about every command this node handles (metrics, audit). */
    public Node addObserver(CallObserver observer) {
        reporter.addObserver(observer);
        return this;
    }

    /**
     * Declares the mailbox exchange and this node's queue (exclusive, auto-delete, bound with {@code ""})
     * and starts consuming, as kombu's {@code listen()}.
     *
     * @throws IllegalStateException when another consumer already uses this node name in the namespace, the node is
     *     closed, or its mailbox is not bound to a connection
     * @throws PidboxException when the broker refuses a declare or is unreachable
     */
    public Node listen() {
        listener.listen();
        return this;
    }

    /**
     * Stops consuming (the broker then deletes the auto-delete queue), releases the channels it shares with the
     * other nodes of its connection (the last one closes them) and ends its handler threads. Idempotent.
     */
    @Override
    public void close() {
        listener.close();
        runner.close();
    }

    /**
     * Runs a request body (kombu's {@code handle_message}) through the node's pipeline, address filter included,
     * and replies when the body has a {@code reply_to}. On a node that requires signatures, the signature in
     * {@code properties}' headers is checked over the body's JSON encoding, as the Java {@link Mailbox} sends it.
     *
     * @return the handler's value (or error value), or null when the request is not for this node
     */
    public Object handleMessage(Map<String, Object> body, AMQP.BasicProperties properties) {
        return Outcome.valueOrNull(dispatcher.dispatchBody(body, properties, true));
    }

    /** As {@link #handleMessage} without the address filter (kombu's {@code dispatch_from_message}). */
    public Object dispatchFromMessage(Map<String, Object> body, AMQP.BasicProperties properties) {
        return Outcome.valueOrNull(dispatcher.dispatchBody(body, properties, false));
    }

    /**
     * Runs {@code method} and replies to {@code exchange}/{@code routingKey} when they are given (kombu's
     * {@code dispatch}); returns the handler's value or error value. The request is unsigned: on a node that
     * requires signatures it is refused as unauthorized.
     */
    public Object dispatch(String method, Map<String, Object> arguments, String replyExchange, String replyRoutingKey,
            String ticket) {
        return dispatcher.call(method, arguments, ReplyTo.of(replyExchange, replyRoutingKey), ticket).value();
    }

    /** Runs a handler for a call and returns its value; errors come back as error values (kombu's {@code handle_call}). */
    public Object handleCall(String method, Map<String, Object> arguments) {
        return dispatcher.call(method, arguments, null, null).value();
    }

    /** Runs a handler for a cast; the value is dropped (kombu's {@code handle_cast}). */
    public void handleCast(String method, Map<String, Object> arguments) {
        dispatcher.call(method, arguments, null, null);
    }

    /**
     * Runs a handler and returns its value, letting the handler's exceptions through (kombu's {@code handle}).
     *
     * @throws IllegalArgumentException ({@link ArgumentException}) for an unknown method or bad arguments
     * @throws RefusedException when the node refuses the request (policy, rate limit, busy, time limit)
     */
    public Object handle(String method, Map<String, Object> arguments) throws Exception {
        return dispatcher.call(method, arguments, null, null).valueOrThrow();
    }

    /** Publishes {@code {hostname: data}} as a reply (kombu's {@code reply}). */
    public void reply(Object data, String exchange, String routingKey, String ticket) {
        replier.reply(data, ReplyTo.of(Objects.requireNonNull(exchange, "exchange"),
                Objects.requireNonNull(routingKey, "routingKey")), ticket, null);
    }

    @Override
    public String toString() {
        return "Node{" + hostname + " in " + mailbox.namespace() + ", handlers=" + handlers.names() + "}";
    }

    /** Builds a {@link Node}; get one from {@link Mailbox#node(String)}. */
    public static final class Builder {
        private final Mailbox mailbox;
        private final String hostname;
        private final Map<String, HandlerDefinition> handlers = new LinkedHashMap<>();
        private Map<String, Object> state = new ConcurrentHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private ErrorSink errorSink;
        private int handlerThreads = Defaults.HANDLER_THREADS;
        private int queueCapacity = 64;
        private final List<CallObserver> observers = new ArrayList<>();
        private TrustedKeys trustedKeys;
        private Policy policy = Policy.allowAll();
        private Duration handlerTimeout = Defaults.HANDLER_TIMEOUT;
        private AuditSink audit;
        private String auditExchange;
        private String replyUserId;
        private Outbox outbox;

        Builder(Mailbox mailbox, String hostname) {
            Wire.requireNodeName(hostname, mailbox.namespace());
            this.mailbox = mailbox;
            this.hostname = hostname;
        }

        /** Registers a handler; a later one with the same name replaces an earlier one. */
        public Builder handler(HandlerDefinition definition) {
            handlers.put(definition.name(), definition);
            return this;
        }

        public Builder handlers(Collection<HandlerDefinition> definitions) {
            definitions.forEach(this::handler);
            return this;
        }

        /** The state handed to handlers (kombu's {@code state}); default an empty concurrent map. */
        public Builder state(Map<String, Object> state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /** A tag (key=value) describing the node, for selection by tags. */
        public Builder tag(String key, String value) {
            tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        /** Where failures on background threads go (default: the mailbox's). */
        public Builder errorSink(ErrorSink sink) {
            this.errorSink = Objects.requireNonNull(sink, "errorSink");
            return this;
        }

        /** Handler threads (default 2); idle ones end after 30 s. */
        public Builder handlerThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("handlerThreads must be 1..64, got " + threads);
            }
            this.handlerThreads = threads;
            return this;
        }

        /** Commands that may wait for a handler thread (default 64); more are refused with a busy error. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be positive, got " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Adds an observer told about every command the node handles (metrics, audit). */
        public Builder observer(CallObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Require signed requests: only requests signed by one of these keys, unexpired and not replayed,
         * run; others get {@code {"error": "unauthorized: ..."}}. Unsigned kombu and Celery peers are then
         * refused too.
         */
        public Builder trustedKeys(TrustedKeys keys) {
            this.trustedKeys = keys;
            return this;
        }

        /** Which handlers callers may run (default: all, as kombu; the agent defaults to read only). */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The time limit of handlers that set none (default 30 s). */
        public Builder handlerTimeout(Duration timeout) {
            this.handlerTimeout = Wire.requirePositive("handlerTimeout", timeout);
            return this;
        }

        /** Receives an event for every command accepted or refused. */
        public Builder audit(AuditSink sink) {
            this.audit = sink;
            return this;
        }

        /**
         * Puts {@code user_id} on every reply: the broker user this node's connection logged in as (RabbitMQ refuses a
         * different one and closes the reply channel, so it must be exactly that user). Clients that check replies
         * ({@link Mailbox.Builder#replyUsers}) then know who sent each one. Null (default): no {@code user_id}.
         */
        public Builder replyUserId(String user) {
            this.replyUserId = user == null || user.isEmpty() ? null : user;
            return this;
        }

        /** Also publish audit events as JSON to this fanout exchange (declared non-durable). */
        public Builder auditExchange(String exchange) {
            if (exchange != null && (exchange.isEmpty() || exchange.startsWith("amq."))) {
                throw new IllegalArgumentException("audit exchange must be named and not amq.*: '" + exchange + "'");
            }
            this.auditExchange = exchange;
            return this;
        }

        /** Where replies and audit events go instead of the broker: for broker-free tests of the pipeline. */
        Builder outbox(Outbox outbox) {
            this.outbox = outbox;
            return this;
        }

        /** The node, not yet listening. */
        public Node build() {
            return new Node(this);
        }
    }
}
