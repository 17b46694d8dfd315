package dev.pidbox.cli.console;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recent history of each node's heap, threads, CPU and GC: a ring of the last {@code capacity} refreshes per
 * node, held in primitive arrays (36 bytes a point), so that a thousand nodes with the default 360 points take
 * about 13 MB and never more. A node's ring goes when the node is forgotten.
 */
final class History {
    private final int capacity;
    private final Map<String, Ring> rings = new HashMap<>();

    History(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("history must keep at least 2 points, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Appends one point; a null figure is kept as unknown (-1, NaN for CPU). */
    synchronized void add(String key, long t, Long heapUsed, Long heapMax, Long threads, Double cpuPercent,
            Long gcMillis) {
        rings.computeIfAbsent(key, k -> new Ring(capacity)).add(t, heapUsed, heapMax, threads, cpuPercent, gcMillis);
    }

    synchronized void forget(String key) {
        rings.remove(key);
    }

    synchronized int nodes() {
        return rings.size();
    }

    /** The points of {@code key}, oldest first; empty when none. */
    synchronized List<Map<String, Object>> points(String key) {
        Ring r = rings.get(key);
        return r == null ? List.of() : r.points();
    }

    private static final class Ring {
        final long[] t;
        final long[] heapUsed;
        final long[] heapMax;
        final int[] threads;
        final float[] cpu;
        final int[] gcMillis;
        int start;
        int size;

        Ring(int capacity) {
            t = new long[capacity];
            heapUsed = new long[capacity];
            heapMax = new long[capacity];
            threads = new int[capacity];
            cpu = new float[capacity];
            gcMillis = new int[capacity];
        }

        void add(long when, Long used, Long max, Long thr, Double cpuPercent, Long gc) {
            int i = (start + size) % t.length;
            if (size == t.length) {
                start = (start + 1) % t.length;
            } else {
                size++;
            }
            t[i] = when;
            heapUsed[i] = used == null ? -1 : used;
            heapMax[i] = max == null ? -1 : max;
            threads[i] = thr == null ? -1 : (int) Math.min(Integer.MAX_VALUE, thr);
            cpu[i] = cpuPercent == null ? Float.NaN : cpuPercent.floatValue();
            gcMillis[i] = gc == null ? -1 : (int) Math.min(Integer.MAX_VALUE, gc);
        }

        List<Map<String, Object>> points() {
            List<Map<String, Object>> out = new ArrayList<>(size);
            for (int k = 0; k < size; k++) {
                int i = (start + k) % t.length;
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("t", t[i]);
                p.put("heap_used", heapUsed[i] < 0 ? null : heapUsed[i]);
                p.put("heap_max", heapMax[i] < 0 ? null : heapMax[i]);
                p.put("threads", threads[i] < 0 ? null : threads[i]);
                p.put("cpu_percent", Float.isNaN(cpu[i]) ? null : Math.round(cpu[i] * 10) / 10.0);
                p.put("gc_ms", gcMillis[i] < 0 ? null : gcMillis[i]);
                out.add(p);
            }
            return out;
        }
    }
}
