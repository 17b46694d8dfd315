package dev.pidbox.internal.client;

import dev.pidbox.CallResult;
import dev.pidbox.ErrorSink;
import dev.pidbox.Reply;
import dev.pidbox.ReplyListener;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gather of one call: the replies to its ticket, collected until the first of one total deadline, the limit,
 * every named node answered, or the expected count of nodes answered. Fed by the {@link ReplyRouter}, awaited by
 * the caller, and made into the {@link CallResult} (who answered, who did not, forgeries, a blocked broker).
 *
 * <p>Thread-safe: replies arrive on amqp-client's thread while the caller waits on its own.
 */
public final class Gather {
    private final String ticket;
    private final List<String> destination;
    private final long start;
    private final long deadline;
    private final int limit;
    private final Set<String> named;
    private final Integer expect;
    private final ReplyListener listener;
    private final ErrorSink errorSink;
    private final String namespace;
    private final List<Reply> replies = new ArrayList<>(); // guarded by this
    private final Set<String> answered = new HashSet<>(); // guarded by this
    private final List<CallResult.Forgery> forgeries = new ArrayList<>(); // guarded by this
    private boolean cancelled; // guarded by this
    private volatile String blocked;

    /**
     * Starts the gather of {@code request} now: its deadline is the request's timeout from this moment.
     *
     * @param listener handed each counted reply as it arrives, or null
     * @param errorSink where a failing {@code listener} is reported
     * @param namespace the mailbox's namespace, to name it in reports
     */
    public Gather(String ticket, Request request, ReplyListener listener, ErrorSink errorSink, String namespace) {
        this.ticket = ticket;
        this.destination = request.destination();
        this.start = System.nanoTime();
        this.deadline = start + request.timeout().toNanos();
        this.limit = request.limit() != null ? request.limit() : Integer.MAX_VALUE;
        this.named = destination == null ? Collections.<String>emptySet() : new HashSet<>(destination);
        this.expect = request.expect();
        this.listener = listener;
        this.errorSink = errorSink;
        this.namespace = namespace;
    }

    /** The ticket (correlation id) replies to this call carry. */
    public String ticket() {
        return ticket;
    }

    /** The time since the gather started. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Counts {@code reply} and hands it to the listener; false (nothing counted, the listener not called) once the
     * limit was reached, so a result never exceeds it. A second reply from one node counts again.
     */
    public boolean offer(Reply reply) {
        if (!add(reply)) {
            return false;
        }
        if (listener != null) {
            try {
                listener.onReply(reply);
            } catch (RuntimeException e) {
                errorSink.report("mailbox " + namespace + ": reply callback failed", e);
            }
        }
        return true;
    }

    private synchronized boolean add(Reply reply) {
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

    /** Records a reply refused as not authentic: reported in the result, never counted. */
    public synchronized void forged(CallResult.Forgery forgery) {
        forgeries.add(forgery);
    }

    /** The broker blocked publishes while this call waited (its request may still be in the connection). */
    public void blocked(String reason) {
        blocked = reason;
    }

    /** Ends the wait at once (the mailbox closes); the result then says the deadline was reached. */
    public synchronized void cancel() {
        cancelled = true;
        notifyAll();
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

    /**
     * Waits until the gather's condition is met, the deadline passes, it is cancelled or the thread is interrupted
     * (the interrupt stays set), and returns what it gathered.
     */
    public CallResult await() {
        boolean met;
        try {
            met = awaitMet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            met = false;
        }
        synchronized (this) {
            return new CallResult(ticket, replies, destination, expected(), elapsed(), !met, blocked, forgeries);
        }
    }

    private synchronized boolean awaitMet() throws InterruptedException {
        while (!met() && !cancelled) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(left / 1_000_000, (int) (left % 1_000_000));
        }
        return met();
    }

    /** The result of a call that was never sent because the broker blocks publishes for {@code reason}. */
    public CallResult notSent(String reason) {
        return new CallResult(ticket, Collections.<Reply>emptyList(), destination, expected(), elapsed(), false, reason);
    }

    /** How many nodes should answer: the distinct named nodes, else the expected count, else -1 (unknown). */
    private int expected() {
        if (destination != null) {
            return named.size();
        }
        return expect != null ? expect : -1;
    }

    @Override
    public String toString() {
        return "Gather{" + ticket + "}";
    }
}
