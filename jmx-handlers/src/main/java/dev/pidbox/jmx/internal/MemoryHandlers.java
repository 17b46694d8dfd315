package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.ObjectName;

/**
 * {@code memory} (heap, non-heap, pools, buffer pools, collectors), {@code histogram} (the class histogram
 * of the DiagnosticCommand MBean, parsed into rows) and {@code heap_dump} (an .hprof written on this host;
 * the reply carries its path, size and sha256, never its content).
 */
public final class MemoryHandlers implements HandlerProvider {
    private static final Pattern HISTOGRAM_ROW = Pattern.compile(
            "^\\s*(\\d+):\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\((.*)\\))?\\s*$");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^\\s*Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern DUMP_FILE = Pattern.compile("[A-Za-z0-9._\\-]+\\.hprof");

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Config cfg = new Config(config);
        int defaultTop = cfg.getInt("histogram.top", 20, 1, 100_000);
        String dumpDir = cfg.get("heap_dump.dir");
        HandlerDefinition memory = HandlerDefinition.builder("memory")
                .description("Heap and non-heap usage, every memory pool, buffer pools, and each collector's count and time")
                .tier(Tier.READ)
                .strictArguments(true)
                .handler((ctx, args) -> memory())
                .build();
        HandlerDefinition histogram = HandlerDefinition.builder("histogram")
                .description("The top classes by bytes on the heap (GC.class_histogram), as rows")
                .tier(Tier.READ)
                .rateLimit(10, Duration.ofMinutes(1))
                .strictArguments(true)
                .argument(ArgumentSpec.optional("top", ArgType.INTEGER, defaultTop, "rows to return, by bytes"))
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only classes whose name matches this glob"))
                .argument(ArgumentSpec.optional("all", ArgType.BOOLEAN, false,
                        "count unreachable objects too (no full GC first)"))
                .handler((ctx, args) -> {
                    int top = args.getInt("top", defaultTop);
                    if (top < 1 || top > 100_000) {
                        throw new ArgumentException("histogram() argument 'top' must be in 1..100000, got " + top);
                    }
                    return histogram(top, args.getString("name"), args.getBoolean("all", false));
                })
                .build();
        HandlerDefinition heapDump = HandlerDefinition.builder("heap_dump")
                .description("Writes an .hprof heap dump on this node's host and replies its path, size and sha256")
                .tier(Tier.DANGEROUS)
                .rateLimit(1, Duration.ofMinutes(1))
                .timeout(Duration.ofMinutes(5))
                .strictArguments(true)
                .argument(ArgumentSpec.optional("file", ArgType.STRING, null,
                        "file name (*.hprof) inside the configured heap_dump.dir; default pidbox-<pid>-<time>.hprof"))
                .argument(ArgumentSpec.optional("live", ArgType.BOOLEAN, true, "only live objects (runs a full GC first)"))
                .handler((ctx, args) -> heapDump(dumpDir, args.getString("file"), args.getBoolean("live", true)))
                .build();
        return Arrays.asList(memory, histogram, heapDump);
    }

    static Map<String, Object> memory() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heap", usage(mem.getHeapMemoryUsage()));
        out.put("non_heap", usage(mem.getNonHeapMemoryUsage()));
        out.put("pending_finalization", mem.getObjectPendingFinalizationCount());
        List<Object> pools = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.getName());
            m.put("type", p.getType().name());
            m.put("valid", p.isValid());
            m.put("usage", usage(p.getUsage()));
            m.put("peak", usage(p.getPeakUsage()));
            m.put("collection_usage", usage(p.getCollectionUsage()));
            m.put("managers", Arrays.asList(p.getMemoryManagerNames()));
            pools.add(m);
        }
        out.put("pools", pools);
        List<Object> buffers = new ArrayList<>();
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.getName());
            m.put("count", b.getCount());
            m.put("memory_used", b.getMemoryUsed());
            m.put("total_capacity", b.getTotalCapacity());
            buffers.add(m);
        }
        out.put("buffer_pools", buffers);
        List<Object> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", gc.getName());
            m.put("count", gc.getCollectionCount() < 0 ? null : gc.getCollectionCount());
            m.put("time_ms", gc.getCollectionTime() < 0 ? null : gc.getCollectionTime());
            m.put("pools", Arrays.asList(gc.getMemoryPoolNames()));
            gcs.add(m);
        }
        out.put("collectors", gcs);
        return out;
    }

    private static Map<String, Object> usage(MemoryUsage u) {
        if (u == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("init", u.getInit() < 0 ? null : u.getInit());
        m.put("used", u.getUsed());
        m.put("committed", u.getCommitted());
        m.put("max", u.getMax() < 0 ? null : u.getMax());
        return m;
    }

    static Map<String, Object> histogram(int top, String glob, boolean all) throws JMException {
        String text = diagnosticCommand("gcClassHistogram", all ? new String[] {"-all"} : new String[0]);
        return parseHistogram(text, top, glob);
    }

    static Map<String, Object> parseHistogram(String text, int top, String glob) {
        List<Object> rows = new ArrayList<>();
        int classes = 0;
        Long totalInstances = null;
        Long totalBytes = null;
        for (String line : text.split("\\R")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.matches()) {
                classes++;
                String name = m.group(4);
                if (rows.size() >= top || glob != null && !Globs.matches(glob, name)) {
                    continue;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rank", Integer.parseInt(m.group(1)));
                row.put("instances", Long.parseLong(m.group(2)));
                row.put("bytes", Long.parseLong(m.group(3)));
                row.put("class", name);
                row.put("module", m.group(5));
                rows.add(row);
                continue;
            }
            Matcher t = HISTOGRAM_TOTAL.matcher(line);
            if (t.matches()) {
                totalInstances = Long.parseLong(t.group(1));
                totalBytes = Long.parseLong(t.group(2));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("classes", classes);
        out.put("total_instances", totalInstances);
        out.put("total_bytes", totalBytes);
        out.put("rows", rows);
        return out;
    }

    /** Runs a DiagnosticCommand operation (the dedicated path; the generic bridge refuses this MBean). */
    static String diagnosticCommand(String operation, String[] arguments) throws JMException {
        ObjectName name = new ObjectName(MBeanAccess.DIAGNOSTIC_COMMAND);
        try {
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(name, operation,
                    new Object[] {arguments}, new String[] {String[].class.getName()});
            return String.valueOf(result);
        } catch (InstanceNotFoundException e) {
            throw new IllegalStateException("this JVM has no DiagnosticCommand MBean (not a HotSpot JVM?)", e);
        }
    }

    static Map<String, Object> heapDump(String configuredDir, String file, boolean live) throws Exception {
        Path dir = Paths.get(configuredDir != null ? configuredDir : System.getProperty("java.io.tmpdir"));
        String fileName = file != null ? file
                : "pidbox-" + ProcessHandle.current().pid() + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".hprof";
        if (!DUMP_FILE.matcher(fileName).matches()) {
            throw new ArgumentException("heap_dump() argument 'file' must be a plain file name ending in .hprof"
                    + " (letters, digits, '.', '_', '-'), got '" + fileName + "'; the directory is set by heap_dump.dir");
        }
        Path target = dir.resolve(fileName).toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new ArgumentException("heap_dump() file " + target + " already exists");
        }
        Files.createDirectories(dir);
        long start = System.nanoTime();
        ObjectName hotspot = new ObjectName("com.sun.management:type=HotSpotDiagnostic");
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(hotspot, "dumpHeap",
                    new Object[] {target.toString(), live}, new String[] {String.class.getName(), boolean.class.getName()});
        } catch (InstanceNotFoundException e) {
            throw new IllegalStateException("this JVM has no HotSpotDiagnostic MBean, so it cannot write heap dumps", e);
        } catch (MBeanException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("heap dump to " + target + " failed: " + cause.getMessage(), cause);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", target.toString());
        out.put("size_bytes", Files.size(target));
        out.put("sha256", sha256(target));
        out.put("live", live);
        out.put("duration_ms", millis);
        return out;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : digest.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
