package dev.pidbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.pidbox.internal.DaemonThreadFactory;
import dev.pidbox.internal.IncomingRequest;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Matchers;
import dev.pidbox.internal.PyRepr;
import dev.pidbox.internal.Wire;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>Handlers run on a small bounded pool of daemon threads, apart from the consumer thread, so a slow
 * handler never stops the node from reading its queue. Bad input (undecodable, oversized, of a refused
 * content type, without method, with arguments of the wrong types) is reported to the error sink,
 * answered with an error where the request's {@code reply_to} can be read, and never stops the consumer.
 */
public final class Node implements AutoCloseable {
    private static final Set<String> LISTENING = ConcurrentHashMap.newKeySet();

    private final Mailbox mailbox;
    private final String hostname;
    private final Map<String, HandlerDefinition> handlers;
    private final List<String> handlerOrder;
    private final Map<String, Object> state;
    private final Map<String, String> tags;
    private final ErrorSink errorSink;
    private final int handlerThreads;
    private final int queueCapacity;
    private final java.util.List<CallObserver> observers;

    private final Object lock = new Object();
    private Channel channel; // the connection's shared consume channel, while listening
    private Channel declareChannel; // this node's own, for its declares; open while listening (see listen())
    private NodeChannels shared; // while listening
    private String consumerTag;
    private ThreadPoolExecutor pool;
    private String registryKey;
    private volatile boolean closed;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong selected = new AtomicLong();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    private final dev.pidbox.security.TrustedKeys trustedKeys;
    private final dev.pidbox.security.Policy policy;
    private final java.time.Duration handlerTimeout;
    private final AuditSink audit;
    private final String auditExchange;
    private final String replyUserId;
    private final Map<String, RateWindow> rateWindows = new ConcurrentHashMap<>();
    private final Object poolLock = new Object();
    private int stuckThreads;

    /** A shared timer for handler time limits; its one daemon thread ends when idle. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor TIMER = newTimer();

    private static java.util.concurrent.ScheduledThreadPoolExecutor newTimer() {
        java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                new DaemonThreadFactory("pidbox-timer"));
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(10, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    private Node(Builder b) {
        this.mailbox = b.mailbox;
        this.hostname = b.hostname;
        this.handlers = new ConcurrentHashMap<>();
        this.handlerOrder = Collections.synchronizedList(new java.util.ArrayList<String>());
        for (HandlerDefinition d : b.handlers.values()) {
            handler(d);
        }
        this.state = b.state;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
        this.errorSink = b.errorSink != null ? b.errorSink : mailbox.errorSink();
        this.handlerThreads = b.handlerThreads;
        this.queueCapacity = b.queueCapacity;
        this.observers = new java.util.concurrent.CopyOnWriteArrayList<>(b.observers);
        this.trustedKeys = b.trustedKeys;
        this.policy = b.policy;
        this.handlerTimeout = b.handlerTimeout;
        this.audit = b.audit;
        this.auditExchange = b.auditExchange;
        this.replyUserId = b.replyUserId;
    }

    // ---------------------------------------------------------------- attributes (kombu names)

    /** The node's name, unique in its namespace. */
    public String hostname() {
        return hostname;
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    /** The registered handlers by name, in registration order. */
    public Map<String, HandlerDefinition> handlers() {
        Map<String, HandlerDefinition> out = new LinkedHashMap<>();
        synchronized (handlerOrder) {
            for (String name : handlerOrder) {
                HandlerDefinition d = handlers.get(name);
                if (d != null) {
                    out.put(name, d);
                }
            }
        }
        return Collections.unmodifiableMap(out);
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
        synchronized (lock) {
            return channel;
        }
    }

    /** The node's queue as it is declared. */
    public QueueSpec getQueue() {
        return mailbox.getQueue(hostname);
    }

    /** Whether the node is consuming. */
    public boolean isListening() {
        synchronized (lock) {
            return consumerTag != null && channel != null && channel.isOpen() && !closed;
        }
    }

    /**
     * Counters since start: {@code received} (deliveries), {@code selected} (addressed to this node),
     * {@code dispatched} (handlers run), {@code failed} (handlers that threw), {@code rejected} (bad input),
     * {@code busy} (refused because the handler pool was full), {@code unauthorized} (bad or missing
     * signature), {@code forbidden} (refused by policy), {@code rate_limited}, {@code timed_out},
     * {@code replied}.
     */
    public Map<String, Long> stats() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("received", received.get());
        out.put("selected", selected.get());
        out.put("dispatched", dispatched.get());
        out.put("failed", failed.get());
        out.put("rejected", rejected.get());
        out.put("busy", busy.get());
        out.put("unauthorized", unauthorized.get());
        out.put("forbidden", forbidden.get());
        out.put("rate_limited", rateLimited.get());
        out.put("timed_out", timedOut.get());
        out.put("replied", replied.get());
        return out;
    }

