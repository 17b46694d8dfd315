package dev.pidbox.cli.console;

import java.util.List;
import java.util.Map;

/**
 * The fleet's per-node gauges in the Prometheus text exposition format (version 0.0.4), so that an existing
 * Prometheus scrapes the whole fleet through the console: one sample per node and figure, labelled with namespace,
 * node and kind, and the console's own refresh figures. Values the node did not give are left out, never zero.
 */
final class Metrics {
    private Metrics() {
    }

    private record Gauge(String name, String key, double scale, String help) {
    }

    private static final List<Gauge> GAUGES = List.of(
            new Gauge("pidbox_node_heap_used_bytes", "heap_used", 1, "Heap in use, from the node's latest answer."),
            new Gauge("pidbox_node_heap_max_bytes", "heap_max", 1, "The heap's maximum size."),
            new Gauge("pidbox_node_resident_bytes", "rss_bytes", 1, "Peak resident set (Celery workers)."),
            new Gauge("pidbox_node_threads", "threads", 1, "Live threads."),
            new Gauge("pidbox_node_cpu_ratio", "cpu_percent", 0.01,
                    "Process CPU over the last interval, as a share of the machine (of one core for Celery)."),
            new Gauge("pidbox_node_gc_seconds_total", "gc_time_ms", 0.001, "Time spent in garbage collection."),
            new Gauge("pidbox_node_uptime_seconds", "uptime_ms", 0.001, "Time since the process started."),
            new Gauge("pidbox_node_reply_seconds", "reply_ms", 0.001,
                    "How long the node took to answer the latest refresh."),
            new Gauge("pidbox_node_last_answer_age_seconds", "age_ms", 0.001, "Time since the node last answered."));

    static String render(List<Map<String, Object>> nodes, Map<String, Object> summary) {
        StringBuilder sb = new StringBuilder(256 + nodes.size() * 900);
        header(sb, "pidbox_node_up", "gauge", "1 when the node answered the latest refresh without error, else 0.");
        for (Map<String, Object> n : nodes) {
            sample(sb, "pidbox_node_up", n, "answering".equals(n.get("state")) || "slow".equals(n.get("state")) ? 1 : 0);
        }
        for (Gauge g : GAUGES) {
            header(sb, g.name(), g.name().endsWith("_total") ? "counter" : "gauge", g.help());
            for (Map<String, Object> n : nodes) {
                Object v = n.get(g.key());
                if (v instanceof Number) {
                    sample(sb, g.name(), n, ((Number) v).doubleValue() * g.scale());
                }
            }
        }
        header(sb, "pidbox_console_refreshes_total", "counter", "Refreshes the console has made.");
        sb.append("pidbox_console_refreshes_total ").append(summary.get("refresh")).append('\n');
        header(sb, "pidbox_console_refresh_seconds", "gauge", "How long the latest refresh took.");
        sb.append("pidbox_console_refresh_seconds ")
                .append(number(((Number) summary.get("elapsed_ms")).doubleValue() / 1000)).append('\n');
        header(sb, "pidbox_console_nodes", "gauge", "Nodes the console knows, in every state.");
        sb.append("pidbox_console_nodes ").append(summary.get("nodes")).append('\n');
        return sb.toString();
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder sb, String name, Map<String, Object> n, double value) {
        sb.append(name).append("{namespace=\"").append(label(n.get("namespace"))).append("\",node=\"")
                .append(label(n.get("node"))).append("\",kind=\"").append(label(n.get("kind"))).append("\"} ")
                .append(number(value)).append('\n');
    }

    /** A label value escaped as the format asks: backslash, double quote and line feed. */
    static String label(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
