package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import dev.pidbox.Arguments;
import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.LamportClock;
import dev.pidbox.internal.IncomingRequest;
import dev.pidbox.internal.IncomingRequest.ReplyTo;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.PyRepr;
import dev.pidbox.internal.node.Counters.Counter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A node's request pipeline, the same for deliveries from the broker and for requests handed over in-process (kombu's
 * {@code handle_message}, {@code dispatch}, {@code handle_call}, ...): parse, address filter, authenticate,
 * authorise (policy, rate limit), execute (pool or quick lane, time limit), reply, report (observers, audit). A
 * refusal at any step is counted, answered with {@code {"error": ...}} when a reply was asked for, and reported.
 */
public final class Dispatcher {
    private final String hostname;
    private final ErrorSink errorSink;
    private final LamportClock clock;
    private final int maxMessageSize;
    private final Duration defaultTimeLimit;
    private final BooleanSupplier closed;
    private final Counters counters;
    private final AddressFilter filter;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final Invoker invoker;
    private final Runner runner;
    private final Replier replier;
    private final Reporter reporter;

    private Dispatcher(Builder b) {
        this.hostname = b.hostname;
        this.errorSink = b.errorSink;
        this.clock = b.clock;
        this.maxMessageSize = b.maxMessageSize;
        this.defaultTimeLimit = b.defaultTimeLimit;
        this.closed = b.closed;
        this.counters = b.counters;
        this.filter = new AddressFilter(hostname, errorSink);
        this.authenticator = b.authenticator;
        this.authorizer = b.authorizer;
        this.invoker = b.invoker;
        this.runner = b.runner;
        this.replier = b.replier;
        this.reporter = b.reporter;
    }

    public static Builder builder(String hostname, ErrorSink errorSink, LamportClock clock) {
        return new Builder(hostname, errorSink, clock);
    }

    /** A delivery from the node's queue. Never throws; the caller (the consumer thread) is never held by a handler. */
    public void onDelivery(AMQP.BasicProperties props, byte[] body) {
        counters.increment(Counter.RECEIVED);
        accept(IncomingRequest.parse(props, body, maxMessageSize), body, props == null ? null : props.getHeaders(),
                true, null);
    }

