package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.spi.Threads;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** Threads whose stacks are walked in one safepoint; a dump of more takes several short stops. */
    static final int SLICE = 64;
    static final String OWN_PREFIX = "pidbox-";

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        int defaultDepth = new Config(config).getInt("threads.max_depth", 32, 0, 1024);
        int maxBytes = new Config(config).getInt("reply.max_bytes", ReplyCap.DEFAULT_MAX_BYTES, 256, Integer.MAX_VALUE);
        HandlerDefinition threads = HandlerDefinition.builder("threads")
                .description("A structured thread dump: state, CPU time, locks, frames, counts per state and deadlocked"
                        + " ids; filter by state and name glob, top=N busiest threads by CPU over interval_ms, or"
                        + " summary=true for the counts alone")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("state", ArgType.ANY, null,
                        "only threads in this state or list of states (RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, NEW, TERMINATED)"))
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only threads whose name matches this glob"))
                .argument(ArgumentSpec.optional("max_depth", ArgType.INTEGER, defaultDepth, "frames per thread, 0 for none"))
                .argument(ArgumentSpec.optional("locks", ArgType.BOOLEAN, true, "include the monitors each thread holds"))
                .argument(ArgumentSpec.optional("synchronizers", ArgType.BOOLEAN, false,
                        "include locked ownable synchronizers (java.util.concurrent locks); HotSpot finds them by walking"
                                + " the whole heap while the JVM is stopped, so this costs the host a pause"))
                .argument(ArgumentSpec.optional("summary", ArgType.BOOLEAN, false,
                        "counts per state and deadlocked ids only, no stacks (no safepoint for the dump)"))
                .argument(ArgumentSpec.optional("fold", ArgType.BOOLEAN, false,
                        "list threads with the same state, stack and lock classes once, with count, names and ids"))
                .argument(ArgumentSpec.optional("own", ArgType.BOOLEAN, false,
                        "include pidbox's own threads (pidbox-*), which are otherwise counted in own_threads and left out"))
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
                    Request request = new Request();
                    request.states = states;
                    request.glob = args.getString("name");
                    request.maxDepth = maxDepth;
                    request.locks = args.getBoolean("locks", true);
                    request.synchronizers = args.getBoolean("synchronizers", false);
                    request.top = top;
                    request.intervalMs = interval;
                    request.summary = args.getBoolean("summary", false);
                    request.own = args.getBoolean("own", false);
                    request.fold = args.getBoolean("fold", false);
                    request.maxBytes = maxBytes;
                    return threads(request);
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
                    return Deadlocks.cycles(maxDepth);
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

    /**
     * The reply of {@code threads}. It costs the host only what was asked for: the names and states of every thread
     * are read without stopping the JVM ({@code getThreadInfo(ids, 0)}); CPU times come in one batch; stacks are
     * walked only for the threads that will be listed ({@code top} walks N), a slice of {@link #SLICE} threads per
     * safepoint, so a JVM with thousands of threads never stops for the whole dump at once; ownable synchronizers,
     * which HotSpot finds by walking the whole heap at a safepoint, only when asked for. A {@code summary} walks no
     * stack at all. pidbox's own threads ({@code pidbox-*}) are counted but left out unless {@code own}.
     */
    static Map<String, Object> threads(Request request) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuTimes = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
        if (request.top != null && !cpuTimes) {
            throw new IllegalStateException("this JVM does not measure per-thread CPU time, so top is not available");
        }
        long[] all = mx.getAllThreadIds();
        long[] before = request.top == null ? null : CpuTimes.of(all, mx::getThreadCpuTime);
        long sampledAt = System.nanoTime();
        if (request.top != null) {
            Thread.sleep(request.intervalMs);
        }
        // Names and states only: with a depth of 0 HotSpot reads them without a safepoint.
        ThreadInfo[] basic = mx.getThreadInfo(all, 0);
        int own = 0;
        List<ThreadInfo> selected = new ArrayList<>();
        Map<String, Object> stateCounts = new LinkedHashMap<>();
        for (ThreadInfo ti : basic) {
            if (ti == null) {
                continue;
            }
            if (isOwn(ti.getThreadId(), ti.getThreadName())) {
                own++;
                if (!request.own) {
                    continue;
                }
            }
            if (request.states != null && !request.states.contains(ti.getThreadState())
                    || request.glob != null && !Globs.matches(request.glob, ti.getThreadName())) {
                continue;
            }
            selected.add(ti);
            String state = ti.getThreadState().name();
            stateCounts.put(state, ((Integer) stateCounts.getOrDefault(state, 0)) + 1);
        }
        Map<Long, Double> cpuPercent = null;
        Map<Long, Double> cpuDeltaMs = null;
        if (request.top != null) {
            long[] ids = ids(selected);
            long[] after = CpuTimes.of(ids, mx::getThreadCpuTime);
            Map<Long, Long> earlier = new HashMap<>();
            for (int i = 0; i < all.length; i++) {
                earlier.put(all[i], before[i]);
            }
            double wallNanos = Math.max(1, System.nanoTime() - sampledAt);
            cpuPercent = new HashMap<>();
            cpuDeltaMs = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                if (after[i] < 0) {
                    continue;
                }
                long delta = after[i] - Math.max(0, earlier.getOrDefault(ids[i], 0L));
                cpuDeltaMs.put(ids[i], delta / 1_000_000.0);
                cpuPercent.put(ids[i], Math.round(delta / wallNanos * 1000) / 10.0);
            }
            final Map<Long, Double> d = cpuDeltaMs;
            selected.sort((a, b) -> Double.compare(d.getOrDefault(b.getThreadId(), -1.0),
                    d.getOrDefault(a.getThreadId(), -1.0)));
            if (selected.size() > request.top) {
                selected = new ArrayList<>(selected.subList(0, request.top));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("thread_count", mx.getThreadCount());
        out.put("daemon_count", mx.getDaemonThreadCount());
        out.put("peak_count", mx.getPeakThreadCount());
        out.put("states", stateCounts);
        out.put("own_threads", own);
        out.put("own_included", request.own);
        List<Object> deadlockedIds = Deadlocks.ids(mx);
        Set<Long> deadlocked = new HashSet<>();
        for (Object id : deadlockedIds) {
            deadlocked.add((Long) id);
        }
        out.put("deadlocked", deadlockedIds);
        if (request.summary) {
            return out;
        }
        List<ThreadInfo> walked = stacks(mx, ids(selected), request);
        List<List<ThreadInfo>> groups = request.fold && request.top == null ? fold(walked, deadlocked)
                : singletons(walked);
        List<Object> list = new ArrayList<>();
        long size = 200;
        int listed = 0;
        for (List<ThreadInfo> group : groups) {
            ThreadInfo ti = group.get(0);
            Map<String, Object> m = describe(mx, ti);
            if (cpuPercent != null) {
                m.put("cpu_delta_ms", cpuDeltaMs.get(ti.getThreadId()));
                m.put("cpu_percent", cpuPercent.get(ti.getThreadId()));
            }
            if (request.fold) {
                List<Object> names = new ArrayList<>();
                List<Object> groupIds = new ArrayList<>();
                for (ThreadInfo member : group) {
                    names.add(member.getThreadName());
                    groupIds.add(member.getThreadId());
                }
                m.put("count", group.size());
                m.put("names", names);
                m.put("ids", groupIds);
            }
            size += estimate(m);
            if (size > request.maxBytes && !list.isEmpty()) {
                break;
            }
            list.add(m);
            listed += group.size();
        }
        out.put("matched", walked.size());
        if (request.top != null) {
            out.put("interval_ms", request.intervalMs);
        }
        if (listed < walked.size()) {
            // Cut here rather than by the reply cap: describing threads that cannot be sent is garbage the host
            // collects while stopped, and every young pause scans each of its thread stacks.
            Map<String, Object> cut = new LinkedHashMap<>();
            cut.put("total", walked.size());
            cut.put("kept", listed);
            Map<String, Object> lists = new LinkedHashMap<>();
            lists.put("threads", cut);
            Map<String, Object> truncation = new LinkedHashMap<>();
            truncation.put("max_bytes", request.maxBytes);
            truncation.put("reason", "the threads that fit in the reply are listed; fold=true, max_depth, state or"
                    + " name make a dump of many threads smaller");
            truncation.put("lists", lists);
            out.put("truncated", true);
            out.put("truncation", truncation);
        }
        out.put("threads", list);
        return out;
    }

    /** Each thread alone. */
    private static List<List<ThreadInfo>> singletons(List<ThreadInfo> threads) {
        List<List<ThreadInfo>> out = new ArrayList<>(threads.size());
        for (ThreadInfo ti : threads) {
            out.add(Collections.singletonList(ti));
        }
        return out;
    }

    /**
     * Threads with the same state, daemon flag, frames, lock class and held monitor classes (at the same depths), in
     * groups in the order of their first member. Identity hashes are compared only where they tell who waits for
     * whom: a thread waiting for a lock another thread owns keeps that owner in its key, a monitor some thread
     * waits for keeps its hash, and a thread in a deadlock is never folded. So the threads of one pool, each
     * holding a lock of its own nobody wants, fold into one group, and a contended lock is still shown with its
     * holder.
     */
    static List<List<ThreadInfo>> fold(List<ThreadInfo> threads, Set<Long> deadlocked) {
        Set<Integer> wanted = new HashSet<>();
        for (ThreadInfo ti : threads) {
            if (ti.getLockInfo() != null && ti.getLockOwnerId() >= 0) {
                wanted.add(ti.getLockInfo().getIdentityHashCode());
            }
        }
        Map<List<Object>, List<ThreadInfo>> groups = new LinkedHashMap<>();
        for (ThreadInfo ti : threads) {
            List<Object> key = new ArrayList<>();
            if (deadlocked.contains(ti.getThreadId())) {
                key.add(ti.getThreadId());
            }
            key.add(ti.getThreadState());
            key.add(ti.isDaemon());
            LockInfo lock = ti.getLockInfo();
            key.add(lock == null ? null : lock.getClassName());
            key.add(ti.getLockOwnerId());
            key.add(Arrays.asList(ti.getStackTrace()));
            for (MonitorInfo mi : ti.getLockedMonitors()) {
                key.add(mi.getClassName() + "@" + mi.getLockedStackDepth()
                        + (wanted.contains(mi.getIdentityHashCode()) ? "#" + mi.getIdentityHashCode() : ""));
            }
            for (LockInfo li : ti.getLockedSynchronizers()) {
                key.add(li.getClassName()
                        + (wanted.contains(li.getIdentityHashCode()) ? "#" + li.getIdentityHashCode() : ""));
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(ti);
        }
        return new ArrayList<>(groups.values());
    }

    /** A generous estimate of a described thread's JSON size, without encoding it. */
    private static long estimate(Map<String, Object> described) {
        long size = 400;
        for (Object v : described.values()) {
            if (v instanceof List) {
                for (Object e : (List<?>) v) {
                    size += e instanceof String ? ((String) e).length() + 4 : 80;
                }
            } else if (v instanceof String) {
                size += ((String) v).length();
            }
        }
        return size;
    }

    /**
     * Whether a thread is pidbox's own: started by {@link Threads} (its connection reader is renamed {@code AMQP
     * Connection ...} by amqp-client), or named {@code pidbox-*} as everything pidbox starts is.
     */
    static boolean isOwn(long id, String threadName) {
        return Threads.isOwn(id) || threadName != null && threadName.startsWith(OWN_PREFIX);
    }

    /**
     * Full thread infos for {@code ids}, in their order, threads that ended meanwhile left out. Without
     * synchronizers, one safepoint per slice of {@link #SLICE} threads; with them, one call (each would walk the heap).
     */
    private static List<ThreadInfo> stacks(ThreadMXBean mx, long[] ids, Request request) {
        boolean monitors = request.locks && mx.isObjectMonitorUsageSupported();
        boolean synchronizers = request.synchronizers && mx.isSynchronizerUsageSupported();
        int slice = synchronizers ? Math.max(1, ids.length) : SLICE;
        List<ThreadInfo> out = new ArrayList<>(ids.length);
        for (int from = 0; from < ids.length; from += slice) {
            long[] part = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + slice));
            for (ThreadInfo ti : mx.getThreadInfo(part, monitors, synchronizers, request.maxDepth)) {
                if (ti != null) {
                    out.add(ti);
                }
            }
        }
        return out;
    }

    private static long[] ids(List<ThreadInfo> infos) {
        long[] ids = new long[infos.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = infos.get(i).getThreadId();
        }
        return ids;
    }

    /** The arguments of one {@code threads} call. */
    static final class Request {
        Set<Thread.State> states;
        String glob;
        int maxDepth;
        boolean locks = true;
        boolean synchronizers;
        Integer top;
        int intervalMs = 500;
        boolean summary;
        boolean own;
        boolean fold;
        long maxBytes = ReplyCap.DEFAULT_MAX_BYTES;
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
}
