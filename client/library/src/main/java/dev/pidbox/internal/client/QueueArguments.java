package dev.pidbox.internal.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The arguments of the queues a mailbox declares ({@code x-expires}, {@code x-message-ttl}), as Celery sets them. */
public final class QueueArguments {
    private QueueArguments() {
    }

    /** The arguments for a queue that expires after {@code expires} unused, holding messages {@code ttl}; null: none. */
    public static Map<String, Object> of(Duration expires, Duration ttl) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (expires != null) {
            args.put("x-expires", millis(expires));
        }
        if (ttl != null) {
            args.put("x-message-ttl", millis(ttl));
        }
        return args;
    }

    /**
     * Fails unless {@code d} (when not null) fits a queue argument: whole milliseconds from 1 to
     * {@code Integer.MAX_VALUE}.
     *
     * @throws IllegalArgumentException naming the duration
     */
    public static void check(Duration d) {
        if (d != null) {
            millis(d);
        }
    }

    private static Integer millis(Duration d) {
        long ms = d.toMillis();
        if (ms < 1 || ms > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queue duration out of range: " + d);
        }
        return (int) ms;
    }
}
