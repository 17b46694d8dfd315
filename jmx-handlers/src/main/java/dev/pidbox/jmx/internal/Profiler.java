package dev.pidbox.jmx.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one profile at a time in this JVM, on the caller's thread (a handler thread of the node): JFR where the JVM
 * has it and the mode's events, ThreadMXBean sampling for {@code wall} and as the {@code cpu} fallback (the reply
 * then says why in {@code fallback}). A second profile while one runs is refused with an error naming the running
 * one. An interrupt (the node closing, the agent detaching, the time limit) ends the sampling at once: the JFR
 * recording is closed and the temporary file deleted before the interrupt travels on.
 */
final class Profiler {
    private static final AtomicReference<Running> RUNNING = new AtomicReference<>();

    private Profiler() {
    }

    /** The profile running now. */
    private static final class Running {
        final ProfileRequest request;
        final long startedNanos = System.nanoTime();

        Running(ProfileRequest request) {
            this.request = request;
        }
    }

    /** Whether a profile is running in this JVM now. */
    static boolean running() {
        return RUNNING.get() != null;
    }

    static Map<String, Object> run(ProfileRequest request) throws Exception {
        Running me = new Running(request);
        if (!RUNNING.compareAndSet(null, me)) {
            Running other = RUNNING.get();
            throw new IllegalStateException("a profile is already running in this JVM ("
                    + (other == null ? "just ending" : other.request.describe(other.startedNanos))
                    + "); one runs at a time, try again when it ends");
        }
        try {
            return profile(request, me.startedNanos);
        } finally {
            RUNNING.compareAndSet(me, null);
        }
    }

    private static Map<String, Object> profile(ProfileRequest request, long started) throws Exception {
        StackCounts counts = new StackCounts();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("mode", request.mode.wireName());
        String unavailable = null;
        List<String> events = Collections.emptyList();
        if (request.mode != ProfileRequest.Mode.WALL) {
            unavailable = request.jfr ? jfrUnavailable() : "jfr=false was asked";
            if (unavailable == null) {
                events = JfrSampler.events(request.mode);
                if (events.isEmpty()) {
                    unavailable = "this JVM's JFR has no " + (request.mode == ProfileRequest.Mode.CPU
                            ? JfrSampler.EXECUTION : "allocation") + " event";
                }
            }
        }
        if (request.mode == ProfileRequest.Mode.ALLOC && unavailable != null) {
            throw new IllegalStateException("an alloc profile needs the JFR allocation events: " + unavailable);
        }
        boolean jfr = request.mode != ProfileRequest.Mode.WALL && unavailable == null;
        header.put("source", jfr ? "jfr" : "threadmxbean");
        header.put("events", events);
        if (request.mode == ProfileRequest.Mode.CPU && !jfr) {
            header.put("fallback", unavailable + "; sampled with ThreadMXBean instead: RUNNABLE threads whose CPU time"
                    + " grew, at safepoints");
        }
        header.put("unit", request.mode == ProfileRequest.Mode.ALLOC ? "bytes" : "samples");
        header.put("duration_ms", request.durationMs);
        header.put("interval_ms", request.intervalMs);
        header.put("name", request.threads);
        header.put("max_depth", request.maxDepth);
        if (jfr) {
            JfrSampler.sample(request, events, counts);
        } else {
            MxSampler.sample(request, counts);
        }
        header.put("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        header.put("distinct_stacks", counts.distinct());
        return counts.reply(header, request.maxBytes);
    }

    /** Why JFR cannot be used, or null; a JVM without the jdk.jfr module fails to link {@link JfrSampler}. */
    private static String jfrUnavailable() {
        try {
            return JfrSampler.unavailable();
        } catch (LinkageError e) {
            return "this JVM has no JFR (module jdk.jfr not present)";
        }
    }
}
