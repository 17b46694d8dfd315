package dev.pidbox.jmx.internal;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import com.sun.management.OperatingSystemMXBean;
import dev.pidbox.Tier;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code vitals}: a small, cheap reply for a live fleet view ({@code pidbox top}): heap, threads, classes, CPU, GC
 * and uptime in one flat map. It reads counters only; nothing here stops the world (no thread dump, no histogram).
 * CPU time, GC count and GC time are cumulative, so a client that asks twice computes the rates of the interval
 * between the two answers exactly, with {@code uptime_ms} (read on the same node) as the wall clock.
 */
public final class VitalsHandlers implements HandlerProvider {
    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return Collections.singletonList(HandlerDefinition.builder("vitals")
                .description("Heap, threads, loaded classes, process CPU (load and cumulative time), GC count and time"
                        + " (cumulative, over every collector), uptime, Java version, pid and the node's tags; cheap, for pidbox top and the"
                        + " console")
                .tier(Tier.READ)
                .strictArguments(true)
                .handler((ctx, args) -> {
                    Map<String, Object> out = vitals();
                    // The node's tags, so that a live view (the console) can group and select without asking runtime.
                    out.put("tags", new LinkedHashMap<>(ctx.tags()));
                    return out;
                })
                .build());
    }

    static Map<String, Object> vitals() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        var os = ManagementFactory.getOperatingSystemMXBean();
        long gcCount = 0;
        long gcTime = 0;
        boolean gcKnown = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            // -1: this collector does not report it; the sums are over the collectors that do.
            if (gc.getCollectionCount() >= 0) {
                gcCount += gc.getCollectionCount();
                gcKnown = true;
            }
            if (gc.getCollectionTime() >= 0) {
                gcTime += gc.getCollectionTime();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heap_used", heap.getUsed());
        out.put("heap_committed", heap.getCommitted());
        out.put("heap_max", heap.getMax() < 0 ? null : heap.getMax());
        out.put("non_heap_used", nonHeap.getUsed());
        out.put("threads", threads.getThreadCount());
        out.put("daemon_threads", threads.getDaemonThreadCount());
        out.put("peak_threads", threads.getPeakThreadCount());
        out.put("loaded_classes", classes.getLoadedClassCount());
        out.put("process_cpu_load", processCpuLoad(os));
        out.put("process_cpu_time_ms", processCpuTimeMillis(os));
        out.put("available_processors", os.getAvailableProcessors());
        double load = os.getSystemLoadAverage();
        out.put("system_load_average", load < 0 ? null : load);
        out.put("gc_count", gcKnown ? gcCount : null);
        out.put("gc_time_ms", gcKnown ? gcTime : null);
        out.put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
        out.put("java_version", System.getProperty("java.version"));
        out.put("pid", ProcessHandle.current().pid());
        return out;
    }

    /** The process's share of the whole machine's CPU, 0.0 to 1.0, since the last read; null where unknown. */
    static Double processCpuLoad(Object os) {
        try {
            if (!(os instanceof OperatingSystemMXBean)) {
                return null;
            }
            double load = ((OperatingSystemMXBean) os).getProcessCpuLoad();
            return load < 0 || Double.isNaN(load) ? null : load;
        } catch (LinkageError e) {
            return null; // a runtime without the jdk.management module
        }
    }

    /** CPU time used by the whole process since it started, in milliseconds; null where unknown. */
    static Long processCpuTimeMillis(Object os) {
        try {
            if (!(os instanceof OperatingSystemMXBean)) {
                return null;
            }
            long nanos = ((OperatingSystemMXBean) os).getProcessCpuTime();
            return nanos < 0 ? null : nanos / 1_000_000;
        } catch (LinkageError e) {
            return null;
        }
    }
}
