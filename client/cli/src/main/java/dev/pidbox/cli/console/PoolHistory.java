package dev.pidbox.cli.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent history of each memory pool, for the nodes whose page is open: filled each time the page asks the
 * node for {@code memory}. Bounded twice: {@code capacity} points per pool, and the {@code nodes} nodes asked most
 * recently (the least recently asked goes first).
 */
final class PoolHistory {
    private final int capacity;
    private final int nodes;
    private final LinkedHashMap<String, Map<String, ArrayDeque<long[]>>> byNode;

    PoolHistory(int capacity, int nodes) {
        this.capacity = capacity;
        this.nodes = nodes;
        this.byNode = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Records the pools of one {@code memory} answer, read at {@code t}; the history of every pool after it. */
    synchronized Map<String, Object> add(String key, long t, Object memory) {
        Map<String, ArrayDeque<long[]>> pools = byNode.computeIfAbsent(key, k -> new LinkedHashMap<>());
        while (byNode.size() > nodes) {
            byNode.remove(byNode.keySet().iterator().next());
        }
        if (memory instanceof Map && ((Map<?, ?>) memory).get("pools") instanceof List) {
            for (Object p : (List<?>) ((Map<?, ?>) memory).get("pools")) {
                if (!(p instanceof Map) || !(((Map<?, ?>) p).get("usage") instanceof Map)) {
                    continue;
                }
                Map<?, ?> usage = (Map<?, ?>) ((Map<?, ?>) p).get("usage");
                ArrayDeque<long[]> ring = pools.computeIfAbsent(String.valueOf(((Map<?, ?>) p).get("name")),
                        k -> new ArrayDeque<>());
                ring.addLast(new long[] {t, number(usage.get("used")), number(usage.get("committed")),
                    number(usage.get("max"))});
                while (ring.size() > capacity) {
                    ring.removeFirst();
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        pools.forEach((name, ring) -> {
            List<Object> points = new ArrayList<>(ring.size());
            for (long[] p : ring) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("t", p[0]);
                m.put("used", p[1] < 0 ? null : p[1]);
                m.put("committed", p[2] < 0 ? null : p[2]);
                m.put("max", p[3] < 0 ? null : p[3]);
                points.add(m);
            }
            out.put(name, points);
        });
        return out;
    }

    private static long number(Object o) {
        return o instanceof Number ? ((Number) o).longValue() : -1;
    }
}
