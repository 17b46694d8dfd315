package dev.pidbox.jmx.internal;

import java.util.Locale;

/** The arguments of one {@code profile} call, checked. */
final class ProfileRequest {
    /** What is sampled. */
    enum Mode {
        /** Threads running Java code (JFR {@code jdk.ExecutionSample}). */
        CPU(20),
        /** Every thread, whatever it does, with its state (ThreadMXBean). */
        WALL(50),
        /** Where memory is allocated, weighed in bytes (JFR allocation events). */
        ALLOC(20);

        /** The sampling interval when none is given. */
        final int defaultIntervalMs;

        Mode(int defaultIntervalMs) {
            this.defaultIntervalMs = defaultIntervalMs;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Mode mode = Mode.CPU;
    long durationMs = 5000;
    int intervalMs = Mode.CPU.defaultIntervalMs;
    /** A glob on thread names, or null for every thread. */
    String threads;
    int maxDepth = 128;
    long maxBytes = ReplyCap.DEFAULT_MAX_BYTES;
    /** Whether the JFR samplers may be used (false: ThreadMXBean sampling only). */
    boolean jfr = true;
    /** Who asked, to name a running profile in a refusal. */
    String ticket;

    /** How the refusal of a second profile names this one. */
    String describe(long startedNanos) {
        return String.format(Locale.ROOT, "%s for %d ms at a %d ms interval, started %.1f s ago%s", mode.wireName(),
                durationMs, intervalMs, (System.nanoTime() - startedNanos) / 1e9,
                ticket == null ? "" : " (ticket " + ticket + ")");
    }
}
