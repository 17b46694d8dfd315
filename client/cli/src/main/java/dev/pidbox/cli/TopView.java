package dev.pidbox.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code pidbox top}'s screen and JSON document, as pure functions of the previous and the current
 * {@link TopSnapshot}, the sort, the style and the time: no I/O, so that golden tests pin the output.
 */
final class TopView {
    /** The columns a user can sort by, with the key that picks each. */
    enum Sort {
        CPU('c'), HEAP('h'), THREADS('t'), GC('g'), NAME('n');

        final char key;

        Sort(char key) {
            this.key = key;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The sort a key picks, or null. */
        static Sort ofKey(int key) {
            for (Sort s : values()) {
                if (s.key == Character.toLowerCase(key)) {
                    return s;
                }
            }
            return null;
        }

        static Sort parse(String text) {
            for (Sort s : values()) {
                if (s.label().equals(text.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("invalid --sort '" + text + "': use cpu, heap, threads, gc or name");
        }
    }

    /**
     * How to draw: the sort, the style, the clock and zone, the refresh interval, whether keys work (a terminal),
     * and how many lines the screen has for this view (0: no limit); the view leaves the last of them empty.
     */
    record Layout(Sort sort, Style style, Instant now, ZoneId zone, Duration interval, boolean interactive,
            int height) {
    }

    static final List<String> HEADERS = List.of("NODE", "CPU%", "HEAP_MIB", "HEAP%", "THREADS", "GC_MS", "GC",
            "UPTIME", "AGE", "NOTE");
    /** Columns whose change since the last refresh is highlighted (CPU% .. GC). */
    private static final int FIRST_VALUE = 1;
    private static final int LAST_VALUE = 6;
    /** NODE and NOTE left-aligned, the figures right-aligned. */
    private static final String ALIGN = "LRRRRRRRRL";
    private static final int NOTE = 9;
    static final String KEYS = "keys: c cpu  h heap  t threads  g gc  n name  q quit";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);
    private static final double MIB = 1024.0 * 1024.0;

    private TopView() {
    }

    /** The whole screen: the header line (and keys), a blank line, the table. */
    static String render(TopSnapshot previous, TopSnapshot current, Layout layout) {
        StringBuilder sb = new StringBuilder();
        sb.append(header(current, layout)).append('\n');
        if (layout.interactive()) {
            sb.append(layout.style().dim(KEYS)).append('\n');
        }
        sb.append('\n');
        List<TopSnapshot.Row> rows = sorted(current, layout.sort());
        if (rows.isEmpty()) {
            sb.append("no node answered vitals in namespace '").append(current.namespace).append("' yet\n");
            return sb.toString();
        }
        // The last line of the screen stays empty: a newline there would scroll the frame up by one.
        int room = layout.height() <= 0 ? Integer.MAX_VALUE
                : Math.max(1, layout.height() - 1 - (layout.interactive() ? 4 : 3));
        List<TopSnapshot.Row> shown = rows.size() <= room ? rows : rows.subList(0, Math.max(0, room - 1));
        List<List<String>> cells = new ArrayList<>();
        for (TopSnapshot.Row row : shown) {
            TopSnapshot.Row before = previous == null ? null : previous.rows.get(row.node);
            cells.add(styled(row, before, layout));
        }
        sb.append(Render.table(headers(layout), cells, ALIGN));
        if (shown.size() < rows.size()) {
            List<TopSnapshot.Row> hidden = rows.subList(shown.size(), rows.size());
            long missing = hidden.stream().filter(r -> r.status == TopSnapshot.Status.MISSING).count();
            sb.append("... ").append(hidden.size()).append(" more node").append(hidden.size() == 1 ? "" : "s")
                    .append(" not shown").append(missing > 0 ? " (" + missing + " missing)" : "")
                    .append(": a taller terminal, or --to/--glob/--where, shows them\n");
        }
        return sb.toString();
    }

    /** {@code pidbox top  2026-12-01 19:42:05 UTC  namespace jvm  nodes 3: 2 answering, 1 missing  sort cpu  every 2s}. */
    static String header(TopSnapshot s, Layout layout) {
        Style st = layout.style();
        int ok = s.count(TopSnapshot.Status.OK);
        int errors = s.count(TopSnapshot.Status.ERROR);
        int missing = s.count(TopSnapshot.Status.MISSING);
        StringBuilder sb = new StringBuilder(st.bold("pidbox top"));
        sb.append("  ").append(STAMP.format(layout.now().atZone(layout.zone())));
        sb.append("  namespace ").append(s.namespace);
        sb.append("  nodes ").append(s.rows.size()).append(": ").append(ok).append(" answering");
        if (errors > 0) {
            sb.append(", ").append(st.red(errors + (errors == 1 ? " error" : " errors")));
        }
        sb.append(", ").append(missing > 0 ? st.red(missing + " missing") : "0 missing");
        sb.append("  sort ").append(layout.sort().label());
        sb.append("  every ").append(every(layout.interval()));
        return sb.toString();
    }

    /** {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}. */
    static String every(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static List<String> headers(Layout layout) {
        int sorted = switch (layout.sort()) {
            case NAME -> 0;
            case CPU -> 1;
            case HEAP -> 2;
            case THREADS -> 4;
            case GC -> 5;
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < HEADERS.size(); i++) {
            out.add(i == sorted ? layout.style().bold(HEADERS.get(i)) : HEADERS.get(i));
        }
        return out;
    }

    /** Answering nodes by the sort (largest first, then by name), then error answers, then missing nodes. */
    static List<TopSnapshot.Row> sorted(TopSnapshot s, Sort sort) {
        Comparator<TopSnapshot.Row> byName = Comparator.comparing(r -> r.node);
        Comparator<TopSnapshot.Row> byStatus = Comparator.comparing(r -> r.status);
        Comparator<TopSnapshot.Row> byValue = switch (sort) {
            case NAME -> (a, b) -> 0;
            case CPU -> descending(r -> r.cpuPercent);
            case HEAP -> descending(r -> r.number("heap_used") == null ? null : r.number("heap_used").doubleValue());
            case THREADS -> descending(r -> r.number("threads") == null ? null : r.number("threads").doubleValue());
            case GC -> TopView.<TopSnapshot.Row>descending(r -> r.gcMillis == null ? null : r.gcMillis.doubleValue())
                    .thenComparing(descending(r -> r.gcCount == null ? null : r.gcCount.doubleValue()));
        };
        List<TopSnapshot.Row> rows = new ArrayList<>(s.rows.values());
        rows.sort(byStatus.thenComparing((a, b) -> a.status == TopSnapshot.Status.OK ? byValue.compare(a, b) : 0)
                .thenComparing(byName));
        return rows;
    }

    private static <T> Comparator<T> descending(Function<T, Double> key) {
        return (a, b) -> {
            Double x = key.apply(a);
            Double y = key.apply(b);
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : 1) : -1;
            }
            return Double.compare(y, x);
        };
    }

    /** A row's cells as plain text. */
    static List<String> cells(TopSnapshot.Row r, Instant now, ZoneId zone) {
        boolean ok = r.status == TopSnapshot.Status.OK;
        List<String> c = new ArrayList<>();
        c.add(r.node);
        c.add(ok ? percent(r.cpuPercent) : "-");
        Long used = ok ? r.number("heap_used") : null;
        c.add(used == null ? "-" : String.format(Locale.ROOT, "%.0f", used / MIB));
        c.add(ok ? percent(r.heapPercent()) : "-");
        c.add(ok ? text(r.number("threads")) : "-");
        c.add(ok ? text(r.gcMillis) : "-");
        c.add(ok ? text(r.gcCount) : "-");
        Long uptime = ok ? r.number("uptime_ms") : null;
        c.add(uptime == null ? "-" : compact(Duration.ofMillis(uptime)));
        c.add(r.lastAnswer == null ? "-" : age(Duration.between(r.lastAnswer, now)));
        c.add(note(r, zone));
        return c;
    }

    private static List<String> styled(TopSnapshot.Row row, TopSnapshot.Row before, Layout layout) {
        List<String> now = cells(row, layout.now(), layout.zone());
        Style st = layout.style();
        boolean compare = before != null && before.status == TopSnapshot.Status.OK && row.status == TopSnapshot.Status.OK;
        List<String> old = compare ? cells(before, layout.now(), layout.zone()) : null;
        List<String> out = new ArrayList<>(now);
        for (int i = FIRST_VALUE; i <= LAST_VALUE && old != null; i++) {
            if (!now.get(i).equals(old.get(i)) && !old.get(i).equals("-")) {
                out.set(i, st.reverse(now.get(i)));
            }
        }
        if (row.status != TopSnapshot.Status.OK) {
            out.set(NOTE, st.red(now.get(NOTE)));
        }
        return out;
    }

    static String note(TopSnapshot.Row r, ZoneId zone) {
        switch (r.status) {
            case MISSING:
                return "missing since " + CLOCK.format(r.missingSince.atZone(zone))
                        + (r.lastAnswer == null ? ", never answered" : "");
            case ERROR:
                return "error: " + friendly(r.error);
            default:
                return "";
        }
    }

    /**
     * The error text, explained when it says the node has no {@code vitals} command: an agent from before it, one
     * started with {@code deny=vitals} (a denied handler is not registered), or a kombu or Celery node.
     */
    static String friendly(String error) {
        boolean unknown = error.contains("KeyError('vitals')") || error.contains("No such control command")
                || error.contains("unknown command");
        String text = Render.cell(error);
        return unknown ? "unknown command vitals (an older agent, deny=vitals, or a Celery worker): " + text : text;
    }

    private static String percent(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String text(Long value) {
        return value == null ? "-" : Long.toString(value);
    }

    /** {@code 42s}, {@code 12m05s}, {@code 3h07m}, {@code 2d04h}. */
    static String compact(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }

    /** How old an answer is: tenths of a second under 10 s, then as {@link #compact}. */
    static String age(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0) : compact(d);
    }

    /** The snapshot as {@code -o json}: counts, then one entry per node in the sort's order. */
    static Map<String, Object> document(TopSnapshot s, Sort sort) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("namespace", s.namespace);
        doc.put("at", s.at == null ? null : s.at.toString());
        doc.put("sort", sort.label());
        doc.put("answering", s.count(TopSnapshot.Status.OK));
        doc.put("errors", s.count(TopSnapshot.Status.ERROR));
        doc.put("missing", s.names(TopSnapshot.Status.MISSING));
        doc.put("elapsed_ms", s.elapsed.toMillis());
        List<Object> nodes = new ArrayList<>();
        for (TopSnapshot.Row r : sorted(s, sort)) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("node", r.node);
            n.put("status", r.status.name().toLowerCase(Locale.ROOT));
            n.put("cpu_percent", r.status == TopSnapshot.Status.OK ? round(r.cpuPercent) : null);
            n.put("heap_percent", r.status == TopSnapshot.Status.OK ? round(r.heapPercent()) : null);
            n.put("gc_ms", r.gcMillis);
            n.put("gc_count", r.gcCount);
            n.put("last_answer", r.lastAnswer == null ? null : r.lastAnswer.toString());
            n.put("missing_since", r.missingSince == null ? null : r.missingSince.toString());
            n.put("error", r.error);
            n.put("vitals", r.vitals);
            nodes.add(n);
        }
        doc.put("nodes", nodes);
        return doc;
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }
}
