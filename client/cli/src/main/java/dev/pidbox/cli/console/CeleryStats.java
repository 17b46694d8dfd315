package dev.pidbox.cli.console;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Celery's {@code stats} reply as the few {@code vitals} fields the console shows: pid, uptime, CPU time (from
 * {@code rusage}: user plus system, of the worker's main process), resident set (its peak, {@code maxrss}) and the
 * pool's concurrency. Celery gives uptime in whole seconds, too coarse for a CPU rate over a 2 s interval, so the
 * uptime is counted from the start time learned at the first answer of each process, in milliseconds.
 * CPU percentages of Celery workers are of one core ({@code available_processors} 1): {@code stats} does not say
 * how many the machine has.
 */
final class CeleryStats {
    private CeleryStats() {
    }

    /**
     * @param start the node's remembered {pid, start epoch ms}, updated when the pid changes or on first use
     */
    static Map<String, Object> asVitals(Map<String, Object> stats, Instant arrival, long[] start) {
        Map<String, Object> v = new LinkedHashMap<>();
        Long pid = number(stats.get("pid"));
        Double uptime = decimal(stats.get("uptime"));
        long now = arrival.toEpochMilli();
        if (pid != null && uptime != null && (start[0] != pid || start[1] == 0)) {
            start[0] = pid;
            start[1] = now - Math.round(uptime * 1000);
        }
        v.put("pid", pid);
        v.put("uptime_ms", pid != null && start[1] != 0 ? now - start[1] : null);
        Object rusage = stats.get("rusage");
        if (rusage instanceof Map) {
            Double user = decimal(((Map<?, ?>) rusage).get("utime"));
            Double system = decimal(((Map<?, ?>) rusage).get("stime"));
            Long maxrss = number(((Map<?, ?>) rusage).get("maxrss"));
            v.put("process_cpu_time_ms", user == null || system == null ? null : Math.round((user + system) * 1000));
            // Linux reports ru_maxrss in KiB.
            v.put("rss_bytes", maxrss == null ? null : maxrss * 1024);
        }
        v.put("available_processors", 1);
        Object pool = stats.get("pool");
        if (pool instanceof Map) {
            v.put("concurrency", number(((Map<?, ?>) pool).get("max-concurrency")));
        }
        Object broker = stats.get("broker");
        if (broker instanceof Map) {
            v.put("broker_hostname", ((Map<?, ?>) broker).get("hostname"));
        }
        v.put("runtime", "celery");
        return v;
    }

    private static Long number(Object o) {
        return o instanceof Number ? ((Number) o).longValue() : null;
    }

    private static Double decimal(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : null;
    }
}
