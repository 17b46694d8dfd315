package dev.pidbox;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The Lamport clock carried in the {@code clock} header of every pidbox message, as kombu's
 * {@code LamportClock}: {@link #forward()} before each publish, {@link #adjust(long)} on each
 * message received. Values stay below 2^31, because Python peers write larger integers with a
 * non-standard AMQP field type.
 */
public final class LamportClock {
    /** The largest value the clock takes; a peer's larger value is clamped to it. */
    public static final long MAX = Integer.MAX_VALUE - 1L;

    private final AtomicLong value;

    public LamportClock() {
        this(0);
    }

    public LamportClock(long initial) {
        this.value = new AtomicLong(clamp(initial));
    }

    /** The current value. */
    public long value() {
        return value.get();
    }

    /** Advances the clock for a message about to be sent; returns the new value. */
    public long forward() {
        return value.updateAndGet(v -> Math.min(v + 1, MAX));
    }

    /** Merges a value seen on a received message: {@code max(own, other) + 1}; returns the new value. */
    public long adjust(long other) {
        long o = clamp(other);
        return value.updateAndGet(v -> Math.min(Math.max(v, o) + 1, MAX));
    }

    private static long clamp(long v) {
        return v < 0 ? 0 : Math.min(v, MAX);
    }

    @Override
    public String toString() {
        return Long.toString(value.get());
    }
}
