package dev.pidbox.it.bench;

import com.rabbitmq.client.Connection;
import dev.pidbox.Mailbox;
import dev.pidbox.cli.console.Console;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.it.bench.ConsoleBenchmark.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The console's retained heap over an hour of refreshes compressed into the run: a fresh console (its own mailbox
 * and fleet) over the live 1000-node fleet, refreshed back to back as if {@link ConsoleBenchmark#EVERY} apart (2 s
 * for 1000 nodes: 1800 refreshes an hour), its clock advanced by that interval before each refresh, until the
 * simulated time reaches {@link ConsoleBenchmark#SIM_MINUTES} or the wall-clock budget
 * {@link ConsoleBenchmark#HEAP_BUDGET_S} runs out. Retained heap: this JVM's used heap after several collections,
 * minus the same taken just before the console started.
 */
final class ConsoleHeap {
    /** One measurement. */
    record Point(String label, int refreshes, double simulatedMinutes, double wallSeconds, long retainedBytes,
            Map<String, Object> figures) {
    }

    private final ConsoleBenchmark bench;
    private final Connection connection;
    private final String namespace;
    private final List<Point> points = new ArrayList<>();

    ConsoleHeap(ConsoleBenchmark bench, Connection connection, String namespace, String token) {
        this.bench = bench;
        this.connection = connection;
        this.namespace = namespace;
    }

    void run() throws Exception {
        long baseline = ConsoleBenchmark.retainedHeap();
        SimClock clock = new SimClock(Instant.now());
        long wallStart = System.nanoTime();
        long wallEnd = wallStart + TimeUnit.SECONDS.toNanos(ConsoleBenchmark.HEAP_BUDGET_S);
        long simEnd = TimeUnit.MINUTES.toMillis(ConsoleBenchmark.SIM_MINUTES);
        long simulated = 0;
        int n = 0;
        boolean tenMinutes = false;
        boolean known = false;
        int waited = 0;
        try (Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
                Console console = bench.start(Map.of(namespace, Fleet.of(mailbox)), clock)) {
            while (simulated < simEnd && System.nanoTime() < wallEnd) {
                Duration every = ConsoleBenchmark.EVERY;
                clock.advance(every);
                long t = System.nanoTime();
                console.refreshNow(every);
                if (System.nanoTime() - t > every.toNanos() / 2) {
                    waited++;
                }
                simulated += every.toMillis();
                n++;
                if (!known && ((Number) console.figures().get("nodes")).intValue() >= ConsoleBenchmark.NODES) {
                    known = true;
                    point("start (first refresh that knew all " + ConsoleBenchmark.NODES + " nodes)", baseline, n,
                            simulated, wallStart, console);
                } else if (!tenMinutes && simulated >= TimeUnit.MINUTES.toMillis(10)) {
                    tenMinutes = true;
                    point("10 simulated minutes", baseline, n, simulated, wallStart, console);
                } else if (n == 360) {
                    point("history rings full (360 refreshes)", baseline, n, simulated, wallStart, console);
                } else if (simulated % TimeUnit.MINUTES.toMillis(15) == 0 && simulated < simEnd) {
                    point(simulated / 60_000 + " simulated minutes", baseline, n, simulated, wallStart, console);
                }
            }
            point(simulated >= simEnd ? ConsoleBenchmark.SIM_MINUTES + " simulated minutes" : "end of the wall-clock"
                    + " budget", baseline, n, simulated, wallStart, console);
        }
        report(n, simulated, waited, simEnd);
    }

    private void point(String label, long baseline, int n, long simulatedMs, long wallStart, Console console)
            throws InterruptedException {
        long retained = ConsoleBenchmark.retainedHeap() - baseline;
        Point p = new Point(label, n, simulatedMs / 60_000.0, (System.nanoTime() - wallStart) / 1e9, retained,
                console.figures());
        points.add(p);
        bench.note(String.format(Locale.ROOT, "heap point: %s: %d refreshes, %.1f simulated min, %.0f s wall,"
                + " retained %.1f MB, %s", label, n, p.simulatedMinutes(), p.wallSeconds(), mb(retained),
                p.figures()));
    }

    private void report(int n, long simulatedMs, int waited, long simEnd) {
        for (Point p : points) {
            Object nodes = p.figures().get("nodes");
            double per1000 = nodes instanceof Number && ((Number) nodes).intValue() > 0
                    ? mb(p.retainedBytes()) * 1000 / ((Number) nodes).doubleValue() : Double.NaN;
            bench.row(String.format(Locale.ROOT, "console retained heap, %s (%d refreshes, %.0f simulated min)",
                    p.label(), p.refreshes(), p.simulatedMinutes()),
                    String.format(Locale.ROOT, "%.1f MB (%.1f MB per 1000 nodes)", mb(p.retainedBytes()), per1000),
                    "-", "-", "journal " + p.figures().get("journal_entries") + " entries, "
                            + p.figures().get("nodes") + " nodes");
        }
        Point ringFull = null;
        for (Point p : points) {
            if (p.refreshes() >= 360 && ringFull == null) {
                ringFull = p;
            }
        }
        Point last = points.get(points.size() - 1);
        if (ringFull != null && ringFull != last) {
            bench.row("console heap growth after the history rings filled", String.format(Locale.ROOT,
                    "%+.1f MB over %d more refreshes", mb(last.retainedBytes() - ringFull.retainedBytes()),
                    last.refreshes() - ringFull.refreshes()), "0 (bounded)", "-", "-");
        }
        bench.note(String.format(Locale.ROOT, "simulated hour: %d refreshes back to back, %.1f simulated minutes of"
                + " %d, in %.0f s of wall time; %d of them waited out their deadline (discovery refreshes);"
                + " the console's clock advanced by the interval before each; load average after %s",
                n, simulatedMs / 60_000.0, simEnd / 60_000, last.wallSeconds(), waited, ConsoleBenchmark.loadAverage()));
    }

    private static double mb(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }
}
