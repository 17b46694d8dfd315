package dev.pidbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a call or multi-call gathered: every reply in arrival order, and which named or expected nodes
 * did not answer before the deadline. kombu returns only the list of replies; {@link #asKombuList()}
 * gives that shape.
 */
public final class CallResult {
    private final String ticket;
    private final List<Reply> replies;
    private final List<String> destination;
    private final int expected;
    private final Duration elapsed;
    private final boolean deadlineReached;
    private final String brokerBlocked;
    private final List<Forgery> forgeries;

    /** A reply that claimed to be a node's but came from a broker user that may not answer for it. */
    public static final class Forgery {
        private final String node;
        private final String userId;
        private final String reason;

        public Forgery(String node, String userId, String reason) {
            this.node = node;
            this.userId = userId;
            this.reason = reason;
        }

        /** The node the reply claimed to come from. */
        public String node() {
            return node;
        }

        /** The broker user that published it (RabbitMQ-validated {@code user_id}), or null when it had none. */
        public String userId() {
            return userId;
        }

        /** Why it is not authentic. */
        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return "forged reply claiming " + node + ": " + reason;
        }
    }

    public CallResult(String ticket, List<Reply> replies, List<String> destination, int expected, Duration elapsed,
            boolean deadlineReached) {
        this(ticket, replies, destination, expected, elapsed, deadlineReached, null);
    }

    /**
     * @param brokerBlocked the broker's reason when it blocked the connection's publishes during the call (or
     *        before it, so the request was never sent), else null
     */
    public CallResult(String ticket, List<Reply> replies, List<String> destination, int expected, Duration elapsed,
            boolean deadlineReached, String brokerBlocked) {
        this(ticket, replies, destination, expected, elapsed, deadlineReached, brokerBlocked,
                Collections.<Forgery>emptyList());
    }

    /** @param forgeries replies refused as not authentic (see {@link Mailbox.Builder#replyUsers}) */
    public CallResult(String ticket, List<Reply> replies, List<String> destination, int expected, Duration elapsed,
            boolean deadlineReached, String brokerBlocked, List<Forgery> forgeries) {
        this.ticket = ticket;
        this.replies = Collections.unmodifiableList(new ArrayList<>(replies));
        this.destination = destination == null ? Collections.emptyList()
                : Collections.unmodifiableList(new ArrayList<>(destination));
        this.expected = expected;
        this.elapsed = elapsed;
        this.deadlineReached = deadlineReached;
        this.brokerBlocked = brokerBlocked;
        this.forgeries = Collections.unmodifiableList(new ArrayList<>(forgeries));
    }

    /**
     * Replies refused as not authentic: they claimed a node's name but came from a broker user that may not answer
     * for it. Never among {@link #replies()}; a node whose only reply was forged counts as missing.
     */
    public List<Forgery> forgeries() {
        return forgeries;
    }

    /**
     * The broker's reason (e.g. {@code low on memory}) when it was blocking this connection's publishes during the
     * call, or before it (then nothing was sent), else null. The request may not have reached any node; missing
     * nodes are then not evidence that they are down.
     */
    public String brokerBlocked() {
        return brokerBlocked;
    }

    /** The request's ticket (correlation id). */
    public String ticket() {
        return ticket;
    }

    /** Every reply, in arrival order (a duplicate node name may appear twice). */
    public List<Reply> replies() {
        return replies;
    }

    /** Replies that are not errors. */
    public List<Reply> ok() {
        List<Reply> out = new ArrayList<>();
        for (Reply r : replies) {
            if (!r.isError()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Replies of the shape {@code {"error": ...}}. */
    public List<Reply> errors() {
        List<Reply> out = new ArrayList<>();
        for (Reply r : replies) {
            if (r.isError()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Node name to its reply value; the first reply wins when a name answered twice. */
    public Map<String, Object> byNode() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Reply r : replies) {
            out.putIfAbsent(r.node(), r.value());
        }
        return out;
    }

    /** The distinct names of the nodes that answered. */
    public Set<String> answered() {
        Set<String> out = new LinkedHashSet<>();
        for (Reply r : replies) {
            out.add(r.node());
        }
        return out;
    }

    /** Nodes named in the destination that did not answer. */
    public Set<String> missing() {
        Set<String> out = new LinkedHashSet<>(destination);
        out.removeAll(answered());
        return out;
    }

    /**
     * How many answers were expected: the destination's size, or the expect count of the request; -1
     * when the call was a broadcast with no expectation.
     */
    public int expected() {
        return expected;
    }

    /** How many expected answers did not come: named nodes missing, or the shortfall against expect. */
    public int missingCount() {
        if (!destination.isEmpty()) {
            return missing().size();
        }
        return expected < 0 ? 0 : Math.max(0, expected - answered().size());
    }

    /** Whether everything expected arrived and no reply is an error. */
    public boolean isComplete() {
        return missingCount() == 0 && errors().isEmpty();
    }

    /** Time from publishing to the end of the gather. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Whether the gather ended at the deadline rather than because its limit or expectation was met. */
    public boolean deadlineReached() {
        return deadlineReached;
    }

    /** The result as kombu returns it: a list of single-key maps {@code [{node: value}, ...]}. */
    public List<Map<String, Object>> asKombuList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Reply r : replies) {
            out.add(r.asKombu());
        }
        return out;
    }

    @Override
    public String toString() {
        return "CallResult{ticket=" + ticket + ", replies=" + replies + ", missing=" + missing() + ", elapsed="
                + elapsed.toMillis() + " ms}";
    }
}
