package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code threads}: a structured thread dump with filters and the N busiest threads by CPU over a
 * sampling interval; {@code deadlocks}: the cycles ThreadMXBean finds. Sampling sleeps on the handler's
 * own thread; no thread is started.
 */
public final class ThreadHandlers implements HandlerProvider {
    static final int MAX_INTERVAL_MS = 10_000;

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        int defaultDepth = new Config(config).getInt("threads.max_depth", 32, 0, 1024);
        HandlerDefinition threads = HandlerDefinition.builder("threads")
                .description("A structured thread dump: state, CPU time, locks, frames; filter by state and name glob,"
                        + " or top=N busiest threads by CPU over interval_ms")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("state", ArgType.ANY, null,
                        "only threads in this state or list of states (RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, NEW, TERMINATED)"))
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only threads whose name matches this glob"))
                .argument(ArgumentSpec.optional("max_depth", ArgType.INTEGER, defaultDepth, "frames per thread, 0 for none"))
                .argument(ArgumentSpec.optional("locks", ArgType.BOOLEAN, true, "include locked monitors and synchronizers"))
                .argument(ArgumentSpec.optional("top", ArgType.INTEGER, null, "only the N threads that used most CPU over interval_ms"))
                .argument(ArgumentSpec.optional("interval_ms", ArgType.INTEGER, 500, "sampling interval for top, 10..10000"))
                .handler((ctx, args) -> {
                    Set<Thread.State> states = states(args.get("state"));
                    int maxDepth = args.getInt("max_depth", defaultDepth);
                    if (maxDepth < 0 || maxDepth > 1024) {
                        throw new ArgumentException("threads() argument 'max_depth' must be in 0..1024, got " + maxDepth);
                    }
                    Integer top = args.has("top") ? args.getInt("top", 0) : null;
                    if (top != null && top < 1) {
                        throw new ArgumentException("threads() argument 'top' must be at least 1, got " + top);
                    }
                    int interval = args.getInt("interval_ms", 500);
                    if (interval < 10 || interval > MAX_INTERVAL_MS) {
                        throw new ArgumentException("threads() argument 'interval_ms' must be in 10.." + MAX_INTERVAL_MS
                                + ", got " + interval);
                    }
                    return threads(states, args.getString("name"), maxDepth, args.getBoolean("locks", true), top, interval);
                })
                .build();
        HandlerDefinition deadlocks = HandlerDefinition.builder("deadlocks")
                .description("Threads deadlocked on monitors or ownable synchronizers, grouped in cycles; empty when none")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("max_depth", ArgType.INTEGER, defaultDepth, "frames per thread"))
                .handler((ctx, args) -> {
                    int maxDepth = args.getInt("max_depth", defaultDepth);
                    if (maxDepth < 0 || maxDepth > 1024) {
                        throw new ArgumentException("deadlocks() argument 'max_depth' must be in 0..1024, got " + maxDepth);
                    }
                    return deadlocks(maxDepth);
                })
                .build();
        return Arrays.asList(threads, deadlocks);
    }

    static Set<Thread.State> states(Object raw) {
        if (raw == null) {
            return null;
        }
        List<Object> names = new ArrayList<>();
        if (raw instanceof String) {
            names.addAll(Arrays.asList(((String) raw).split(",")));
        } else if (raw instanceof List) {
            names.addAll((List<?>) raw);
        } else {
            throw new ArgumentException("threads() argument 'state' must be a string or a list of strings");
        }
        Set<Thread.State> out = EnumSet.noneOf(Thread.State.class);
        for (Object n : names) {
            if (!(n instanceof String)) {
                throw new ArgumentException("threads() argument 'state' must hold strings, got " + ArgType.jsonTypeOf(n));
            }
            try {
                out.add(Thread.State.valueOf(((String) n).trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ArgumentException("threads() unknown thread state '" + n + "' (expected one of "
                        + Arrays.toString(Thread.State.values()) + ")");
            }
        }
        return out;
    }

    static Map<String, Object> threads(Set<Thread.State> states, String glob, int maxDepth, boolean locks, Integer top,
            int intervalMs) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpuDelta = null;
        if (top != null) {
            if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
                throw new IllegalStateException("this JVM does not measure per-thread CPU time, so top is not available");
            }
            cpuDelta = sampleCpu(mx, intervalMs);
        }
        ThreadInfo[] infos = mx.dumpAllThreads(locks && mx.isObjectMonitorUsageSupported(),
                locks && mx.isSynchronizerUsageSupported(), maxDepth);
        List<ThreadInfo> selected = new ArrayList<>();
        for (ThreadInfo ti : infos) {
            if (ti == null) {
                continue;
            }
            if (states != null && !states.contains(ti.getThreadState())) {
                continue;
            }
            if (glob != null && !Globs.matches(glob, ti.getThreadName())) {
                continue;
            }
            selected.add(ti);
        }
        if (cpuDelta != null) {
            final Map<Long, Long> d = cpuDelta;
            selected.sort((a, b) -> Long.compare(d.getOrDefault(b.getThreadId(), -1L), d.getOrDefault(a.getThreadId(), -1L)));
            if (selected.size() > top) {
                selected = new ArrayList<>(selected.subList(0, top));
            }
        }
        List<Object> list = new ArrayList<>();
        for (ThreadInfo ti : selected) {
            Map<String, Object> m = describe(mx, ti);
            if (cpuDelta != null) {
                Long delta = cpuDelta.get(ti.getThreadId());
                m.put("cpu_delta_ms", delta == null ? null : delta / 1_000_000.0);
                m.put("cpu_percent", delta == null ? null : Math.round(delta / (intervalMs * 1_000_000.0) * 1000) / 10.0);
            }
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("thread_count", mx.getThreadCount());
        out.put("daemon_count", mx.getDaemonThreadCount());
        out.put("peak_count", mx.getPeakThreadCount());
        out.put("matched", list.size());
        if (cpuDelta != null) {
            out.put("interval_ms", intervalMs);
        }
        out.put("threads", list);
        return out;
    }

    private static Map<Long, Long> sampleCpu(ThreadMXBean mx, int intervalMs) throws InterruptedException {
        long[] ids = mx.getAllThreadIds();
        Map<Long, Long> before = new HashMap<>();
        for (long id : ids) {
            long t = mx.getThreadCpuTime(id);
            if (t >= 0) {
                before.put(id, t);
            }
        }
        Thread.sleep(intervalMs);
        Map<Long, Long> delta = new HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t >= 0) {
                delta.put(id, t - before.getOrDefault(id, 0L));
            }
        }
        return delta;
    }

    static Map<String, Object> describe(ThreadMXBean mx, ThreadInfo ti) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", ti.getThreadName());
        m.put("id", ti.getThreadId());
        m.put("state", ti.getThreadState().name());
        m.put("daemon", ti.isDaemon());
        m.put("priority", ti.getPriority());
        long cpu = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled() ? mx.getThreadCpuTime(ti.getThreadId()) : -1;
        long user = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled() ? mx.getThreadUserTime(ti.getThreadId()) : -1;
        m.put("cpu_time_ms", cpu < 0 ? null : cpu / 1_000_000.0);
        m.put("user_time_ms", user < 0 ? null : user / 1_000_000.0);
        m.put("blocked_count", ti.getBlockedCount());
        m.put("blocked_time_ms", ti.getBlockedTime() < 0 ? null : ti.getBlockedTime());
        m.put("waited_count", ti.getWaitedCount());
        m.put("waited_time_ms", ti.getWaitedTime() < 0 ? null : ti.getWaitedTime());
        m.put("suspended", ti.isSuspended());
        m.put("in_native", ti.isInNative());
        m.put("lock", ti.getLockName());
        m.put("lock_owner_id", ti.getLockOwnerId() < 0 ? null : ti.getLockOwnerId());
        m.put("lock_owner_name", ti.getLockOwnerName());
        List<Object> frames = new ArrayList<>();
        for (StackTraceElement e : ti.getStackTrace()) {
            frames.add(e.toString());
        }
        m.put("frames", frames);
        List<Object> monitors = new ArrayList<>();
        for (MonitorInfo mi : ti.getLockedMonitors()) {
            Map<String, Object> lm = lock(mi);
            lm.put("frame_depth", mi.getLockedStackDepth());
            monitors.add(lm);
        }
        m.put("locked_monitors", monitors);
        List<Object> syncs = new ArrayList<>();
        for (LockInfo li : ti.getLockedSynchronizers()) {
            syncs.add(lock(li));
        }
        m.put("locked_synchronizers", syncs);
        return m;
    }

    private static Map<String, Object> lock(LockInfo li) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", li.getClassName());
        m.put("identity_hash", Integer.toHexString(li.getIdentityHashCode()));
        return m;
    }

    static Map<String, Object> deadlocks(int maxDepth) {
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
                    cycle.add(describe(mx, byId.get(id)));
                    placed.add(id);
                }
                cycles.add(cycle);
            }
        }
        List<Object> waiting = new ArrayList<>();
        for (Map.Entry<Long, ThreadInfo> e : byId.entrySet()) {
            if (!placed.contains(e.getKey())) {
                waiting.add(describe(mx, e.getValue()));
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
