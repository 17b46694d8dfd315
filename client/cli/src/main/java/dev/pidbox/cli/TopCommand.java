package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.PidboxException;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Gather;
import dev.pidbox.spi.Threads;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pidbox top}: gathers {@code vitals} from the selected nodes every interval and shows one row per node. On
 * a terminal it redraws a full screen in place and reads keys; otherwise (or with {@code --count}) it prints one
 * snapshot after another; {@code --once} prints one and exits with the usual exit codes.
 */
@Command(name = "top", description = {"A live view of the selected nodes' CPU, heap, threads and GC, refreshed every"
        + " --interval (the vitals command).",
    "Keys on a terminal: c cpu, h heap, t threads, g gc, n name (the sort), q quit (or Ctrl-C)."})
final class TopCommand extends Base {
    /** Put in the key queue by Ctrl-C. */
    private static final int QUIT = -1;
    /** Put in the key queue when a gather of the full screen is done. */
    private static final int GATHERED = -3;
    private static final Duration SHORTEST = Duration.ofMillis(100);

    @Mixin
    Options.Selectors selectors;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "time between refreshes (default 2s); each gather waits --timeout, by default 3/4 of the"
                    + " interval (3/8 with --where, which gathers twice)")
    String interval;

    @Option(names = "--sort", paramLabel = "cpu|heap|threads|gc|name", defaultValue = "cpu",
            description = "the column to sort by, largest first (default cpu); keys change it on a terminal")
    String sort;

    @Option(names = "--once", description = "print one snapshot and exit (exit 3 when an expected node is missing)")
    boolean once;

    @Option(names = "--count", paramLabel = "N",
            description = "print N snapshots one after another and exit (no full screen, like top -b -n N)")
    Integer count;


    @Override
    int run() throws InterruptedException {
        Duration every = Durations.parse(interval);
        if (every.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("--interval must be at least 100ms, got " + interval);
        }
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        }
        if (once && count != null) {
            throw new IllegalArgumentException("use either --once or --count, not both");
        }
        if (groupBy() != null) {
            throw new IllegalArgumentException("--group-by does not apply to top");
        }
        TopView.Sort order = TopView.Sort.parse(sort);
        Options.Format format = format();
        selectors.selector();
        // By default a refresh ends within the interval: 3/4 of it for the gather, halved when --where first
        // gathers runtime to match tags (that takes a deadline of its own). PIDBOX_TIMEOUT is for one-shot commands.
        Duration timeout = selectors.timeout != null ? timeout(selectors)
                : every.multipliedBy(3).dividedBy(selectors.where.isEmpty() ? 4 : 8);
        boolean terminal = root().terminal.getAsBoolean();
        try (Session session = openSession()) {
            if (once) {
                return once(session, order, timeout, every, terminal);
            }
            BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();
            try (TopTerminal.Handler interrupt = TopTerminal.onInterrupt(() -> keys.add(QUIT))) {
                if (terminal && !root().settings.dumbTerminal() && format == Options.Format.TABLE && count == null) {
                    return screen(session, order, timeout, every, keys);
                }
                return stream(session, order, timeout, every, terminal, keys);
            }
        }
    }

    /** One gather of {@code vitals}; null when {@code --where} matched nobody (then nothing was sent). */
    private CallResult gather(Session session, Duration timeout, boolean progress) {
        Gather gather = session.fleet.gather("vitals").select(selectors.selector()).timeout(timeout)
                .limit(selectors.limit).expect(selectors.expect).prepare();
        if (gather.selectsNobody()) {
            return null;
        }
        try (Progress p = Progress.start(err(), gather.progress(), progress)) {
            return gather.run(null);
        }
    }

    /**
     * One refresh: when it was sent, the gather's result (null when it failed), why it failed, and the forged replies
     * it set apart.
     */
    private record Refresh(Instant sent, CallResult result, String trouble, List<String> forged) {
    }

    /**
     * One refresh's gather. A broker failure on the first ends top (exit 4, as any command); on a later one top keeps
     * its last snapshot, says why and tries again next interval: the connection recovers by itself. A gather the
     * broker blocked (nothing answered) is such a failure too: the request may never have left, so silence says
     * nothing about the nodes and none is marked missing.
     */
    private Refresh refresh(Session session, Duration timeout, boolean progress, boolean first) {
        Instant sent = Instant.now();
        try {
            CallResult result = orNothing(gather(session, timeout, progress));
            if (result.brokerBlocked() != null && result.replies().isEmpty()) {
                return new Refresh(sent, null, Mailbox.blockedMessage(result.brokerBlocked())
                        + "; the nodes were not necessarily asked", List.of());
            }
            List<String> forged = new ArrayList<>();
            for (CallResult.Forgery f : result.forgeries()) {
                forged.add("FORGED reply claiming to be " + f.node() + " ignored: " + f.reason());
            }
            return new Refresh(sent, result, null, forged);
        } catch (PidboxException e) {
            if (first) {
                throw e;
            }
            return new Refresh(sent, null, e.getMessage(), List.of());
        }
    }

    /**
     * The screen of {@code height} lines (0: unknown), and at its foot why the last refresh failed, if it did, and
     * the forged replies it set apart.
     */
    private String frame(TopSnapshot previous, TopSnapshot current, TopView.Sort sortBy, Duration every, int height,
            Refresh last) {
        int foot = (last.result() == null ? 2 : 0) + last.forged().size();
        TopView.Layout layout = layout(sortBy, every, true, height <= 0 ? 0 : Math.max(1, height - foot));
        StringBuilder screen = new StringBuilder(TopView.render(previous, current, layout));
        if (last.result() == null) {
            screen.append('\n').append(layout.style().red("pidbox: " + last.trouble() + "; the rows are from the last"
                    + " refresh that worked; trying again in " + TopView.every(layout.interval()))).append('\n');
        }
        for (String f : last.forged()) {
            screen.append(layout.style().red("pidbox: " + f)).append('\n');
        }
        return screen.toString();
    }

    /** An answer from nobody, for a refresh whose --where matched no node. */
    private static CallResult orNothing(CallResult result) {
        return result != null ? result
                : new CallResult(null, List.<Reply>of(), List.<String>of(), 0, Duration.ZERO, false);
    }

    private TopView.Layout layout(TopView.Sort order, Duration every, boolean interactive, int height) {
        return new TopView.Layout(order, style(), Instant.now(), ZoneId.systemDefault(), every,
                interactive, height);
    }

    private int once(Session session, TopView.Sort order, Duration timeout, Duration every, boolean terminal) {
        Instant sent = Instant.now();
        CallResult result = gather(session, timeout, terminal);
        if (result == null) {
            return noTagMatch(selectors);
        }
        warn(result);
        TopSnapshot snapshot = TopSnapshot.empty(session.namespace).next(sent, result);
        print(null, snapshot, layout(order, every, false, 0));
        return Render.exitCode(result);
    }

    /** Prints a snapshot as the output format asks: the table (header line first), or JSON. */
    private void print(TopSnapshot previous, TopSnapshot current, TopView.Layout layout) {
        PrintWriter out = out();
        switch (format()) {
            case JSON -> printJson(TopView.document(current, layout.sort()));
            case NDJSON -> out.println(json(TopView.document(current, layout.sort())));
            default -> out.print(TopView.render(previous, current, layout));
        }
        out.flush();
    }

    /** Snapshots one after another until --count or Ctrl-C; the exit code says how the last one went. */
    private int stream(Session session, TopView.Sort order, Duration timeout, Duration every, boolean terminal,
            BlockingQueue<Integer> keys) throws InterruptedException {
        TopSnapshot current = TopSnapshot.empty(session.namespace);
        String trouble = null;
        for (int i = 0; count == null || i < count; i++) {
            long started = System.nanoTime();
            Refresh refresh = refresh(session, timeout, terminal && i == 0, i == 0);
            CallResult result = refresh.result();
            trouble = refresh.trouble();
            if (result == null) {
                err().println("pidbox: " + trouble + "; trying again in " + TopView.every(every));
                err().flush();
            } else {
                warn(result);
                TopSnapshot previous = current;
                current = current.next(refresh.sent(), result);
                if (i > 0 && format() == Options.Format.TABLE) {
                    out().println();
                }
                print(previous, current, layout(order, every, false, 0));
            }
            if (count != null && i + 1 == count) {
                break;
            }
            Integer key = keys.poll(started + every.toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (key != null && key == QUIT) {
                return Render.OK;
            }
        }
        if (trouble != null) {
            return Render.BROKER;
        }
        if (current.count(TopSnapshot.Status.MISSING) > 0) {
            return Render.MISSING;
        }
        return current.count(TopSnapshot.Status.ERROR) > 0 ? Render.ERRORS : Render.OK;
    }

    /**
     * The full screen: redrawn every interval and on each sort key, until q or Ctrl-C (exit 0). Each gather runs on a
     * thread of its own and says it is done through the key queue, so that keys, Ctrl-C and a resize are answered at
     * once, also while a gather waits for late nodes; closing the session on the way out ends that gather.
     */
    private int screen(Session session, TopView.Sort order, Duration timeout, Duration every,
            BlockingQueue<Integer> keys) throws InterruptedException {
        TopView.Sort sortBy = order;
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (TopTerminal term = TopTerminal.open(out(), keys)) {
            TopSnapshot previous = null;
            TopSnapshot current = TopSnapshot.empty(session.namespace);
            Refresh last = null;
            boolean first = true;
            boolean gathering = false;
            long next = System.nanoTime();
            while (true) {
                if (!gathering && System.nanoTime() - next >= 0) {
                    next = System.nanoTime() + every.toNanos();
                    gathering = true;
                    boolean progress = first;
                    Threads.start("pidbox-top-gather", () -> {
                        try {
                            outcome.set(refresh(session, timeout, progress, progress));
                        } catch (RuntimeException e) {
                            outcome.set(e);
                        }
                        keys.add(GATHERED);
                    });
                }
                Integer key = gathering ? keys.take() : keys.poll(next - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (key == null) {
                    continue;
                }
                if (key == QUIT || key == 'q' || key == 'Q') {
                    if (gathering && first) {
                        // End the first gather now, so that its progress line is wiped before the screen goes.
                        session.mailbox.close();
                        keys.poll(1, TimeUnit.SECONDS);
                    }
                    return Render.OK;
                }
                if (key == GATHERED) {
                    gathering = false;
                    first = false;
                    Object done = outcome.get();
                    if (done instanceof RuntimeException e) {
                        throw e;
                    }
                    last = (Refresh) done;
                    if (last.result() != null) {
                        previous = current;
                        current = current.next(last.sent(), last.result());
                    }
                } else if (TopView.Sort.ofKey(key) != null) {
                    sortBy = TopView.Sort.ofKey(key);
                } else if (key != TopTerminal.REDRAW) {
                    continue;
                }
                if (!first) {
                    term.draw(frame(previous, current, sortBy, every, term.height(), last));
                }
            }
        }
    }
}
