package dev.pidbox.internal.node;

import dev.pidbox.CallObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** A node's counters since start, as {@code Node.stats()} shows them. Thread-safe. */
public final class Counters {
    /** One counter; the names are those of {@code Node.stats()}, in its order. */
    public enum Counter {
        RECEIVED("received"), SELECTED("selected"), DISPATCHED("dispatched"), FAILED("failed"),
        REJECTED("rejected"), BUSY("busy"), UNAUTHORIZED("unauthorized"), FORBIDDEN("forbidden"),
        RATE_LIMITED("rate_limited"), TIMED_OUT("timed_out"), REPLIED("replied");

        private final String key;

        Counter(String key) {
            this.key = key;
        }
    }

    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    public void increment(Counter c) {
        values.incrementAndGet(c.ordinal());
    }

    public long get(Counter c) {
        return values.get(c.ordinal());
    }

    /** Counts one finished request by its outcome word. */
    public void count(String word) {
        switch (word) {
            case CallObserver.OK:
                increment(Counter.DISPATCHED);
                break;
            case CallObserver.ERROR:
                increment(Counter.DISPATCHED);
                increment(Counter.FAILED);
                break;
            case CallObserver.REJECTED:
                increment(Counter.REJECTED);
                break;
            case CallObserver.BUSY:
                increment(Counter.BUSY);
                break;
            case CallObserver.UNAUTHORIZED:
                increment(Counter.UNAUTHORIZED);
                break;
            case CallObserver.FORBIDDEN:
                increment(Counter.FORBIDDEN);
                break;
            case CallObserver.RATE_LIMITED:
                increment(Counter.RATE_LIMITED);
                break;
            case CallObserver.TIMEOUT:
                increment(Counter.TIMED_OUT);
                break;
            default:
                throw new IllegalArgumentException("unknown outcome " + word);
        }
    }

    /** Every counter by name, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.key, get(c));
        }
        return out;
    }
}
