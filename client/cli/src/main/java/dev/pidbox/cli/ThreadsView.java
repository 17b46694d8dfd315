package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code pidbox threads} for people: summaries (replies without stacks) as a row per node with its counts per
 * state; dumps one node after another in the layout of jstack ({@link ThreadDump}); a {@code top} reply as a table
 * ranked by CPU over the interval, then the stacks of those threads.
 */
final class ThreadsView {

    private ThreadsView() {
    }

    /** @param filtered whether the request named threads by name or state */
    static String render(CallResult result, boolean filtered, Style style) {
        boolean dumps = false;
        for (Reply r : result.ok()) {
            dumps |= Fields.map(r.value()).containsKey("threads");
        }
        if (!dumps && !Render.oneNode(result)) {
            return summary(result, filtered, style);
        }
        StringBuilder sb = new StringBuilder();
        for (Reply r : result.replies()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            if (r.isError()) {
                sb.append(Render.errorBlock(r, style));
            } else {
                sb.append(Render.heading(r, style)).append(dump(r.value(), filtered, style));
            }
        }
        for (String m : result.missing()) {
            sb.append('\n').append(style.bold(m)).append(": ").append(Render.missing(style)).append('\n');
        }
        return sb.toString();
    }

    /** One node's reply: a top table with its stacks, a dump, or (for a summary) the counts alone. */
    static String dump(Object reply, boolean filtered, Style style) {
        if (Fields.map(reply).containsKey("interval_ms")) {
            return top(reply, filtered, style);
        }
        if (!Fields.map(reply).containsKey("threads")) {
            return ThreadDump.counts(reply, filtered) + deadlockLine(reply, style);
        }
        return ThreadDump.render(reply, filtered, style);
    }

    private static String deadlockLine(Object reply, Style style) {
        Set<Long> ids = ThreadDump.deadlocked(reply);
        return ids.isEmpty() ? "" : style.red("DEADLOCK: threads " + ids + " wait for each other") + "\n";
    }

    /** The busiest threads over the interval, then their stacks (not folded: each is its own story). */
    static String top(Object reply, boolean filtered, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append(ThreadDump.counts(reply, filtered));
        sb.append("busiest threads over ").append(Units.millis(Fields.number(reply, "interval_ms"))).append(":\n");
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> t : ThreadDump.threads(reply)) {
            rows.add(List.of(String.valueOf(Fields.string(t, "name")), Units.count(t.get("id")),
                    String.valueOf(Fields.string(t, "state")), ThreadDump.cpuPercent(t.get("cpu_percent")),
                    Units.cpuMillis(t.get("cpu_delta_ms")), Units.millis(t.get("cpu_time_ms"))));
        }
        sb.append(Render.table(List.of("NAME", "ID", "STATE", "CPU%", "CPU", "TOTAL_CPU"), rows, "LRLRRR"));
        if (!ThreadDump.deadlocked(reply).isEmpty()) {
            sb.append(deadlockLine(reply, style));
        }
        for (Map<String, Object> t : ThreadDump.threads(reply)) {
            sb.append('\n').append(ThreadDump.thread(t, null));
        }
        return sb.toString();
    }

    /** A row per node: threads, daemon threads, the count in each state, deadlocked threads, pidbox's own left out. */
    static String summary(CallResult result, boolean filtered, Style style) {
        Set<String> states = new TreeSet<>((a, b) -> Integer.compare(ThreadDump.rank(a), ThreadDump.rank(b)) != 0
                ? Integer.compare(ThreadDump.rank(a), ThreadDump.rank(b)) : a.compareTo(b));
        states.addAll(ThreadDump.ORDER.subList(0, 4));
        for (Reply r : result.ok()) {
            states.addAll(Fields.map(r.value(), "states").keySet());
        }
        List<String> headers = new ArrayList<>(List.of("NODE", "THREADS", "DAEMON"));
        headers.addAll(states);
        headers.addAll(List.of("DEADLOCKED", "PIDBOX", "NOTE"));
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            List<String> row = new ArrayList<>(List.of(r.node()));
            if (r.isError()) {
                while (row.size() < headers.size() - 1) {
                    row.add("-");
                }
                row.add(Render.error(r, style));
                rows.add(row);
                continue;
            }
            Object v = r.value();
            row.add(Units.count(Fields.number(v, "thread_count")));
            row.add(Units.count(Fields.number(v, "daemon_count")));
            Map<String, Object> counts = Fields.map(v, "states");
            for (String s : states) {
                row.add(counts.containsKey(s) ? Units.count(counts.get(s)) : "0");
            }
            int deadlocked = ThreadDump.deadlocked(v).size();
            row.add(deadlocked == 0 ? "0" : style.red(Integer.toString(deadlocked)));
            row.add(Units.count(Fields.number(v, "own_threads")));
            row.add("");
            rows.add(row);
        }
        for (String m : result.missing()) {
            List<String> row = new ArrayList<>(List.of(m));
            while (row.size() < headers.size() - 1) {
                row.add("-");
            }
            row.add(Render.missing(style));
            rows.add(row);
        }
        List<String> deadlocked = new ArrayList<>();
        for (Reply r : result.ok()) {
            if (!ThreadDump.deadlocked(r.value()).isEmpty()) {
                deadlocked.add(r.node());
            }
        }
        return Render.table(headers, rows, "L" + "R".repeat(headers.size() - 2))
                + (deadlocked.isEmpty() ? "" : style.red("deadlocked threads on " + String.join(", ", deadlocked)) + "\n")
                + (filtered ? "(the counts per state are of the threads that match --name/--state)\n" : "")
                + "(pidbox threads NODE shows a node's stacks; --dump every node's, --top N the busiest)\n";
    }
}
