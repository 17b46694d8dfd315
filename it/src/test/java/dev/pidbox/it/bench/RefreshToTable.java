package dev.pidbox.it.bench;

import static dev.pidbox.it.bench.PidboxBenchmark.ms;
import static dev.pidbox.it.bench.PidboxBenchmark.percentile;

import dev.pidbox.cli.console.Console;
import dev.pidbox.it.bench.SseProbe.Arrival;
import dev.pidbox.it.console.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.openqa.selenium.OutputType;

/**
 * From a refresh to the browser's updated table: {@link ConsoleBenchmark#REFRESHES} refreshes, each started
 * {@link ConsoleBenchmark#EVERY} after the previous one started (or at once when that one took longer), timed from
 * the wall time {@code refreshNow} was called to the {@code rendered_at_ms} the page recorded for that refresh in
 * {@code window.pidboxRenders}, split into the gather (the document's {@code elapsed_ms}), the push (to the data
 * line's arrival in a plain Java client of the same event stream) and the browser's parse and render (the rest).
 */
final class RefreshToTable {
    /** One refresh as timed. */
    record Sample(long refresh, long calledAtMs, long gatherMs, long sseAtMs, long renderedAtMs, int chars) {
        double total() {
            return renderedAtMs - calledAtMs;
        }

        double sse() {
            return sseAtMs - calledAtMs;
        }

        double push() {
            return sseAtMs - calledAtMs - gatherMs;
        }

        double render() {
            return renderedAtMs - sseAtMs;
        }
    }

    private final ConsoleBenchmark bench;
    private final Console console;
    private final SseProbe probe;

    RefreshToTable(ConsoleBenchmark bench, Console console, SseProbe probe) {
        this.bench = bench;
        this.console = console;
        this.probe = probe;
    }

    void run(Browser browser) throws Exception {
        if (browser != null) {
            awaitRows(browser, Duration.ofSeconds(60));
        }
        List<Sample> samples = new ArrayList<>();
        List<long[]> timed = new ArrayList<>();
        List<Double> loopInterval = new ArrayList<>();
        long next = System.currentTimeMillis();
        for (int i = 0; i < ConsoleBenchmark.REFRESHES; i++) {
            Duration every = ConsoleBenchmark.EVERY;
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long before = probe.last();
            long called = System.currentTimeMillis();
            console.refreshNow(every);
            Arrival a = probe.awaitAfter(before, Duration.ofSeconds(10));
            if (a == null) {
                throw new AssertionError("the event stream carried no fleet event after refresh " + before);
            }
            timed.add(new long[] {a.refresh(), called, a.elapsedMs(), a.arrivedAtMs(), a.chars()});
            loopInterval.add((double) bench.interval(console).toMillis());
            next = called + every.toMillis();
        }
        Thread.sleep(1500);
        Map<Long, Long> rendered = browser == null ? Map.of() : renders(browser);
        for (long[] t : timed) {
            Long r = rendered.get(t[0]);
            samples.add(new Sample(t[0], t[1], t[2], t[3], r == null ? -1 : r, (int) t[4]));
        }
        report(samples, browser);
        double[] li = loopInterval.stream().mapToDouble(Double::doubleValue).toArray();
        bench.row("the interval the console's own loop would choose after each of these refreshes (/api/session)",
                "median " + ms(PidboxBenchmark.median(loopInterval)) + ", max " + ms(percentile(li, 100)), ms(
                ConsoleBenchmark.EVERY.toMillis()) + " (its rule for 1000 nodes)", "-",
                "what the console's own loop would wait; the benchmark paces at its fleet-size rule");
    }

