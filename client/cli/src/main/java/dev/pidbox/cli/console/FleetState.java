package dev.pidbox.cli.console;

import dev.pidbox.cli.TopSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * What the console knows of the fleet: one {@link TopSnapshot} per watched namespace, each node's kind and latest
 * reply time, and the refresh counter. Each refresh is folded in by {@link #apply}, which also writes the journal
 * (appeared, missing, back, error, forgotten) and the history. Nodes silent for longer than {@code forgetAfter} are
 * dropped, so that a fleet with churn does not grow the console without bound.
 */
final class FleetState {
    /** One namespace's share of a refresh. */
    record Part(String namespace, Duration elapsed, Map<String, Object> answers, Map<String, Instant> arrivals,
            Map<String, Long> replyMillis, Map<String, String> kinds, Collection<String> expected,
            boolean conclusive) {
    }

    private final List<String> namespaces;
    private final Map<String, TopSnapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, String> kinds = new HashMap<>();
    private final Map<String, Long> replyMillis = new HashMap<>();
    private final History history;
    private final Journal journal;
    private final Duration slow;
    private final Duration forgetAfter;
    private long refresh;
    private Instant sentAt;
    private long elapsedMillis;
    private long intervalMillis;

    FleetState(List<String> namespaces, History history, Journal journal, Duration slow, Duration forgetAfter) {
        this.namespaces = List.copyOf(namespaces);
        for (String ns : namespaces) {
            snapshots.put(ns, TopSnapshot.empty(ns));
        }
        this.history = history;
        this.journal = journal;
        this.slow = slow;
        this.forgetAfter = forgetAfter;
    }

    static String key(String namespace, String node) {
        return namespace + "\n" + node;
    }

    /** Folds one refresh, sent at {@code sent}, into the state. */
    synchronized void apply(Instant sent, Duration elapsed, Duration interval, List<Part> parts) {
        refresh++;
        sentAt = sent;
        elapsedMillis = elapsed.toMillis();
        intervalMillis = interval.toMillis();
        for (Part p : parts) {
            TopSnapshot before = snapshots.get(p.namespace());
            TopSnapshot after = before.next(sent, p.elapsed(), p.answers(), p.arrivals(), p.expected(),
                    p.conclusive());
            p.kinds().forEach((node, kind) -> kinds.put(key(p.namespace(), node), kind));
            p.replyMillis().forEach((node, ms) -> replyMillis.put(key(p.namespace(), node), ms));
            after = forget(after, sent);
            changes(before, after);
            for (String node : p.answers().keySet()) {
                TopSnapshot.Row r = after.rows.get(node);
                if (r != null && r.status == TopSnapshot.Status.OK) {
                    history.add(key(p.namespace(), node), sent.toEpochMilli(), r.number("heap_used"),
                            r.number("heap_max"), r.number("threads"), r.cpuPercent, r.gcMillis);
                }
            }
            snapshots.put(p.namespace(), after);
        }
    }

    private TopSnapshot forget(TopSnapshot s, Instant now) {
        List<String> gone = new ArrayList<>();
        for (TopSnapshot.Row r : s.rows.values()) {
            if (r.missingSince != null && Duration.between(r.missingSince, now).compareTo(forgetAfter) > 0) {
                gone.add(r.node);
            }
        }
        for (String node : gone) {
            String k = key(s.namespace, node);
            kinds.remove(k);
            replyMillis.remove(k);
            history.forget(k);
            journal.add("forgotten", s.namespace, node, node + " forgotten: silent for more than "
                    + forgetAfter.toSeconds() + " s", null);
        }
        return gone.isEmpty() ? s : s.without(gone);
    }

    private void changes(TopSnapshot before, TopSnapshot after) {
        String ns = after.namespace;
        for (TopSnapshot.Row now : after.rows.values()) {
            TopSnapshot.Row was = before.rows.get(now.node);
            TopSnapshot.Status old = was == null ? null : was.status;
            if (old == now.status) {
                continue;
            }
            String node = now.node;
            switch (now.status) {
                case MISSING -> journal.add("missing", ns, node, node + " stopped answering", null);
                case ERROR -> journal.add("error", ns, node, node + " answers with an error: " + now.error, null);
                default -> {
                    if (old == null) {
                        journal.add("appeared", ns, node, node + " appeared (" + kindOf(ns, node) + ")", null);
                    } else if (old == TopSnapshot.Status.MISSING) {
                        String since = was.missingSince == null ? "" : ", silent for "
                                + Duration.between(was.missingSince, after.at).toSeconds() + " s";
                        journal.add("back", ns, node, node + " answers again" + since, null);
                    } else {
                        journal.add("ok", ns, node, node + " answers without error again", null);
                    }
                }
            }
        }
    }

    private String kindOf(String ns, String node) {
        return kinds.getOrDefault(key(ns, node), "java");
    }

    /** The kind of a node that has answered before, else null. */
    synchronized String kindIfKnown(String namespace, String node) {
        return kinds.get(key(namespace, node));
    }

    /** The kind ({@code java} or {@code celery}) of every node seen in {@code namespace}. */
    synchronized Map<String, String> kinds(String namespace) {
        Map<String, String> out = new HashMap<>();
        for (String node : snapshots.get(namespace).rows.keySet()) {
            out.put(node, kindOf(namespace, node));
        }
        return out;
    }

    /** The nodes of {@code namespace} that answered their latest refresh (not missing). */
    synchronized List<String> answering(String namespace) {
        List<String> out = new ArrayList<>();
        for (TopSnapshot.Row r : snapshots.get(namespace).rows.values()) {
            if (r.status != TopSnapshot.Status.MISSING) {
                out.add(r.node);
            }
        }
        return out;
    }

    synchronized long refreshes() {
        return refresh;
    }

    synchronized List<Map<String, Object>> history(String namespace, String node) {
        return history.points(key(namespace, node));
    }

    /** Whether {@code namespace} is watched and has seen {@code node}. */
    synchronized boolean knows(String namespace, String node) {
        TopSnapshot s = snapshots.get(namespace);
        return s != null && s.rows.containsKey(node);
    }

    /** The namespace of the first watched namespace that has seen {@code node}, else null. */
    synchronized String namespaceOf(String node) {
        for (TopSnapshot s : snapshots.values()) {
            if (s.rows.containsKey(node)) {
                return s.namespace;
            }
        }
        return null;
    }

    /**
     * The fleet document (docs/console.md): the shape of {@code pidbox top -o json} over every namespace, nodes
     * sorted by namespace then name, those {@code filter} keeps (namespace, row); with each node's {@code vitals}
     * when {@code withVitals}.
     */
    synchronized Map<String, Object> document(boolean withVitals, BiPredicate<String, TopSnapshot.Row> filter,
            Instant now) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("refresh", refresh);
        doc.put("sent_at_ms", sentAt == null ? null : sentAt.toEpochMilli());
        doc.put("at", sentAt == null ? null : sentAt.toString());
        doc.put("interval_ms", intervalMillis);
        doc.put("elapsed_ms", elapsedMillis);
        doc.put("namespaces", namespaces);
        int answering = 0;
        int slowCount = 0;
        int errors = 0;
        List<String> missing = new ArrayList<>();
        List<Object> nodes = new ArrayList<>();
        for (TopSnapshot s : snapshots.values()) {
            for (TopSnapshot.Row r : s.rows.values()) {
                if (!filter.test(s.namespace, r)) {
                    continue;
                }
                Map<String, Object> n = node(s.namespace, r, withVitals, now);
                switch ((String) n.get("state")) {
                    case "answering" -> answering++;
                    case "slow" -> slowCount++;
                    case "error" -> errors++;
                    default -> missing.add(r.node);
                }
                nodes.add(n);
            }
        }
        doc.put("answering", answering);
        doc.put("slow", slowCount);
        doc.put("errors", errors);
        doc.put("missing", missing);
        doc.put("nodes", nodes);
        return doc;
    }

    /** The rows of every namespace, for the metrics. */
    synchronized List<Map<String, Object>> nodes(Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TopSnapshot s : snapshots.values()) {
            for (TopSnapshot.Row r : s.rows.values()) {
                out.add(node(s.namespace, r, false, now));
            }
        }
        return out;
    }

    synchronized Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("refresh", refresh);
        m.put("elapsed_ms", elapsedMillis);
        m.put("interval_ms", intervalMillis);
        int total = 0;
        for (TopSnapshot s : snapshots.values()) {
            total += s.rows.size();
        }
        m.put("nodes", total);
        return m;
    }

    private Map<String, Object> node(String ns, TopSnapshot.Row r, boolean withVitals, Instant now) {
        String k = key(ns, r.node);
        Long reply = replyMillis.get(k);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("node", r.node);
        n.put("namespace", ns);
        n.put("kind", kindOf(ns, r.node));
        n.put("state", state(r, reply));
        n.put("status", r.status.name().toLowerCase(Locale.ROOT));
        Object tags = r.vitals == null ? null : r.vitals.get("tags");
        n.put("tags", tags instanceof Map ? tags : Map.of());
        n.put("java_version", value(r, "java_version"));
        n.put("pid", r.number("pid"));
        n.put("uptime_ms", r.number("uptime_ms"));
        n.put("heap_used", r.number("heap_used"));
        n.put("heap_max", r.number("heap_max"));
        n.put("heap_percent", round(r.heapPercent()));
        n.put("rss_bytes", r.number("rss_bytes"));
        n.put("threads", r.number("threads"));
        n.put("cpu_percent", r.status == TopSnapshot.Status.OK ? round(r.cpuPercent) : null);
        n.put("gc_ms", r.gcMillis);
        n.put("gc_count", r.gcCount);
        n.put("gc_time_ms", r.number("gc_time_ms"));
        n.put("last_answer", r.lastAnswer == null ? null : r.lastAnswer.toString());
        n.put("age_ms", r.lastAnswer == null ? null : Math.max(0, Duration.between(r.lastAnswer, now).toMillis()));
        n.put("reply_ms", r.status == TopSnapshot.Status.MISSING ? null : reply);
        n.put("missing_since", r.missingSince == null ? null : r.missingSince.toString());
        n.put("error", r.error);
        if (withVitals) {
            n.put("vitals", r.vitals);
        }
        return n;
    }

    private String state(TopSnapshot.Row r, Long reply) {
        return switch (r.status) {
            case MISSING -> "missing";
            case ERROR -> "error";
            default -> reply != null && reply >= slow.toMillis() ? "slow" : "answering";
        };
    }

    private static Object value(TopSnapshot.Row r, String key) {
        return r.vitals == null ? null : r.vitals.get(key);
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }
}
