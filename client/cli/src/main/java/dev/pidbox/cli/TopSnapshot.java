package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code pidbox top} knows of the fleet after one refresh: a row for every node it has seen answer (or was told
 * to expect), with the latest {@code vitals}, and the rates of the interval since the node's previous answer. A
 * node that answered once and is silent now stays, marked missing since the first refresh it did not answer. Made
 * by folding one gather at a time into the previous snapshot; immutable and free of I/O, so that it can be tested
 * from recorded replies.
 */
public final class TopSnapshot {
    /** How a node answered the latest refresh. */
    public enum Status { OK, ERROR, MISSING }

    /** One node's line. */
    public static final class Row {
        public final String node;
        public final Status status;
        /** The node's latest {@code vitals}, null when it never answered with them. */
        public final Map<String, Object> vitals;
        /** The error text of an error answer, else null. */
        public final String error;
        /** When the latest answer arrived (of any kind), null when none ever did. */
        public final Instant lastAnswer;
        /** The first refresh this node did not answer, while it stays silent; else null. */
        public final Instant missingSince;
        /** CPU % of the machine over the interval since the previous answer (first answer: the node's own load). */
        public final Double cpuPercent;
        /** GC time in the interval, ms; null on a first answer. */
        public final Long gcMillis;
        /** Collections in the interval; null on a first answer. */
        public final Long gcCount;

        Row(String node, Status status, Map<String, Object> vitals, String error, Instant lastAnswer,
                Instant missingSince, Double cpuPercent, Long gcMillis, Long gcCount) {
            this.node = node;
            this.status = status;
            this.vitals = vitals;
            this.error = error;
            this.lastAnswer = lastAnswer;
            this.missingSince = missingSince;
            this.cpuPercent = cpuPercent;
            this.gcMillis = gcMillis;
            this.gcCount = gcCount;
        }

        public Long number(String key) {
            Object v = vitals == null ? null : vitals.get(key);
            return v instanceof Number ? ((Number) v).longValue() : null;
        }

        /** Heap used as a percentage of the maximum; null when the node has no maximum. */
        public Double heapPercent() {
            Long used = number("heap_used");
            Long max = number("heap_max");
            return used == null || max == null || max <= 0 ? null : 100.0 * used / max;
        }
    }

    public final Instant at;
    public final String namespace;
    /** Rows by node name. */
    public final Map<String, Row> rows;
    /** How long this refresh's gather took. */
    public final Duration elapsed;

    private TopSnapshot(Instant at, String namespace, Map<String, Row> rows, Duration elapsed) {
        this.at = at;
        this.namespace = namespace;
        this.rows = Collections.unmodifiableMap(rows);
        this.elapsed = elapsed;
    }

    /** An empty snapshot: nothing seen yet. */
    public static TopSnapshot empty(String namespace) {
        return new TopSnapshot(null, namespace, new TreeMap<>(), Duration.ZERO);
    }

    /** Folds one gather, sent at {@code sentAt}, into this snapshot. */
    TopSnapshot next(Instant sentAt, CallResult result) {
        Map<String, Object> answers = new LinkedHashMap<>();
        Map<String, Instant> arrivals = new LinkedHashMap<>();
        for (Reply r : result.replies()) {
            answers.putIfAbsent(r.node(), r.value());
            arrivals.putIfAbsent(r.node(), sentAt.plus(r.elapsed()));
        }
        return next(sentAt, result.elapsed(), answers, arrivals, result.missing());
    }

    /**
     * Folds one refresh's answers into this snapshot.
     *
     * @param answers node name to its reply value ({@code vitals}, or {@code {"error": ...}})
     * @param arrivals node name to when its answer arrived
     * @param expected nodes named in the request that did not answer (missing even if never seen)
     */
    TopSnapshot next(Instant at, Duration elapsed, Map<String, Object> answers, Map<String, Instant> arrivals,
            Collection<String> expected) {
        return next(at, elapsed, answers, arrivals, expected, true);
    }

