package dev.pidbox.jmx.internal;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.jmx.Redactor;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** {@code runtime}: what JVM this is, since when, started how (with secrets masked) and on what machine. */
public final class RuntimeHandlers implements HandlerProvider {
    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Redactor redactor = Redactor.withExtraWords(new Config(config).get("mask.keys"));
        return Collections.singletonList(HandlerDefinition.builder("runtime")
                .description("JVM name, vendor, version, pid, uptime, start time, main class, input arguments"
                        + " (redacted), processors, load average and the node's tags")
                .tier(Tier.READ)
                .strictArguments(true)
                .handler((ctx, args) -> {
                    Map<String, Object> out = runtime(redactor);
                    // The node's tags, so that `pidbox nodes` shows them and `--where` can select on them.
                    out.put("tags", new LinkedHashMap<>(ctx.tags()));
                    return out;
                })
                .build());
    }

    static Map<String, Object> runtime(Redactor redactor) {
        RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vm_name", rt.getVmName());
        out.put("vm_vendor", rt.getVmVendor());
        out.put("vm_version", rt.getVmVersion());
        out.put("java_version", System.getProperty("java.version"));
        out.put("spec_version", rt.getSpecVersion());
        out.put("pid", ProcessHandle.current().pid());
        out.put("uptime_ms", rt.getUptime());
        out.put("start_time", Instant.ofEpochMilli(rt.getStartTime()).toString());
        out.put("start_time_ms", rt.getStartTime());
        String command = System.getProperty("sun.java.command");
        out.put("main_class", mainClass(command));
        out.put("command", redactor.commandLine(command));
        out.put("input_arguments", redactor.arguments(rt.getInputArguments()));
        out.put("available_processors", os.getAvailableProcessors());
        double load = os.getSystemLoadAverage();
        out.put("system_load_average", load < 0 ? null : load);
        out.put("os_name", os.getName());
        out.put("os_arch", os.getArch());
        out.put("os_version", os.getVersion());
        return out;
    }

    /** The first word of {@code sun.java.command}: the main class, or the jar for {@code java -jar}. */
    static String mainClass(String command) {
        if (command == null || command.trim().isEmpty()) {
            return null;
        }
        String first = command.trim().split(" ", 2)[0];
        return first;
    }
}