    /**
     * An in-process request: the same steps as a delivery, on the caller's thread up to the execute step; waits for
     * the outcome (at most the handler's time limit).
     *
     * @param body the request's bytes as signed, for the signature check (null when there are none)
     * @param addressed whether the address filter applies
     * @return the outcome, or null when the request is not addressed to this node
     */
    public Outcome dispatch(IncomingRequest in, byte[] body, Map<String, Object> headers, boolean addressed) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        return accept(in, body, headers, addressed, done) ? done.join() : null;
    }

    /** A call made in-process (kombu's {@code dispatch}, {@code handle_call}, ...): unsigned, for every node. */
    public Outcome call(String method, Map<String, ?> arguments, ReplyTo replyTo, String ticket) {
        return dispatch(IncomingRequest.of(method, arguments, ticket, replyTo), null, null, false);
    }

    /**
     * A request body handed over in-process (kombu's {@code handle_message}). On a node that checks signatures, the
     * signature in the headers is checked over the body's JSON encoding, as the Java mailbox sends it.
     */
    public Outcome dispatchBody(Map<String, Object> body, AMQP.BasicProperties props, boolean addressed) {
        byte[] bytes = authenticator.requiresSignatures() && body != null ? Json.encodeOrEmpty(body) : null;
        return dispatch(IncomingRequest.fromBody(body, props), bytes, props == null ? null : props.getHeaders(),
                addressed);
    }

    /**
     * Runs {@code in} through the steps; its outcome goes to {@code done} when it comes (an in-process caller waits
     * on it; a delivery passes null, and nothing is kept for it).
     *
     * @return false when the request is not addressed to this node (nothing more happens)
     */
    private boolean accept(IncomingRequest in, byte[] body, Map<String, Object> headers, boolean addressed,
            CompletableFuture<Outcome> done) {
        if (in.problem() != null) {
            // Undecodable: nothing is dispatched; answer when reply_to could be read despite the problem.
            errorSink.report("node " + hostname + ": " + in.problem(), in.cause());
            return unreadable(in, in.problem(), done);
        }
        if (in.fromPeer()) {
            clock.adjust(in.clock());
        }
        if (addressed && !filter.selects(in)) {
            return false;
        }
        counters.increment(Counter.SELECTED);
        if (!(in.method() instanceof String) || ((String) in.method()).isEmpty()) {
            String problem = in.method() == null ? "request has no method" : "request method is not a string";
            errorSink.report("node " + hostname + ": " + problem, null);
            return unreadable(in, problem, done);
        }
        String method = (String) in.method();
        Principal principal = Principal.ANONYMOUS;
        try {
            principal = authenticator.authenticate(body, headers);
            HandlerDefinition def = invoker.find(method);
            authorizer.authorize(method, def, in.arguments(), principal);
            Arguments args = invoker.arguments(def, in.arguments());
            Finish finish = new Finish(in, principal, done);
            runner.execute(method, def.quick(), def.timeout() != null ? def.timeout() : defaultTimeLimit,
                    () -> invoker.run(def, args, in.ticket()), finish::accept);
            return true;
        } catch (Refused r) {
            Outcome o = r.outcome();
            counters.count(o.word());
            answer(in, o);
            reporter.report(in, principal, o);
            complete(done, o);
            return true;
        }
    }

    /** A request that cannot be read as one: rejected with a {@code ValueError}, answered when possible. */
    private boolean unreadable(IncomingRequest in, String problem, CompletableFuture<Outcome> done) {
        counters.increment(Counter.REJECTED);
        Outcome o = Outcome.failed(CallObserver.REJECTED, PyRepr.error("ValueError", problem), null, 0);
        answer(in, o);
        complete(done, o);
        return true;
    }

    private static void complete(CompletableFuture<Outcome> done, Outcome o) {
        if (done != null) {
            done.complete(o);
        }
    }

    private void answer(IncomingRequest in, Outcome o) {
        if (in.replyTo() != null && !closed.getAsBoolean()) {
            replier.reply(o.value(), in.replyTo(), in.ticket(), in.method());
        }
    }

    /** The end of an accepted request: the caller first, observers and audit after, so they never delay a reply. */
    private final class Finish {
        final IncomingRequest in;
        final Principal principal;
        final CompletableFuture<Outcome> done;

        Finish(IncomingRequest in, Principal principal, CompletableFuture<Outcome> done) {
            this.in = in;
            this.principal = principal;
            this.done = done;
        }

        void accept(Outcome o) {
            if (CallObserver.TIMEOUT.equals(o.word())) {
                counters.count(o.word());
                reporter.report(in, principal, o);
                answer(in, o);
            } else {
                answer(in, o);
                reporter.report(in, principal, o);
            }
            complete(done, o);
        }
    }

    /** The parts of a pipeline; every one is required. */
    public static final class Builder {
        private final String hostname;
        private final ErrorSink errorSink;
        private final LamportClock clock;
        private int maxMessageSize;
        private Duration defaultTimeLimit;
        private BooleanSupplier closed;
        private Counters counters;
        private Authenticator authenticator;
        private Authorizer authorizer;
        private Invoker invoker;
        private Runner runner;
        private Replier replier;
        private Reporter reporter;

        Builder(String hostname, ErrorSink errorSink, LamportClock clock) {
            this.hostname = hostname;
            this.errorSink = errorSink;
            this.clock = clock;
        }

        public Builder limits(int maxMessageSize, Duration defaultTimeLimit) {
            this.maxMessageSize = maxMessageSize;
            this.defaultTimeLimit = defaultTimeLimit;
            return this;
        }

        /** Whether the node is closed (a closed node no longer replies). */
        public Builder closed(BooleanSupplier closed) {
            this.closed = closed;
            return this;
        }

        public Builder steps(Counters counters, Authenticator authenticator, Authorizer authorizer, Invoker invoker,
                Runner runner, Replier replier, Reporter reporter) {
            this.counters = counters;
            this.authenticator = authenticator;
            this.authorizer = authorizer;
            this.invoker = invoker;
            this.runner = runner;
            this.replier = replier;
            this.reporter = reporter;
            return this;
        }

        public Dispatcher build() {
            if (defaultTimeLimit == null || closed == null || counters == null || authenticator == null
                    || authorizer == null || invoker == null || runner == null || replier == null
                    || reporter == null) {
                throw new IllegalStateException("a pipeline needs limits, closed and every step");
            }
            return new Dispatcher(this);
        }
    }
}