    /** Registers (or replaces) a handler, as kombu's {@code Node.handler}. */
    public Node handler(HandlerDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        synchronized (handlerOrder) {
            if (handlers.put(definition.name(), definition) == null) {
                handlerOrder.add(definition.name());
            }
        }
        return this;
    }

    /**
     * Unregisters a handler; calls for it then answer {@code KeyError} as for any unknown method. For handlers whose
     * code can go away while the node runs (a webapp's, when the container undeploys it).
     *
     * @return whether a handler of that name was registered
     */
    public boolean removeHandler(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (handlerOrder) {
            handlerOrder.remove(name);
            return handlers.remove(name) != null;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Declares the mailbox exchange and this node's queue (exclusive, auto-delete, bound with {@code ""})
     * and starts consuming, as kombu's {@code listen()}.
     *
     * @throws IllegalStateException when another consumer already uses this node name in the namespace
     * @throws PidboxException when the broker refuses a declare or is unreachable
     */
    public Node listen() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("node " + hostname + " is closed");
            }
            if (consumerTag != null) {
                return this;
            }
            QueueSpec q = getQueue();
            String key = System.identityHashCode(mailbox.connection()) + "/" + q.name();
            if (!LISTENING.add(key)) {
                throw duplicate(q, null);
            }
            registryKey = key;
            Channel ch = null;
            NodeChannels channels = NodeChannels.acquire(mailbox.connection());
            shared = channels;
            try {
                // Declares run on a channel of the node's own: a refused one closes only that channel, never
                // the one the other nodes of this connection consume on. It stays open while the node listens,
                // because amqp-client's topology recovery re-declares the queue through the channel that
                // declared it (a closed one would leave the recovered consumer without its queue).
                ch = channels.setupChannel();
                declare(ch, q);
                pool = newPool();
                consume(channels, q);
                declareChannel = ch;
                return this;
            } catch (IOException | AlreadyClosedException e) {
                cleanupFailedListen(ch);
                String reason = String.valueOf(Mailbox.findShutdown(e) != null ? Mailbox.findShutdown(e).getReason() : e);
                if (reason.contains("PRECONDITION_FAILED")) {
                    throw new PidboxException("node " + hostname + ": the broker refused a declare because an exchange"
                            + " or queue exists with other flags (" + reason + "); peers of namespace '"
                            + mailbox.namespace() + "' may use another mailbox type", e);
                }
                throw new PidboxException("node " + hostname + ": could not listen: " + reason, e);
            } catch (RuntimeException e) {
                cleanupFailedListen(ch);
                throw e;
            }
        }
    }

    /** Declares the exchange, the node's queue and its bindings on {@code ch}; refuses a name in use. */
    private void declare(Channel ch, QueueSpec q) throws IOException {
        ch.exchangeDeclare(mailbox.exchange(), mailbox.type().wireName(), false, false, false, Collections.emptyMap());
        AMQP.Queue.DeclareOk ok;
        try {
            ok = ch.queueDeclare(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments());
        } catch (IOException e) {
            ShutdownSignalException sse = Mailbox.findShutdown(e);
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
    private void consume(NodeChannels channels, QueueSpec q) throws IOException {
        Channel consume = channels.consumeChannel();
        // The tag names the queue, which is unique in the vhost, so tags never clash on the shared channel.
        consumerTag = consume.basicConsume(q.name(), true, "pidbox-node-" + q.name(), new RequestConsumer(consume));
        channel = consume;
    }

    /**
     * Listens again after the broker ended the node's consumer while its connection stayed up: its queue was
     * deleted (by an operator, say), or the shared consume channel was closed by a channel error. amqp-client
     * recovers consumers only after a lost connection, so without this the node would stay deaf. Retries with
     * backoff (1 s doubling to 30 s) until it listens, is closed, or finds its name taken by another node.
     */
    private void listenAgain(long delayMillis) {
        long next = Math.min(Math.max(1000, delayMillis * 2), 30_000);
        try {
            // The timer only hands over: the declares are broker round trips, and the timer thread is shared by
            // every node's handler deadlines. They run on the node's own handler pool.
            TIMER.schedule(() -> {
                ThreadPoolExecutor p;
                synchronized (lock) {
                    p = pool;
                }
                if (p == null) {
                    return;
                }
                try {
                    p.execute(() -> relisten(next));
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
            QueueSpec q = getQueue();
            try {
                Channel d = declareChannel;
                if (d == null || !d.isOpen()) {
                    closeQuietly(d);
                    d = shared.setupChannel();
                    declareChannel = d;
                }
                declare(d, q);
                consume(shared, q);
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

    private void cleanupFailedListen(Channel ch) {
        if (registryKey != null) {
            LISTENING.remove(registryKey);
            registryKey = null;
        }
        closeQuietly(ch);
        consumerTag = null;
        channel = null;
        if (shared != null) {
            shared.release();
            shared = null;
        }
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }

    private ThreadPoolExecutor newPool() {
        ThreadPoolExecutor p = new ThreadPoolExecutor(handlerThreads, handlerThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<Runnable>(queueCapacity), new DaemonThreadFactory("pidbox-handler-" + hostname));
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /**
     * Stops consuming (the broker then deletes the auto-delete queue), releases the channels it shares with the
     * other nodes of its connection (the last one closes them) and ends
     * its handler threads. Idempotent.
     */
    @Override
    public void close() {
        Channel ch;
        Channel declared;
        NodeChannels channels;
        ThreadPoolExecutor p;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
            declared = declareChannel;
            declareChannel = null;
            channels = shared;
            p = pool;
            channel = null;
            shared = null;
            pool = null;
            if (registryKey != null) {
                LISTENING.remove(registryKey);
                registryKey = null;
            }
        }
        if (ch != null && consumerTag != null && ch.isOpen()) {
            try {
                ch.basicCancel(consumerTag);
            } catch (IOException | AlreadyClosedException e) {
                // the channel is gone, and the consumer with it
            }
        }
        if (p != null) {
            p.shutdown();
            try {
                if (!p.awaitTermination(2, TimeUnit.SECONDS)) {
                    p.shutdownNow();
                }
            } catch (InterruptedException e) {
                p.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(declared);
        if (channels != null) {
            channels.release(); // the last node of the connection closes the shared channels
        }
    }

    private static void closeQuietly(Channel ch) {
        NodeChannels.closeQuietly(ch);
    }

    // ---------------------------------------------------------------- receiving

    private final class RequestConsumer extends DefaultConsumer {
        RequestConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            try {
                onDelivery(properties, body);
            } catch (RuntimeException | Error e) {
                // Never let anything stop the consumer.
                rejected.incrementAndGet();
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
                errorSink.report("node " + hostname + ": the broker cancelled its consumer (queue '" + getQueue().name()
                        + "' deleted?); listening again", null);
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

    private void onDelivery(AMQP.BasicProperties props, byte[] body) {
        received.incrementAndGet();
        IncomingRequest in = IncomingRequest.parse(props, body, mailbox.maxMessageSize());
        if (in.problem() != null) {
            // Undecodable: nothing is dispatched; answer when reply_to could be read despite the problem.
            rejected.incrementAndGet();
            errorSink.report("node " + hostname + ": " + in.problem(), in.cause());
            if (in.replyTo() != null) {
                sendReply(errorValue("ValueError", in.problem()), in);
            }
            return;
        }
        mailbox.clock().adjust(in.clock());
        if (!selects(in)) {
            return;
        }
        selected.incrementAndGet();
        if (!(in.method() instanceof String) || ((String) in.method()).isEmpty()) {
            rejected.incrementAndGet();
            String problem = in.method() == null ? "request has no method" : "request method is not a string";
            errorSink.report("node " + hostname + ": " + problem, null);
            if (in.replyTo() != null) {
                sendReply(errorValue("ValueError", problem), in);
            }
            return;
        }
        String method = (String) in.method();
        String keyId = null;
        String keyName = null;
        if (trustedKeys != null) {
            dev.pidbox.security.TrustedKeys.Verdict verdict = trustedKeys.verify(mailbox.namespace(), body,
                    props.getHeaders(), System.currentTimeMillis());
            if (!verdict.accepted()) {
                unauthorized.incrementAndGet();
                refuse(in, null, null, CallObserver.UNAUTHORIZED, "unauthorized: " + verdict.refusal());
                return;
            }
            keyId = verdict.key().id;
            keyName = verdict.key().name;
        }
        HandlerDefinition def = handlers.get(method);
        if (def != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> args = in.arguments() instanceof Map ? (Map<String, Object>) in.arguments() : null;
            dev.pidbox.security.Policy.Decision decision = policy.decide(method, def.tier(), args, keyName, keyId);
            if (!decision.allowed()) {
                forbidden.incrementAndGet();
                refuse(in, keyId, keyName, CallObserver.FORBIDDEN, "forbidden: " + decision.reason());
                return;
            }
            if (def.ratePermits() > 0) {
                long wait = rateWindows.computeIfAbsent(method, k -> new RateWindow()).tryAcquire(def.ratePermits(),
                        def.ratePeriod().toMillis(), System.currentTimeMillis());
                if (wait > 0) {
                    rateLimited.incrementAndGet();
                    refuse(in, keyId, keyName, CallObserver.RATE_LIMITED, PyRepr.error("RateLimited", method
                            + " runs at most " + def.ratePermits() + " times per " + def.ratePeriod().getSeconds()
                            + " s on this node; try again in " + ((wait + 999) / 1000) + " s"));
                    return;
                }
            }
        }
        Call call = new Call(in, def, keyId, keyName);
        if (def != null && def.quick()) {
            call.run();
            return;
        }
        ThreadPoolExecutor p;
        synchronized (lock) {
            p = pool;
        }
        if (p == null) {
            return;
        }
        try {
            java.util.concurrent.Future<?> future = p.submit(call);
            call.watch(future, def != null && def.timeout() != null ? def.timeout() : handlerTimeout);
        } catch (RejectedExecutionException e) {
            busy.incrementAndGet();
            errorSink.report("node " + hostname + ": handler pool full, refused '" + in.method() + "'", null);
            refuse(in, keyId, keyName, CallObserver.BUSY, PyRepr.error("RuntimeError", "node busy: " + queueCapacity
                    + " commands already queued, try again later"));
        }
    }

    /** Refuses a request before dispatch: counts, audits and answers when a reply was asked for. */
    private void refuse(IncomingRequest in, String keyId, String keyName, String outcome, String error) {
        if (in.replyTo() != null && !closed) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("error", error);
            sendReply(err, in);
        }
        observe(in.method(), outcome, 0);
        audit(in, keyId, keyName, outcome, error);
    }

    private void audit(IncomingRequest in, String keyId, String keyName, String outcome, String detail) {
        if (audit == null && auditExchange == null) {
            return;
        }
        AuditEvent event = new AuditEvent(java.time.Instant.now(), hostname, String.valueOf(in.method()), keyId,
                keyName, selectorOf(in), in.ticket(), outcome, detail);
        if (audit != null) {
            try {
                audit.record(event);
            } catch (RuntimeException e) {
                errorSink.report("node " + hostname + ": audit sink failed", e);
            }
        }
        if (auditExchange != null) {
            publishAudit(event);
        }
    }

    private static String selectorOf(IncomingRequest in) {
        if (in.destination() instanceof List && !((List<?>) in.destination()).isEmpty()) {
            return "destination=" + in.destination();
        }
        if (truthy(in.pattern()) && truthy(in.matcher())) {
            return in.matcher() + "=" + in.pattern();
        }
        return "all";
    }

    /** One accepted command: runs the handler once, replies once (result or timeout), never throws. */
    private final class Call implements Runnable {
        private final IncomingRequest in;
        private final HandlerDefinition def;
        private final String keyId;
        private final String keyName;
        private final java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile java.util.concurrent.ScheduledFuture<?> watchdog;
        private volatile boolean overran;

        Call(IncomingRequest in, HandlerDefinition def, String keyId, String keyName) {
            this.in = in;
            this.def = def;
            this.keyId = keyId;
            this.keyName = keyName;
        }

        void watch(java.util.concurrent.Future<?> future, java.time.Duration limit) {
            watchdog = TIMER.schedule(() -> timeout(future, limit), limit.toMillis(), TimeUnit.MILLISECONDS);
            if (answered.get()) {
                watchdog.cancel(false);
            }
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            Outcome result = invokeWithOutcome((String) in.method(), in.arguments(), in.ticket());
            java.util.concurrent.ScheduledFuture<?> w = watchdog;
            if (w != null) {
                w.cancel(false);
            }
            if (overran) {
                releaseStuckThread();
            }
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            long nanos = System.nanoTime() - start;
            // The caller first; metrics and audit after, so they never delay a reply.
            if (in.replyTo() != null && !closed) {
                sendReply(result.value, in);
            }
            observe(in.method(), result.outcome, nanos);
            audit(in, keyId, keyName, result.outcome, result.detail);
        }

        private void timeout(java.util.concurrent.Future<?> future, java.time.Duration limit) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            timedOut.incrementAndGet();
            boolean running = !future.isDone();
            future.cancel(true);
            if (running) {
                overran = true;
                addStuckThread();
            }
            String error = PyRepr.error("TimeoutError", in.method() + " exceeded its time limit of "
                    + limit.toMillis() + " ms");
            observe(in.method(), CallObserver.TIMEOUT, limit.toNanos());
            audit(in, keyId, keyName, CallObserver.TIMEOUT, error);
            errorSink.report("node " + hostname + ": handler '" + in.method() + "' ran past " + limit.toMillis()
                    + " ms and was interrupted", null);
            if (in.replyTo() != null && !closed) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("error", error);
                sendReply(err, in);
            }
        }
    }

    /** A handler thread is stuck past its limit: let the pool grow by one (up to 8 extra) so others run. */
    private void addStuckThread() {
        synchronized (poolLock) {
            ThreadPoolExecutor p = pool;
            if (p == null || stuckThreads >= 8) {
                return;
            }
            stuckThreads++;
            p.setMaximumPoolSize(handlerThreads + stuckThreads);
            p.setCorePoolSize(handlerThreads + stuckThreads);
        }
    }

    private void releaseStuckThread() {
        synchronized (poolLock) {
            ThreadPoolExecutor p = pool;
            if (p == null || stuckThreads == 0) {
                return;
            }
            stuckThreads--;
            p.setCorePoolSize(handlerThreads + stuckThreads);
            p.setMaximumPoolSize(handlerThreads + stuckThreads);
        }
    }

    /** A fixed window of {@code permits} per period for one handler. */
    private static final class RateWindow {
        private long windowStart;
        private int used;

        /** 0 when a permit was taken, else milliseconds until the next window. */
        synchronized long tryAcquire(int permits, long periodMillis, long now) {
            if (now - windowStart >= periodMillis) {
                windowStart = now;
                used = 0;
            }
            if (used < permits) {
                used++;
                return 0;
            }
            return Math.max(1, windowStart + periodMillis - now);
        }
    }

    /** kombu's address filter (PROTOCOL.md section 4, step 3). */
    private boolean selects(IncomingRequest in) {
        Object destination = in.destination();
        if (destination instanceof List && !((List<?>) destination).isEmpty()) {
            return ((List<?>) destination).contains(hostname);
        }
        if (destination instanceof String && !((String) destination).isEmpty()) {
            return hostname.equals(destination);
        }
        Object pattern = in.pattern();
        Object matcher = in.matcher();
        if (truthy(pattern) && truthy(matcher)) {
            if (!(pattern instanceof String) || !(matcher instanceof String)) {
                errorSink.report("node " + hostname + ": ignored a request whose pattern or matcher is not a string", null);
                return false;
            }
            MatchType type;
            try {
                type = MatchType.fromWireName((String) matcher);
            } catch (IllegalArgumentException e) {
                errorSink.report("node " + hostname + ": ignored a request with matcher '" + matcher
                        + "' (not installed: glob and pcre are)", null);
                return false;
            }
            try {
                return Matchers.matches(type, (String) pattern, hostname);
            } catch (IllegalArgumentException e) {
                errorSink.report("node " + hostname + ": ignored a request with a bad pattern", e);
                return false;
            }
        }
        return true;
    }

    private static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof Collection) {
            return !((Collection<?>) v).isEmpty();
        }
        if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue() != 0;
        }
        return true;
    }

    /** A handler's value (or error value) and how it went. */
    private static final class Outcome {
        final Object value;
        final String outcome;
        final String detail;

        Outcome(Object value, String outcome, String detail) {
            this.value = value;
            this.outcome = outcome;
            this.detail = detail;
        }
    }

    /** Runs a handler and turns every failure into an error value; never throws. */
    private Object invoke(String method, Object rawArguments, String ticket) {
        long start = System.nanoTime();
        Outcome o = invokeWithOutcome(method, rawArguments, ticket);
        observe(method, o.outcome, System.nanoTime() - start);
        return o.value;
    }

    private Outcome invokeWithOutcome(String method, Object rawArguments, String ticket) {
        try {
            Object result = run(method, rawArguments, ticket);
            dispatched.incrementAndGet();
            return new Outcome(result, CallObserver.OK, null);
        } catch (UnknownMethodException e) {
            rejected.incrementAndGet();
            Object v = errorValue("KeyError", method);
            return new Outcome(v, CallObserver.REJECTED, ((Map<?, ?>) v).get("error").toString());
        } catch (ArgumentException e) {
            rejected.incrementAndGet();
            Object v = errorValue("TypeError", e.getMessage());
            return new Outcome(v, CallObserver.REJECTED, ((Map<?, ?>) v).get("error").toString());
        } catch (Throwable t) {
            dispatched.incrementAndGet();
            failed.incrementAndGet();
            if (t instanceof VirtualMachineError) {
                errorSink.report("node " + hostname + ": handler '" + method + "' failed", t);
            }
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("error", PyRepr.error(t));
            return new Outcome(err, CallObserver.ERROR, PyRepr.error(t));
        }
    }

    private Object run(String method, Object rawArguments, String ticket) throws Exception {
        HandlerDefinition def = handlers.get(method);
        if (def == null) {
            throw new UnknownMethodException(method);
        }
        if (rawArguments != null && !(rawArguments instanceof Map)) {
            throw new ArgumentException(method + "() arguments must be an object, got "
                    + ArgType.jsonTypeOf(rawArguments));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) rawArguments;
        Arguments args = Arguments.validate(def, raw);
        return def.handler().handle(new Context(ticket), args);
    }

    private void observe(Object method, String outcome, long nanos) {
        if (observers.isEmpty()) {
            return;
        }
        String name = method instanceof String ? (String) method : String.valueOf(method);
        for (CallObserver o : observers) {
            try {
                o.onCall(name, outcome, nanos);
            } catch (RuntimeException e) {
                errorSink.report("node " + hostname + ": call observer failed", e);
            }
        }
    }

    /** Adds an observer told about every command this node handles (metrics, audit). */
    public Node addObserver(CallObserver observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
        return this;
    }

    private static Map<String, Object> errorValue(String type, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("error", PyRepr.error(type, message));
        return err;
    }

    // ---------------------------------------------------------------- kombu's Node methods

    /**
     * Runs a request body (kombu's {@code handle_message}) on the calling thread: applies the address
     * filter, runs the handler and replies when the body has a {@code reply_to}.
     *
     * @return the handler's value (or error value), or null when the request is not for this node
     */
    public Object handleMessage(Map<String, Object> body, AMQP.BasicProperties properties) {
        IncomingRequest in = IncomingRequest.fromBody(body, properties);
        mailbox.clock().adjust(in.clock());
        if (!selects(in)) {
            return null;
        }
        selected.incrementAndGet();
        return dispatchIncomingSync(in);
    }

    /**
     * Runs a request body without the address filter (kombu's {@code dispatch_from_message}). The policy
     * applies; signatures do not (there are no raw bytes to check: this is for trusted in-process callers).
     */
    public Object dispatchFromMessage(Map<String, Object> body, AMQP.BasicProperties properties) {
        return dispatchIncomingSync(IncomingRequest.fromBody(body, properties));
    }

    private Object dispatchIncomingSync(IncomingRequest in) {
        if (!(in.method() instanceof String)) {
            rejected.incrementAndGet();
            Object err = errorValue("ValueError", "request has no method");
            if (in.replyTo() != null) {
                sendReply(err, in);
            }
            return err;
        }
        HandlerDefinition def = handlers.get(in.method());
        if (def != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> args = in.arguments() instanceof Map ? (Map<String, Object>) in.arguments() : null;
            dev.pidbox.security.Policy.Decision decision = policy.decide((String) in.method(), def.tier(), args, null, null);
            if (!decision.allowed()) {
                forbidden.incrementAndGet();
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("error", "forbidden: " + decision.reason());
                refuse(in, null, null, CallObserver.FORBIDDEN, "forbidden: " + decision.reason());
                return err;
            }
        }
        Object value = invoke((String) in.method(), in.arguments(), in.ticket());
        if (in.replyTo() != null) {
            sendReply(value, in);
        }
        return value;
    }

    /**
     * Runs {@code method} and replies to {@code exchange}/{@code routingKey} when they are given (kombu's
     * {@code dispatch}); returns the handler's value or error value.
     */
    public Object dispatch(String method, Map<String, Object> arguments, String replyExchange, String replyRoutingKey,
            String ticket) {
        Object value = invoke(method, arguments, ticket);
        if (replyExchange != null && replyRoutingKey != null) {
            reply(value, replyExchange, replyRoutingKey, ticket);
        }
        return value;
    }

    /** Runs a handler for a call and returns its value; errors come back as error values (kombu's {@code handle_call}). */
    public Object handleCall(String method, Map<String, Object> arguments) {
        return invoke(method, arguments, null);
    }

    /** Runs a handler for a cast; the value is dropped (kombu's {@code handle_cast}). */
    public void handleCast(String method, Map<String, Object> arguments) {
        invoke(method, arguments, null);
    }

    /**
     * Runs a handler and returns its value, letting exceptions through (kombu's {@code handle}).
     *
     * @throws IllegalArgumentException for an unknown method or bad arguments
     */
    public Object handle(String method, Map<String, Object> arguments) throws Exception {
        return run(method, arguments, null);
    }

    /** Publishes {@code {hostname: data}} as a reply (kombu's {@code reply}). */
    public void reply(Object data, String exchange, String routingKey, String ticket) {
        sendReply(data, IncomingRequest.forReply(exchange, routingKey, ticket));
    }

    private void sendReply(Object value, IncomingRequest in) {
        String exchange = in.replyTo().exchange();
        String routingKey = in.replyTo().routingKey();
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
        byte[] bytes;
        try {
            bytes = Json.encode(Wire.replyBody(hostname, Json.escapeKombuTags(Json.toPlain(value))));
        } catch (IllegalArgumentException e) {
            bytes = Json.encode(Wire.replyBody(hostname, errorValue("TypeError",
                    "result of '" + in.method() + "' is not JSON-able: " + e.getMessage())));
        }
        if (bytes.length > mailbox.maxReplySize()) {
            bytes = Json.encode(Wire.replyBody(hostname, errorValue("ValueError", "reply of " + bytes.length
                    + " bytes exceeds the limit of " + mailbox.maxReplySize() + " bytes")));
        }
        AMQP.BasicProperties props = Wire.replyProperties(in.ticket(), mailbox.clock().forward(), null);
        if (replyUserId != null) {
            // RabbitMQ checks it against this connection's user, so a client can tell who published the reply.
            props = props.builder().userId(replyUserId).build();
        }
        NodeChannels channels;
        synchronized (lock) {
            channels = shared;
        }
        if (closed || channels == null) {
            return;
        }
        try {
            channels.publish(exchange, "direct", routingKey, props, bytes);
            replied.incrementAndGet();
        } catch (IOException | AlreadyClosedException e) {
            ShutdownSignalException sse = Mailbox.findShutdown(e);
            errorSink.report("node " + hostname + ": could not reply to exchange '" + exchange + "': "
                    + (sse != null ? sse.getReason() : e), e);
        }
    }

    private void publishAudit(AuditEvent event) {
        byte[] bytes = Json.encode(event.toMap());
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(Wire.CONTENT_TYPE)
                .contentEncoding(Wire.CONTENT_ENCODING).deliveryMode(1).build();
        NodeChannels channels;
        synchronized (lock) {
            channels = shared;
        }
        if (closed || channels == null) {
            return;
        }
        try {
            channels.publish(auditExchange, "fanout", hostname, props, bytes);
        } catch (IOException | AlreadyClosedException e) {
            errorSink.report("node " + hostname + ": could not publish to audit exchange '" + auditExchange + "'", e);
        }
    }

    @Override
    public String toString() {
        return "Node{" + hostname + " in " + mailbox.namespace() + ", handlers=" + handlers.keySet() + "}";
    }

    private static final class UnknownMethodException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownMethodException(String method) {
            super(method, null, false, false);
        }
    }

    private final class Context implements HandlerContext {
        private final String ticket;

        Context(String ticket) {
            this.ticket = ticket;
        }

        @Override
        public String nodeName() {
            return hostname;
        }

        @Override
        public String namespace() {
            return mailbox.namespace();
        }

        @Override
        public long clock() {
            return mailbox.clock().value();
        }

        @Override
        public Map<String, Object> state() {
            return state;
        }

        @Override
        public String ticket() {
            return ticket;
        }

        @Override
        public Collection<HandlerDefinition> handlers() {
            return Node.this.handlers().values();
        }

        @Override
        public Map<String, String> tags() {
            return tags;
        }
    }

    // ---------------------------------------------------------------- builder

    /** Builds a {@link Node}; get one from {@link Mailbox#node(String)}. */
    public static final class Builder {
        private final Mailbox mailbox;
        private final String hostname;
        private final Map<String, HandlerDefinition> handlers = new LinkedHashMap<>();
        private Map<String, Object> state = new ConcurrentHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private ErrorSink errorSink;
        private int handlerThreads = 2;
        private int queueCapacity = 64;
        private final java.util.List<CallObserver> observers = new java.util.ArrayList<>();
        private dev.pidbox.security.TrustedKeys trustedKeys;
        private dev.pidbox.security.Policy policy = dev.pidbox.security.Policy.allowAll();
        private java.time.Duration handlerTimeout = java.time.Duration.ofSeconds(30);
        private AuditSink audit;
        private String auditExchange;
        private String replyUserId;

        Builder(Mailbox mailbox, String hostname) {
            if (hostname == null || hostname.isEmpty() || hostname.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("invalid node name '" + hostname + "'");
            }
            if (!Wire.fitsShortString(Wire.nodeQueueName(hostname, mailbox.namespace()))) {
                throw new IllegalArgumentException("node name '" + hostname + "' is too long: its queue name would exceed 255 bytes");
            }
            this.mailbox = mailbox;
            this.hostname = hostname;
        }

        /** Registers a handler; a later one with the same name replaces an earlier one. */
        public Builder handler(HandlerDefinition definition) {
            handlers.put(definition.name(), definition);
            return this;
        }

        public Builder handlers(Collection<HandlerDefinition> definitions) {
            for (HandlerDefinition d : definitions) {
                handler(d);
            }
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
        public Builder trustedKeys(dev.pidbox.security.TrustedKeys keys) {
            this.trustedKeys = keys;
            return this;
        }

        /** Which handlers callers may run (default: all, as kombu; the agent defaults to read only). */
        public Builder policy(dev.pidbox.security.Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The time limit of handlers that set none (default 30 s). */
        public Builder handlerTimeout(java.time.Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handlerTimeout must be positive, got " + timeout);
            }
            this.handlerTimeout = timeout;
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

        /** The node, not yet listening. */
        public Node build() {
            return new Node(this);
        }
    }
}
