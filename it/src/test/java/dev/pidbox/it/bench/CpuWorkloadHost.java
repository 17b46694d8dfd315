package dev.pidbox.it.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A host JVM for the profiler-overhead benchmark: {@code CpuWorkloadHost WORKERS} starts WORKERS threads
 * ({@code work-N}) that do nothing but a fixed unit of CPU work (fill 2,048 ints from a generator, sort them, fold them
 * into a checksum, through a few Java frames) and count the units done. Prints {@code READY <pid>}; on stdin,
 * {@code count} answers {@code COUNT <nanoTime> <units> <workers' CPU ns> <process CPU ns>} (the host's own clocks,
 * so that a rate needs no guess at pipe latency; the CPU times let a window be read without the time other
 * processes took from it); EOF ends it. The workload allocates nothing after start, so that a collection does not blur a window.
 */
public final class CpuWorkloadHost {
    private static final int SIZE = 2048;
    /** One slot per worker, 16 longs apart so that workers do not share a cache line. */
    private static volatile AtomicLongArray counts;
    static volatile long sink;

    private CpuWorkloadHost() {
    }

    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[0]);
        counts = new AtomicLongArray(workers * 16);
        long[] ids = new long[workers];
        for (int i = 0; i < workers; i++) {
            int slot = i * 16;
            Thread t = new Thread(() -> work(slot), "work-" + i);
            t.setDaemon(true);
            t.start();
            ids[i] = t.getId();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("count")) {
                long sum = 0;
                for (int i = 0; i < counts.length(); i += 16) {
                    sum += counts.get(i);
                }
                long workerCpu = 0;
                for (long id : ids) {
                    workerCpu += Math.max(0, threads.getThreadCpuTime(id));
                }
                System.out.println("COUNT " + System.nanoTime() + " " + sum + " " + workerCpu + " "
                        + os.getProcessCpuTime());
                System.out.flush();
            }
        }
    }

    private static void work(int slot) {
        int[] a = new int[SIZE];
        long seed = slot + 1;
        long acc = 0;
        while (true) {
            seed = fill(a, seed);
            Arrays.sort(a);
            acc += checksum(a);
            counts.lazySet(slot, counts.get(slot) + 1);
            if ((acc & 0xFFFF) == 0) {
                sink = acc;
            }
        }
    }

    static long fill(int[] a, long seed) {
        long x = seed;
        for (int i = 0; i < a.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            a[i] = (int) (x >>> 33);
        }
        return x;
    }

    static long checksum(int[] a) {
        long h = 1125899906842597L;
        for (int v : a) {
            h = 31 * h + v;
        }
        return h;
    }
}
