package dev.pidbox.cli;

import dev.pidbox.spi.Threads;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The terminal while {@code pidbox top} draws on it: the alternate screen with the cursor hidden and line wrap off,
 * the keyboard in non-canonical mode without echo (through {@code stty} on {@code /dev/tty}, whose settings are
 * saved first), a thread that hands each key pressed to a queue, and, whatever way the program ends (q, Ctrl-C, a
 * kill, an exception), the saved settings, the cursor, line wrap and the normal screen put back, once. Ctrl-Z puts
 * them back too before the process stops, and takes the terminal again when it continues. A change of the window's
 * size (SIGWINCH) asks for a redraw.
 */
final class TopTerminal implements AutoCloseable {
    static final String ALTERNATE_SCREEN = "\u001b[?1049h";
    static final String NORMAL_SCREEN = "\u001b[?1049l";
    static final String HIDE_CURSOR = "\u001b[?25l";
    static final String SHOW_CURSOR = "\u001b[?25h";
    static final String WRAP_OFF = "\u001b[?7l";
    static final String WRAP_ON = "\u001b[?7h";
    private static final String HOME = "\u001b[H";
    private static final String CLEAR_LINE_END = "\u001b[K";
    private static final String CLEAR_SCREEN_END = "\u001b[J";
    private static final File TTY = new File("/dev/tty");

    /** Put in the key queue after top comes back from Ctrl-Z and when the window changes size: draw again at once. */
    static final int REDRAW = -2;

    private final PrintWriter out;
    private final String saved;
    private final boolean raw;
    private final BlockingQueue<Integer> keys;
    private final AtomicBoolean restored = new AtomicBoolean();
    private final Thread hook;
    private final Handler suspend;
    private final Handler resize;
    private volatile boolean closed;
    /** Between Ctrl-Z and the shell's {@code fg}: nothing is drawn. Guarded by {@code this}. */
    private boolean suspended;

    private TopTerminal(PrintWriter out, BlockingQueue<Integer> keys) {
        this.out = out;
        this.keys = keys;
        this.saved = stty("-g");
        this.raw = saved != null && stty("-icanon", "-echo", "min", "0", "time", "1") != null;
        if (raw) {
            Threads.start("pidbox-top-keys", () -> readKeys(keys));
        }
        this.hook = new Thread(this::restore, "pidbox-top-restore");
        Runtime.getRuntime().addShutdownHook(hook);
        out.print(ALTERNATE_SCREEN + HIDE_CURSOR + WRAP_OFF + HOME + CLEAR_SCREEN_END);
        out.flush();
        this.suspend = on("TSTP", this::suspend);
        this.resize = on("WINCH", () -> keys.add(REDRAW));
    }

    /**
     * Takes over the terminal; keys pressed go to {@code keys}. Without {@code stty} or {@code /dev/tty} the screen
     * still works, the keys do not.
     */
    static TopTerminal open(PrintWriter out, BlockingQueue<Integer> keys) {
        return new TopTerminal(out, keys);
    }

    /** Draws a frame over the last one, from the top left, clearing what the last one left beyond it. */
    synchronized void draw(String frame) {
        if (suspended || restored.get()) {
            return;
        }
        out.print(HOME + frame.replace("\n", CLEAR_LINE_END + "\n") + CLEAR_SCREEN_END);
        out.flush();
    }

    /**
     * Ctrl-Z: gives the shell its terminal back as it was, stops this process (SIGSTOP, which the default action of
     * Ctrl-Z would have done), and, once the shell continues it ({@code fg}), takes the terminal again and asks for
     * a redraw.
     */
    private void suspend() {
        synchronized (this) {
            if (restored.get()) {
                return;
            }
            suspended = true;
            leave();
        }
        try {
            Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).start();
            stop.waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(50); // the stop takes effect here; what follows runs after SIGCONT
        } catch (IOException e) {
            // no kill command: go on drawing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (restored.get()) {
                return;
            }
            if (raw) {
                stty("-icanon", "-echo", "min", "0", "time", "1");
            }
            out.print(ALTERNATE_SCREEN + HIDE_CURSOR + WRAP_OFF + HOME + CLEAR_SCREEN_END);
            out.flush();
            suspended = false;
        }
        keys.add(REDRAW);
    }

    /** The cursor, line wrap, the normal screen and the saved stty settings back. */
    private void leave() {
        out.print(WRAP_ON + SHOW_CURSOR + NORMAL_SCREEN);
        out.flush();
        if (saved != null) {
            stty(saved.trim());
        }
    }

    /** The terminal's height in lines, or 0 when unknown. */
    int height() {
        String size = stty("size");
        if (size == null) {
            return 0;
        }
        String[] parts = size.trim().split("\\s+");
        try {
            return parts.length == 2 ? Integer.parseInt(parts[0]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void readKeys(BlockingQueue<Integer> keys) {
        // With "min 0 time 1" a read returns after a tenth of a second without a key (-1 here), so the loop sees close.
        try (InputStream in = new FileInputStream(TTY)) {
            while (!closed) {
                int b = in.read();
                if (b >= 0 && !closed) {
                    keys.add(b);
                }
            }
        } catch (IOException e) {
            // no keyboard: the screen goes on without keys
        }
    }

    /** Puts the terminal back as it was; the first call does it, later ones (the shutdown hook) do nothing. */
    void restore() {
        synchronized (this) {
            if (!restored.compareAndSet(false, true)) {
                return;
            }
            closed = true;
            if (!suspended) {
                leave();
            }
        }
    }

    @Override
    public void close() {
        restore();
        suspend.close();
        resize.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs, and does nothing
        }
    }

    /** Runs {@code stty} on the controlling terminal; its output, or null when it failed. */
    static String stty(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(output, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A signal handler in place until closed. */
    interface Handler extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs {@code action} on Ctrl-C (SIGINT) instead of the JVM's default (exit 130), until closed; the handler
     * before it comes back then. Where the JVM allows no handler, Ctrl-C ends it as usual and the shutdown hook
     * still restores the terminal.
     */
    static Handler onInterrupt(Runnable action) {
        return on("INT", action);
    }

    /** Runs {@code action} on the signal until closed (on a thread the JVM starts); nothing where not allowed. */
    private static Handler on(String name, Runnable action) {
        Signal signal = new Signal(name);
        SignalHandler before;
        try {
            before = Signal.handle(signal, s -> action.run());
        } catch (IllegalArgumentException e) {
            return () -> { };
        }
        return () -> Signal.handle(signal, before);
    }
}
