package dev.pidbox.jmx.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Deadlocks as ThreadMXBean finds them: the ids for {@code threads}, the cycles for {@code deadlocks}. */
final class Deadlocks {
    private Deadlocks() {
    }

    /** The ids of the threads in deadlock cycles, on monitors or ownable synchronizers; empty when none. */
    static List<Object> ids(ThreadMXBean mx) {
        long[] ids = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        List<Object> out = new ArrayList<>();
        if (ids != null) {
            for (long id : ids) {
                out.add(id);
            }
        }
        return out;
    }

    /** The reply of {@code deadlocks}: the cycles, each thread described, and the threads blocked on them. */
    static Map<String, Object> cycles(int maxDepth) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> cycles = new ArrayList<>();
        if (ids == null || ids.length == 0) {
            out.put("deadlocked", 0);
            out.put("cycles", cycles);
            return out;
        }
        ThreadInfo[] infos = mx.getThreadInfo(ids, mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported(),
                maxDepth);
        Map<Long, ThreadInfo> byId = new LinkedHashMap<>();
        for (ThreadInfo ti : infos) {
            if (ti != null) {
                byId.put(ti.getThreadId(), ti);
            }
        }
        Set<Long> placed = new LinkedHashSet<>();
        for (Long start : byId.keySet()) {
            if (placed.contains(start)) {
                continue;
            }
            List<Long> path = new ArrayList<>();
            Long cur = start;
            while (cur != null && byId.containsKey(cur) && !path.contains(cur) && !placed.contains(cur)) {
                path.add(cur);
                long owner = byId.get(cur).getLockOwnerId();
                cur = owner < 0 ? null : owner;
            }
            if (cur != null && path.contains(cur)) {
                List<Object> cycle = new ArrayList<>();
                for (Long id : path.subList(path.indexOf(cur), path.size())) {
                    cycle.add(ThreadHandlers.describe(mx, byId.get(id)));
                    placed.add(id);
                }
                cycles.add(cycle);
            }
        }
        List<Object> waiting = new ArrayList<>();
        for (Map.Entry<Long, ThreadInfo> e : byId.entrySet()) {
            if (!placed.contains(e.getKey())) {
                waiting.add(ThreadHandlers.describe(mx, e.getValue()));
            }
        }
        out.put("deadlocked", byId.size());
        out.put("cycles", cycles);
        if (!waiting.isEmpty()) {
            out.put("blocked_on_cycles", waiting);
        }
        return out;
    }
}
