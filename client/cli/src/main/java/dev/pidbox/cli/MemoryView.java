package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pidbox memory} for people: across nodes one row per node (heap, non-heap, the fullest pool, GC count and
 * time, old generation after the last collection); for one node a block like {@code jstat}/{@code jcmd GC.heap_info}
 * would give: heap, non-heap, every pool, every collector, the buffer pools.
 *
 * <p>GC time sums the collectors, except that where a collector reports pauses next to concurrent cycles (ZGC,
 * Shenandoah: "... Pauses" and "... Cycles") only the pauses count, since a cycle's time includes them.
 */
final class MemoryView {
    private MemoryView() {
    }

    static String render(CallResult result, Style style) {
        if (Render.oneNode(result)) {
            Reply r = result.replies().get(0);
            return r.isError() ? Render.errorBlock(r, style) : Render.heading(r, style) + "\n" + details(r.value());
        }
        return fleet(result, style);
    }

    static String fleet(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            if (r.isError() || !(r.value() instanceof Map)) {
                rows.add(List.of(r.node(), "-", "-", "-", "-", "-", "-", "-", "-", "-",
                        r.isError() ? Render.error(r, style) : Render.cell(r.value())));
                continue;
            }
            Map<String, Object> heap = Fields.map(r.value(), "heap");
            Map<String, Object> pool = fullestPool(r.value());
            Map<String, Object> old = oldGeneration(r.value());
            String heapPercent = Units.percent(heap.get("used"), heap.get("max"));
            Double ratio = Units.ratio(heap.get("used"), heap.get("max"));
            rows.add(List.of(r.node(), Units.bytes(heap.get("used")), Units.bytes(heap.get("committed")),
                    Units.bytes(heap.get("max")), ratio != null && ratio >= 0.9 ? style.red(heapPercent) : heapPercent,
                    Units.bytes(Fields.map(r.value(), "non_heap").get("used")),
                    pool == null ? "-" : pool.get("name") + " " + Units.percent(Fields.map(pool, "usage").get("used"),
                            Fields.map(pool, "usage").get("max")),
                    Units.count(gcCount(r.value())), Units.millis(gcTime(r.value())),
                    old == null ? "-" : Units.bytes(Fields.map(old, "collection_usage").get("used")), ""));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", "-", "-", "-", "-", "-", "-", "-", "-", Render.missing(style)));
        }
        return Render.table(List.of("NODE", "HEAP_USED", "COMMITTED", "MAX", "HEAP%", "NON_HEAP", "FULLEST_POOL", "GCS",
                "GC_TIME", "OLD_AFTER_GC", "NOTE"), rows, "LRRRRRLRRR");
    }

    /** One node's memory in full. */
    static String details(Object value) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> heap = Fields.map(value, "heap");
        Map<String, Object> nonHeap = Fields.map(value, "non_heap");
        List<List<String>> areas = new ArrayList<>();
        areas.add(area("heap", heap));
        areas.add(area("non-heap", nonHeap));
        sb.append(Render.table(List.of("AREA", "USED", "COMMITTED", "MAX", "USED%"), areas, "LRRRR"));
        Map<String, Object> old = oldGeneration(value);
        sb.append(String.format(Locale.ROOT, "old generation after last GC: %s; pending finalization: %s%n",
                old == null ? "-" : Units.bytes(Fields.map(old, "collection_usage").get("used")) + " (" + old.get("name") + ")",
                Units.count(Fields.number(value, "pending_finalization"))));
        sb.append('\n');
        List<List<String>> pools = new ArrayList<>();
        for (Object p : Fields.list(value, "pools")) {
            Map<String, Object> usage = Fields.map(p, "usage");
            Map<String, Object> after = Fields.map(p, "collection_usage");
            pools.add(List.of(String.valueOf(Fields.string(p, "name")), "HEAP".equals(Fields.string(p, "type")) ? "heap"
                            : "non-heap", Units.bytes(usage.get("used")), Units.bytes(usage.get("committed")),
                    Units.bytes(usage.get("max")), Units.percent(usage.get("used"), usage.get("max")),
                    Units.bytes(Fields.map(p, "peak").get("used")), after.isEmpty() ? "-" : Units.bytes(after.get("used"))));
        }
        sb.append(Render.table(List.of("POOL", "TYPE", "USED", "COMMITTED", "MAX", "USED%", "PEAK", "AFTER_GC"), pools,
                "LLRRRRRR"));
        sb.append('\n');
        List<List<String>> collectors = new ArrayList<>();
        for (Object c : Fields.list(value, "collectors")) {
            Number count = Fields.number(c, "count");
            Number time = Fields.number(c, "time_ms");
            String average = count == null || time == null || count.longValue() == 0 ? "-"
                    : Units.millis(Math.round(time.doubleValue() / count.longValue() * 10) / 10.0);
            collectors.add(List.of(String.valueOf(Fields.string(c, "name")), Units.count(count), Units.millis(time), average,
                    join(Fields.list(c, "pools"))));
        }
        collectors.add(List.of(pausesOnly(value) ? "total (pauses)" : "total", Units.count(gcCount(value)),
                Units.millis(gcTime(value)), "", ""));
        sb.append(Render.table(List.of("COLLECTOR", "COUNT", "TIME", "AVG", "POOLS"), collectors, "LRRRL"));
        List<List<String>> buffers = new ArrayList<>();
        for (Object b : Fields.list(value, "buffer_pools")) {
            buffers.add(List.of(String.valueOf(Fields.string(b, "name")), Units.count(Fields.number(b, "count")),
                    Units.bytes(Fields.number(b, "memory_used")), Units.bytes(Fields.number(b, "total_capacity"))));
        }
        if (!buffers.isEmpty()) {
            sb.append('\n');
            sb.append(Render.table(List.of("BUFFER_POOL", "BUFFERS", "USED", "CAPACITY"), buffers, "LRRR"));
        }
        return sb.toString();
    }

    private static List<String> area(String name, Map<String, Object> usage) {
        return List.of(name, Units.bytes(usage.get("used")), Units.bytes(usage.get("committed")), Units.bytes(usage.get("max")),
                Units.percent(usage.get("used"), usage.get("max")));
    }

    private static String join(List<?> values) {
        List<String> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(String.valueOf(v));
        }
        return String.join(", ", parts);
    }

    /**
     * The pool with the highest used/max among those with a max, or null. Code cache pools count only from 90% on:
     * they are small, their figures say little until the cache is about to fill up and the JIT stops.
     */
    static Map<String, Object> fullestPool(Object value) {
        Map<String, Object> best = null;
        double bestRatio = -1;
        for (Object p : Fields.list(value, "pools")) {
            Map<String, Object> usage = Fields.map(p, "usage");
            Double ratio = Units.ratio(usage.get("used"), usage.get("max"));
            String name = String.valueOf(Fields.string(p, "name"));
            if (ratio != null && (name.startsWith("CodeHeap") || name.startsWith("Code Cache")) && ratio < 0.9) {
                continue;
            }
            if (ratio != null && ratio > bestRatio) {
                best = Fields.map(p);
                bestRatio = ratio;
            }
        }
        return best;
    }

    /**
     * The old (tenured) generation: the heap pool that reports usage after collection and whose name says old or
     * tenured ("G1 Old Gen", "PS Old Gen", "Tenured Gen", "ZGC Old Generation", "CMS Old Gen"), else the only heap
     * pool that reports it (single-generation collectors: Shenandoah, non-generational ZGC); null when unknown.
     */
    static Map<String, Object> oldGeneration(Object value) {
        List<Map<String, Object>> collected = new ArrayList<>();
        for (Object p : Fields.list(value, "pools")) {
            if (!"HEAP".equals(Fields.string(p, "type")) || Fields.map(p, "collection_usage").isEmpty()) {
                continue;
            }
            String name = String.valueOf(Fields.string(p, "name")).toLowerCase(Locale.ROOT);
            if (name.contains("old") || name.contains("tenured")) {
                return Fields.map(p);
            }
            collected.add(Fields.map(p));
        }
        return collected.size() == 1 ? collected.get(0) : null;
    }

    /** Collections summed over the collectors (pauses only where pauses and cycles are both reported); null when none says. */
    static Long gcCount(Object value) {
        return gcSum(value, "count");
    }

    static Long gcTime(Object value) {
        return gcSum(value, "time_ms");
    }

    /** Whether a collector reports its pauses apart from its concurrent cycles (ZGC, Shenandoah). */
    static boolean pausesOnly(Object value) {
        for (Object c : Fields.list(value, "collectors")) {
            if (String.valueOf(Fields.string(c, "name")).endsWith("Pauses")) {
                return true;
            }
        }
        return false;
    }

    private static Long gcSum(Object value, String key) {
        List<?> collectors = Fields.list(value, "collectors");
        boolean pauses = pausesOnly(value);
        Long sum = null;
        for (Object c : collectors) {
            if (pauses && String.valueOf(Fields.string(c, "name")).endsWith("Cycles")) {
                continue;
            }
            Number n = Fields.number(c, key);
            if (n != null) {
                sum = (sum == null ? 0 : sum) + n.longValue();
            }
        }
        return sum;
    }
}
