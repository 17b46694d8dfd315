package dev.pidbox.cli;

import dev.pidbox.fleet.GatherProgress;
import dev.pidbox.spi.Threads;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A live "replies n/expected, elapsed" line on stderr, drawn from a gather's {@link GatherProgress} and redrawn
 * while it runs; off when not a terminal.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final GatherProgress progress;
    private final String label;
    private final Thread thread;
    private volatile boolean done;

    private Progress(PrintWriter err, GatherProgress progress, boolean enabled, String label) {
        this.err = err;
        this.progress = progress;
        this.label = label;
        if (enabled) {
            thread = Threads.start("pidbox-progress", this::loop);
        } else {
            thread = null;
        }
    }

    /** Draws {@code progress} (when {@code enabled}) until closed. */
    static Progress start(PrintWriter err, GatherProgress progress, boolean enabled) {
        return new Progress(err, progress, enabled, "");
    }

    /** The same, each line led by {@code label} (e.g. {@code "rollout step 2/3 (batch 1): "}). */
    static Progress start(PrintWriter err, GatherProgress progress, boolean enabled, String label) {
        return new Progress(err, progress, enabled, label);
    }

    /** Draws a progress of its own against {@code expected} (-1: unknown), counted with {@link #reply()}. */
    static Progress start(PrintWriter err, int expected, boolean enabled) {
        return start(err, new GatherProgress(expected), enabled);
    }

    void reply() {
        progress.reply();
    }

    String line() {
        int expected = progress.expected();
        return label + String.format(Locale.ROOT, "replies %d/%s, elapsed %.1fs", progress.replies(),
                expected < 0 ? "?" : Integer.toString(expected), progress.elapsed().toNanos() / 1e9);
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
