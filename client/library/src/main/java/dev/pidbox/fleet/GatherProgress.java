package dev.pidbox.fleet;

import dev.pidbox.Request;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far a gather is: replies counted so far, how many are expected, and the time since it began. Safe to read
 * from any thread while the gather runs (a progress line redrawn by a timer, say).
 */
public final class GatherProgress {
    private final int expected;
    private final long start = System.nanoTime();
    private final AtomicInteger replies = new AtomicInteger();

    /**
     * Progress against {@code expected} answers, the clock starting now.
     *
     * @param expected how many answers are expected, or -1 when nobody knows (a broadcast)
     */
    public GatherProgress(int expected) {
        this.expected = expected;
    }

    /**
     * Progress for {@code request}: it expects as many answers as its destination names (duplicates counted as
     * given), else its expect count, else -1.
     */
    public static GatherProgress of(Request request) {
        if (request.destination() != null) {
            return new GatherProgress(request.destination().size());
        }
        return new GatherProgress(request.expect() == null ? -1 : request.expect());
    }

    /** Counts one more reply; {@link Gather#run} does this for each reply before telling its listener. */
    public void reply() {
        replies.incrementAndGet();
    }

    /** Replies counted so far (forged replies, never handed out, are not counted). */
    public int replies() {
        return replies.get();
    }

    /** How many answers are expected, or -1 when unknown. */
    public int expected() {
        return expected;
    }

    /** Time since this progress was created. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
