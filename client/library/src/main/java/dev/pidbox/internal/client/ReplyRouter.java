package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import dev.pidbox.CallResult;
import dev.pidbox.ErrorSink;
import dev.pidbox.LamportClock;
import dev.pidbox.Reply;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.security.ReplyUsers;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each reply that reaches a mailbox's reply queue to the gather of the call whose ticket it carries, and to no
 * other: a late reply never leaks into a later call. On the way it adjusts the clock, drops expired replies and
 * those for no pending call (stale), refuses oversized, foreign-typed and undecodable ones (malformed), and, when
 * the mailbox names who may answer for which nodes, reports replies from anyone else as forgeries.
 */
public final class ReplyRouter {
    private final String namespace;
    private final LamportClock clock;
    private final int maxReplySize;
    private final ReplyUsers replyUsers;
    private final ErrorSink errorSink;
    private final Map<String, Gather> pending = new ConcurrentHashMap<>();
    private final AtomicLong staleReplies = new AtomicLong();
    private final AtomicLong malformedReplies = new AtomicLong();

    /**
     * A router for the mailbox of {@code namespace}, with no pending call yet.
     *
     * @param maxReplySize the largest reply body accepted, in bytes
     * @param replyUsers who may answer for which nodes, or null to count every reply (as kombu)
     */
    public ReplyRouter(String namespace, LamportClock clock, int maxReplySize, ReplyUsers replyUsers,
            ErrorSink errorSink) {
        this.namespace = namespace;
        this.clock = clock;
        this.maxReplySize = maxReplySize;
        this.replyUsers = replyUsers;
        this.errorSink = errorSink;
    }

    /** Routes replies carrying {@code gather}'s ticket to it until {@link #unregister(Gather)}. */
    public void register(Gather gather) {
        pending.put(gather.ticket(), gather);
    }

    /** Stops routing to {@code gather}: replies with its ticket are stale from now on. */
    public void unregister(Gather gather) {
        pending.remove(gather.ticket());
    }

    /** Tells every pending gather that the broker blocks publishes, for {@code reason}. */
    public void blocked(String reason) {
        for (Gather gather : pending.values()) {
            gather.blocked(reason);
        }
    }

    /** Cancels every pending gather (the mailbox closes). */
    public void cancelAll() {
        for (Gather gather : pending.values()) {
            gather.cancel();
        }
    }

    /** How many replies arrived for no pending call (late, foreign, expired or without ticket) or past its limit. */
    public long staleReplies() {
        return staleReplies.get();
    }

    /** How many replies for a pending call could not be decoded (too large, foreign content type, not JSON). */
    public long malformedReplies() {
        return malformedReplies.get();
    }

    /** Routes one reply as it came from the broker. */
    public void onReply(AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> headers = props.getHeaders();
        clock.adjust(Wire.headerLong(headers, Wire.HEADER_CLOCK));
        double expires = Wire.headerDouble(headers, Wire.HEADER_EXPIRES);
        if (expires > 0 && System.currentTimeMillis() / 1000.0 > expires) {
            staleReplies.incrementAndGet();
            return;
        }
        String ticket = Wire.headerString(headers, Wire.HEADER_TICKET);
        Gather gather = ticket == null ? null : pending.get(ticket);
        if (gather == null) {
            // A reply for a call that already returned, for another mailbox, or without ticket: never
            // handed to a later call.
            staleReplies.incrementAndGet();
            return;
        }
        Map<String, Object> answers = decode(props, body, ticket);
        if (answers == null) {
            return;
        }
        Duration elapsed = gather.elapsed();
        for (Map.Entry<String, Object> e : answers.entrySet()) {
            if (replyUsers != null) {
                String why = replyUsers.check(e.getKey(), props.getUserId());
                if (why != null) {
                    gather.forged(new CallResult.Forgery(e.getKey(), props.getUserId(), why));
                    continue;
                }
            }
            if (!gather.offer(new Reply(e.getKey(), e.getValue(), elapsed))) {
                staleReplies.incrementAndGet();
            }
        }
    }

    /** The reply's node-to-answer map, or null (counted and reported as malformed) when it is not one. */
    private Map<String, Object> decode(AMQP.BasicProperties props, byte[] body, String ticket) {
        if (body.length > maxReplySize) {
            return malformed("dropped a reply of " + body.length + " bytes (limit " + maxReplySize + ") for ticket "
                    + ticket, null);
        }
        if (!Wire.acceptsContentType(props.getContentType())) {
            return malformed("refused a reply of content type '" + props.getContentType() + "' for ticket " + ticket,
                    null);
        }
        Object decoded;
        try {
            decoded = Json.decodeKombuTags(Json.decode(body));
        } catch (IOException e) {
            return malformed("undecodable reply for ticket " + ticket, e);
        }
        if (!(decoded instanceof Map)) {
            return malformed("reply for ticket " + ticket + " is not an object", null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) decoded;
        return map;
    }

    private Map<String, Object> malformed(String what, Throwable cause) {
        malformedReplies.incrementAndGet();
        errorSink.report("mailbox " + namespace + ": " + what, cause);
        return null;
    }
}
