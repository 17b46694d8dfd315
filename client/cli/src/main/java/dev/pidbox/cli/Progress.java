package dev.pidbox.cli;

import dev.pidbox.spi.Threads;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** A live "replies n/expected, elapsed" line on stderr, redrawn while a gather runs; off when not a terminal. */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String expected;
    private final long start = System.nanoTime();
    private final AtomicInteger replies = new AtomicInteger();
    private final Thread thread;
    private volatile boolean done;

    private Progress(PrintWriter err, int expected, boolean enabled) {
        this.err = err;
        this.expected = expected < 0 ? "?" : Integer.toString(expected);
        if (enabled) {
            thread = Threads.start("pidbox-progress", this::loop);
        } else {
            thread = null;
        }
    }

    static Progress start(PrintWriter err, int expected, boolean enabled) {
        return new Progress(err, expected, enabled);
    }

    void reply() {
        replies.incrementAndGet();
    }

    String line() {
        return String.format(Locale.ROOT, "replies %d/%s, elapsed %.1fs", replies.get(), expected,
                (System.nanoTime() - start) / 1e9);
    }

    private void loop() {
        while (!done) {
            synchronized (err) {
                err.print("\r" + line());
                err.flush();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        done = true;
        thread.interrupt();
        try {
            thread.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            err.print("\r" + " ".repeat(line().length() + 4) + "\r");
            err.flush();
        }
    }
}
