package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pidbox histogram} for people: one node as {@code jmap -histo} prints it; several nodes merged into one
 * list of classes by total bytes with the spread across nodes, then a row per node (totals, errors, missing).
 */
final class HistogramView {
    /** Rows shown across nodes without {@code --top} (the handler's own default). */
    static final int DEFAULT_TOP = 20;

    private HistogramView() {
    }

    static String render(CallResult result, Integer top, Style style) {
        if (Render.oneNode(result)) {
            Reply r = result.replies().get(0);
            return r.isError() ? Render.errorBlock(r, style) : Render.heading(r, style) + "\n" + histo(r.value());
        }
        return merged(result, top == null ? DEFAULT_TOP : top, style) + "\n" + perNode(result, style);
    }

    /** One node's rows in the layout of {@code jmap -histo}, with its totals. */
    static String histo(Object value) {
        StringBuilder sb = new StringBuilder();
        sb.append(" num     #instances         #bytes  class name (module)\n");
        sb.append("-------------------------------------------------------\n");
        List<?> rows = Fields.list(value, "rows");
        for (Object row : rows) {
            String module = Fields.string(row, "module");
            sb.append(String.format(Locale.ROOT, "%4d: %13d %14d  %s%s%n", Fields.longValue(row, "rank", 0),
                    Fields.longValue(row, "instances", 0), Fields.longValue(row, "bytes", 0), Fields.string(row, "class"),
                    module == null ? "" : " (" + module + ")"));
        }
        Number instances = Fields.number(value, "total_instances");
        Number bytes = Fields.number(value, "total_bytes");
        if (instances != null && bytes != null) {
            sb.append(String.format(Locale.ROOT, "Total %13d %14d%n", instances.longValue(), bytes.longValue()));
        }
        Number classes = Fields.number(value, "classes");
        if (classes != null && classes.longValue() > rows.size()) {
            sb.append("(").append(rows.size()).append(" of ").append(classes).append(" classes shown; --top N for more)\n");
        }
        return sb.toString();
    }

    private static final class Merged {
        final String name;
        long bytes;
        long instances;
        int nodes;
        long min = Long.MAX_VALUE;
        long max;

        Merged(String name) {
            this.name = name;
        }
    }

    /** Classes by bytes summed over the nodes that list them among their top rows. */
    static String merged(CallResult result, int top, Style style) {
        Map<String, Merged> byClass = new LinkedHashMap<>();
        int answered = 0;
        for (Reply r : result.replies()) {
            if (r.isError()) {
                continue;
            }
            answered++;
            for (Object row : Fields.list(r.value(), "rows")) {
                String name = String.valueOf(Fields.string(row, "class"));
                Merged m = byClass.computeIfAbsent(name, Merged::new);
                long bytes = Fields.longValue(row, "bytes", 0);
                m.bytes += bytes;
                m.instances += Fields.longValue(row, "instances", 0);
                m.nodes++;
                m.min = Math.min(m.min, bytes);
                m.max = Math.max(m.max, bytes);
            }
        }
        List<Merged> sorted = new ArrayList<>(byClass.values());
        sorted.sort((a, b) -> a.bytes != b.bytes ? Long.compare(b.bytes, a.bytes) : a.name.compareTo(b.name));
        List<List<String>> rows = new ArrayList<>();
        for (Merged m : sorted.subList(0, Math.min(top, sorted.size()))) {
            rows.add(List.of(m.name, Units.bytes(m.bytes), Long.toString(m.instances), m.nodes + "/" + answered,
                    Units.bytes(m.min), Units.bytes(m.max)));
        }
        return Render.table(List.of("CLASS", "TOTAL", "INSTANCES", "NODES", "MIN/NODE", "MAX/NODE"), rows, "LRRRRR");
    }

    /** A row per node: how many classes and how much heap its histogram counted, or why there is none. */
    static String perNode(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            if (r.isError()) {
                rows.add(List.of(r.node(), "-", "-", "-", Render.error(r, style)));
            } else {
                rows.add(List.of(r.node(), Units.count(Fields.number(r.value(), "classes")),
                        Units.count(Fields.number(r.value(), "total_instances")),
                        Units.bytes(Fields.number(r.value(), "total_bytes")), ""));
            }
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", "-", "-", Render.missing(style)));
        }
        return Render.table(List.of("NODE", "CLASSES", "INSTANCES", "BYTES", "NOTE"), rows, "LRRR");
    }
}
