package dev.pidbox.jmx.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Samples stacks with ThreadMXBean on the calling thread (no thread is started): every interval the names and states
 * of all threads are read without a safepoint, then the stacks of the selected ones, {@link ThreadHandlers#SLICE} per
 * safepoint. For {@code wall} every selected thread counts, its state as a leaf pseudo-frame ({@code [BLOCKED]});
 * for {@code cpu} (the fallback when JFR is missing) only a thread that is RUNNABLE and whose CPU time grew since the
 * previous sample. Stacks are read at safepoints, so they show where threads reach one, not exactly where they are.
 */
final class MxSampler {
    private MxSampler() {
    }

    static void sample(ProfileRequest request, StackCounts counts) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = request.mode == ProfileRequest.Mode.CPU;
        if (cpu && !(mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled())) {
            throw new IllegalStateException("this JVM has no JFR and does not measure per-thread CPU time, so a cpu"
                    + " profile is not available; use mode=wall");
        }
        Map<Long, Long> cpuBefore = new HashMap<>();
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(request.intervalMs);
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(request.durationMs);
        for (long tick = start; tick < end; tick += intervalNanos) {
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            } else if (Thread.interrupted()) {
                throw new InterruptedException("profile stopped");
            }
            once(mx, request, counts, cpu ? cpuBefore : null);
        }
    }

    private static void once(ThreadMXBean mx, ProfileRequest request, StackCounts counts, Map<Long, Long> cpuBefore) {
        List<Long> selected = new ArrayList<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
            if (ti == null) {
                continue;
            }
            if (ThreadHandlers.isOwn(ti.getThreadId(), ti.getThreadName())) {
                counts.own();
                continue;
            }
            if (request.threads != null && !Globs.matches(request.threads, ti.getThreadName())) {
                continue;
            }
            if (cpuBefore != null) {
                if (!ran(mx, ti, cpuBefore)) {
                    continue;
                }
            }
            selected.add(ti.getThreadId());
        }
        long[] ids = new long[selected.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = selected.get(i);
        }
        for (int from = 0; from < ids.length; from += ThreadHandlers.SLICE) {
            long[] part = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + ThreadHandlers.SLICE));
            // one frame more than kept, to know when a stack was cut
            for (ThreadInfo ti : mx.getThreadInfo(part, request.maxDepth + 1)) {
                if (ti == null) {
                    continue;
                }
                List<String> leafFirst = new ArrayList<>();
                for (StackTraceElement e : ti.getStackTrace()) {
                    leafFirst.add(e.getClassName() + "." + e.getMethodName());
                }
                List<String> frames = StackCounts.rootFirst(leafFirst, request.maxDepth, false);
                if (cpuBefore == null) {
                    frames.add("[" + ti.getThreadState().name() + "]");
                }
                counts.add(frames, 1);
            }
        }
    }

    /** Whether a thread is RUNNABLE and used CPU since the last look (the first look only records its time). */
    private static boolean ran(ThreadMXBean mx, ThreadInfo ti, Map<Long, Long> cpuBefore) {
        long now = mx.getThreadCpuTime(ti.getThreadId());
        Long before = cpuBefore.put(ti.getThreadId(), now);
        return ti.getThreadState() == Thread.State.RUNNABLE && before != null && now > before;
    }
}