    private void report(List<Sample> samples, Browser browser) throws Exception {
        String how = ConsoleBenchmark.REFRESHES + " refreshes " + ConsoleBenchmark.EVERY.toMillis() / 1000.0
                + " s apart, after warm-up";
        List<Sample> quick = new ArrayList<>();
        List<Sample> discovery = new ArrayList<>();
        List<Sample> rendered = new ArrayList<>();
        for (Sample s : samples) {
            if (s.renderedAtMs() <= 0) {
                continue; // the page's EventSource was reopening its stream (the console had dropped it)
            }
            rendered.add(s);
            // Every fifth refresh (the document's number minus one divisible by 5) is a discovery refresh: it waits
            // its whole deadline, 3/4 of the interval, for nodes not seen before.
            ((s.refresh() - 1) % 5 == 0 ? discovery : quick).add(s);
        }
        String unrendered = rendered.size() == samples.size() ? "" : "; " + (samples.size() - rendered.size())
                + " of " + samples.size() + " never rendered (the page was reopening its event stream)";
        if (browser != null) {
            bench.row("refresh to browser table updated, " + ConsoleBenchmark.NODES + " rows (" + how + ")",
                    rendered.isEmpty() ? "no refresh rendered" : spread(rendered, Sample::total) + unrendered, "-",
                    "-", "refreshNow called → rendered_at_ms (window.pidboxRenders)");
            bench.row("  quick refreshes (" + quick.size() + "): gather / push / browser parse+render (medians)",
                    !quick.isEmpty() ? spread(quick, Sample::total) + "; " + ms(median(quick, Sample::gatherMs))
                            + " / " + ms(median(quick, Sample::push)) + " / " + ms(median(quick, Sample::render))
                            : "-", "-", "-", "gather = elapsed_ms; push = SSE arrival − call − gather");
            bench.row("  discovery refreshes (" + discovery.size() + ", every fifth waits out its deadline)",
                    !discovery.isEmpty() ? spread(discovery, Sample::total) + "; gather "
                            + ms(median(discovery, Sample::gatherMs)) : "-", "-", "-", "-");
        }
        bench.row("control: the same refreshes' fleet event in a plain Java SSE client", spread(samples, Sample::sse)
                + "; quick " + (quick.isEmpty() ? "-" : ms(median(quick, Sample::sse))), "-", "-",
                "refreshNow called → data line read (java.net.http)");
        bench.note(String.format(Locale.ROOT, "fleet event: %.0f kB of JSON a refresh (median)",
                median(samples, Sample::chars) / 1000));
        StringBuilder raw = new StringBuilder("refresh-to-table samples (refresh: gather, sse, rendered ms after the"
                + " call):");
        for (Sample s : samples) {
            raw.append(String.format(Locale.ROOT, " %d: %d, %.0f, %s;", s.refresh(), s.gatherMs(), s.sse(),
                    s.renderedAtMs() > 0 ? String.format(Locale.ROOT, "%.0f", s.total()) : "not rendered"));
        }
        bench.note(raw.append(" load average after them ").append(ConsoleBenchmark.loadAverage()).toString());
        bench.note("the Java event-stream client had been opened " + probe.streams() + " times by the end of the timed"
                + " refreshes (more than once: the console ended its stream and it reopened it, as EventSource does)");
        if (browser != null) {
            Object shown = browser.script("return [document.querySelectorAll('table#fleet tr[data-node]').length,"
                    + " document.querySelectorAll('table#fleet tr[data-node][data-state=\"answering\"]').length,"
                    + " document.querySelectorAll('table#fleet tr[data-node][data-state=\"slow\"]').length,"
                    + " document.body.dataset.refresh];");
            List<?> v = (List<?>) shown;
            long last = samples.get(samples.size() - 1).refresh();
            int rows = ((Number) v.get(0)).intValue();
            int answering = ((Number) v.get(1)).intValue();
            int slow = ((Number) v.get(2)).intValue();
            boolean ok = rows == ConsoleBenchmark.NODES && answering + slow == ConsoleBenchmark.NODES
                    && String.valueOf(last).equals(String.valueOf(v.get(3)));
            bench.row("fleet page after the run", rows + " rows: " + answering + " answering, " + slow + " slow"
                    + " (answered in over 1 s), data-refresh " + v.get(3), ConsoleBenchmark.NODES
                    + " rows answering, data-refresh " + last, "-", !ok ? "NOT AS EXPECTED" : slow == 0
                    ? "as expected" : "every node shown and answering, some slowly");
            Path shot = Paths.get("target", "console-bench-fleet.png");
            Files.copy(browser.driver().getScreenshotAs(OutputType.FILE).toPath(), shot,
                    StandardCopyOption.REPLACE_EXISTING);
            if (!ok) {
                throw new AssertionError("the fleet page shows " + v + ", not " + ConsoleBenchmark.NODES
                        + " answering rows at refresh " + last);
            }
        }
    }

    /** Waits until the page shows every node as a row. */
    private static void awaitRows(Browser browser, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        Object n = null;
        while (System.nanoTime() < end) {
            n = browser.script("return document.querySelectorAll('table#fleet tr[data-node]').length;");
            if (n instanceof Number && ((Number) n).intValue() >= ConsoleBenchmark.NODES) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the fleet page showed " + n + " rows, not " + ConsoleBenchmark.NODES);
    }

    /** The page's render records: refresh number to rendered_at_ms. */
    private static Map<Long, Long> renders(Browser browser) {
        Object list = browser.script(
                "return (window.pidboxRenders || []).map(r => [r.refresh, r.rendered_at_ms]);");
        Map<Long, Long> out = new HashMap<>();
        for (Object o : (List<?>) list) {
            List<?> pair = (List<?>) o;
            out.put(((Number) pair.get(0)).longValue(), ((Number) pair.get(1)).longValue());
        }
        return out;
    }

    private static String spread(List<Sample> samples, ToDoubleFunction<Sample> f) {
        double[] v = samples.stream().mapToDouble(f).toArray();
        return "median " + ms(median(samples, f)) + ", p95 " + ms(percentile(v, 95)) + ", max "
                + ms(percentile(v, 100));
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
        return PidboxBenchmark.median(samples.stream().map(s -> f.applyAsDouble(s)).collect(Collectors.toList()));
    }
}
