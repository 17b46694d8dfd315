package dev.pidbox.jmx.internal;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongUnaryOperator;

/** Per-thread CPU times, in one call for many threads where the JVM offers it (HotSpot's extended ThreadMXBean). */
final class CpuTimes {
    private CpuTimes() {
    }

    /**
     * CPU nanoseconds of each thread in {@code ids}, -1 for a thread that ended or is not measured; {@code single}
     * reads one thread where there is no batch call.
     */
    static long[] of(long[] ids, LongUnaryOperator single) {
        Object mx = ManagementFactory.getThreadMXBean();
        if (mx instanceof ThreadMXBean) {
            return ((ThreadMXBean) mx).getThreadCpuTime(ids);
        }
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = single.applyAsLong(ids[i]);
        }
        return out;
    }
}
