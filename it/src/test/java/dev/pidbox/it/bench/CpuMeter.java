package dev.pidbox.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time of the processes a benchmark involves (the broker, the node host JVMs, the benchmark's own JVM), read from
 * {@code /proc/PID/stat} (utime + stime, in clock ticks of 10 ms) before and after a block of work, and told per
 * operation: where a gather's time goes on a machine whose two cores all of them share.
 */
final class CpuMeter {
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Long> start = new LinkedHashMap<>();

    /** Adds {@code pid} under {@code name}; several pids under one name are summed. */
    CpuMeter add(String name, long pid) {
        pids.put(name + "#" + pid, pid);
        return this;
    }

    /**
     * The RabbitMQ node's Erlang VM, when one runs on this machine: the {@code beam.smp} that boots {@code rabbit}
     * (not the short-lived ones of {@code rabbitmqctl}).
     */
    CpuMeter addBroker() {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false)
                        && cmdline(p.pid()).contains("rabbit\0boot"))
                .forEach(p -> add("broker", p.pid()));
        return this;
    }

    /** Reads every process's CPU time now. */
    void start() throws IOException {
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            start.put(e.getKey(), ticks(e.getValue()));
        }
    }

    /** "broker 41.0, hosts 16.3, client 7.2 ms CPU per gather": the CPU time since {@link #start} over {@code ops}. */
    String perOp(int ops, String what) throws IOException {
        return format(elapsed(), ops, what);
    }

    /** The clock ticks each name's processes spent since {@link #start}. */
    Map<String, Long> elapsed() throws IOException {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().indexOf('#'));
            sums.merge(name, ticks(e.getValue()) - start.get(e.getKey()), Long::sum);
        }
        return sums;
    }

    /** {@code ticks} (from {@link #elapsed}, or sums of them) told in ms per operation, and their total. */
    static String format(Map<String, Long> ticks, int ops, String what) {
        StringJoiner out = new StringJoiner(", ", "", " ms CPU per " + what);
        long total = 0;
        for (Map.Entry<String, Long> e : ticks.entrySet()) {
            total += e.getValue();
            out.add(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() * 10.0 / ops));
        }
        out.add(String.format(Locale.ROOT, "all %.1f", total * 10.0 / ops));
        return out.toString();
    }

    /** The process's arguments as {@code /proc} has them, NUL-separated (ProcessHandle's view is truncated). */
    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static long ticks(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }
}