    /**
     * As {@link #next(Instant, Duration, Map, Map, Collection)}; when not {@code conclusive} (a gather that ended as
     * soon as enough nodes answered, some of them new), a known node that did not answer keeps its row as it was,
     * to be judged by the next refresh that waits its whole deadline.
     */
    public TopSnapshot next(Instant at, Duration elapsed, Map<String, Object> answers, Map<String, Instant> arrivals,
            Collection<String> expected, boolean conclusive) {
        Map<String, Row> out = new TreeMap<>();
        for (Row old : rows.values()) {
            if (!answers.containsKey(old.node)) {
                out.put(old.node, conclusive ? missing(old, at) : old);
            }
        }
        for (String name : expected) {
            if (!answers.containsKey(name) && !out.containsKey(name)) {
                out.put(name, new Row(name, Status.MISSING, null, null, null, at, null, null, null));
            }
        }
        answers.forEach((name, value) -> out.put(name,
                answered(rows.get(name), name, value, arrivals.getOrDefault(name, at))));
        return new TopSnapshot(at, namespace, out, elapsed);
    }

    private static Row missing(Row old, Instant at) {
        Instant since = old.missingSince != null ? old.missingSince : at;
        return new Row(old.node, Status.MISSING, old.vitals, null, old.lastAnswer, since, null, null, null);
    }

    @SuppressWarnings("unchecked")
    private static Row answered(Row old, String name, Object value, Instant arrival) {
        if (!(value instanceof Map) || ((Map<?, ?>) value).containsKey("error")) {
            String error = value instanceof Map ? String.valueOf(((Map<?, ?>) value).get("error"))
                    : "not a vitals reply: " + Render.cell(value);
            return new Row(name, Status.ERROR, old == null ? null : old.vitals, error, arrival, null, null, null, null);
        }
        Map<String, Object> vitals = (Map<String, Object>) value;
        Row now = new Row(name, Status.OK, vitals, null, arrival, null, null, null, null);
        Row before = old == null || old.vitals == null || !samePeriod(old, now) ? null : old;
        Double cpu = null;
        Long gcMillis = null;
        Long gcCount = null;
        if (before != null) {
            cpu = cpuPercent(before, now);
            gcMillis = delta(before, now, "gc_time_ms");
            gcCount = delta(before, now, "gc_count");
        }
        if (cpu == null) {
            Object load = vitals.get("process_cpu_load");
            cpu = load instanceof Number ? ((Number) load).doubleValue() * 100 : null;
        }
        return new Row(name, Status.OK, vitals, null, arrival, null, cpu, gcMillis, gcCount);
    }

    /** Whether two answers come from one run of the process (same pid, uptime went forward). */
    private static boolean samePeriod(Row before, Row now) {
        Long pid0 = before.number("pid");
        Long pid1 = now.number("pid");
        Long up0 = before.number("uptime_ms");
        Long up1 = now.number("uptime_ms");
        return pid0 != null && pid0.equals(pid1) && up0 != null && up1 != null && up1 > up0;
    }

    /** CPU time used over wall time passed, both read on the node, over its processors; null when unknown. */
    private static Double cpuPercent(Row before, Row now) {
        Long cpu = delta(before, now, "process_cpu_time_ms");
        Long wall = delta(before, now, "uptime_ms");
        Long processors = now.number("available_processors");
        if (cpu == null || wall == null || wall <= 0 || processors == null || processors <= 0) {
            return null;
        }
        return Math.max(0.0, 100.0 * cpu / wall / processors);
    }

    private static Long delta(Row before, Row now, String key) {
        Long a = before.number(key);
        Long b = now.number(key);
        return a == null || b == null || b < a ? null : b - a;
    }

    /** This snapshot without the rows of {@code nodes} (forgotten after a long silence). */
    public TopSnapshot without(Collection<String> nodes) {
        Map<String, Row> out = new TreeMap<>(rows);
        out.keySet().removeAll(nodes);
        return new TopSnapshot(at, namespace, out, elapsed);
    }

    public int count(Status status) {
        int n = 0;
        for (Row r : rows.values()) {
            if (r.status == status) {
                n++;
            }
        }
        return n;
    }

    /** The names of the nodes in {@code status}, sorted. */
    public List<String> names(Status status) {
        return rows.values().stream().filter(r -> r.status == status).map(r -> r.node).toList();
    }
}
