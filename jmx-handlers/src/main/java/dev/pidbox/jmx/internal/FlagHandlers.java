package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.RuntimeOperationsException;
import javax.management.openmbean.CompositeData;

/**
 * {@code flags}: VM options as HotSpotDiagnosticMXBean reports them (value, origin, writeable);
 * {@code set_flag}: changes a manageable one.
 */
public final class FlagHandlers implements HandlerProvider {
    private static final Pattern FLAG_SETTING = Pattern.compile("-XX:([+-]?)([A-Za-z0-9_]+)(?:=.*)?");
    private static final Pattern FLAG_LINE = Pattern.compile("^\\s*\\S+\\s+([A-Za-z0-9_]+)\\s+:?=.*$");

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        HandlerDefinition flags = HandlerDefinition.builder("flags")
                .description("VM flags with value, origin and whether they are manageable; by default those set"
                        + " explicitly or ergonomically and the manageable ones, all=true for every flag")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only flags matching this glob"))
                .argument(ArgumentSpec.optional("all", ArgType.BOOLEAN, false, "list every flag the JVM knows"))
                .handler((ctx, args) -> flags(args.getString("name"), args.getBoolean("all", false)))
                .build();
        HandlerDefinition setFlag = HandlerDefinition.builder("set_flag")
                .description("Sets a manageable VM flag (e.g. HeapDumpOnOutOfMemoryError) and replies old and new value")
                .tier(Tier.MUTATE)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "the flag's name, without -XX:"))
                .argument(ArgumentSpec.required("value", ArgType.ANY, "the new value (string, number or boolean)"))
                .handler((ctx, args) -> setFlag(args.getString("name"), args.get("value")))
                .build();
        return Arrays.asList(flags, setFlag);
    }

    static ObjectName hotspot() throws JMException {
        return new ObjectName("com.sun.management:type=HotSpotDiagnostic");
    }

    static Map<String, Object> flags(String glob, boolean all) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        String output;
        try {
            output = MemoryHandlers.diagnosticCommand("vmFlags", all ? new String[] {"-all"} : new String[0]);
        } catch (IllegalStateException e) {
            output = "";
        }
        if (all) {
            for (String line : output.split("\\R")) {
                Matcher m = FLAG_LINE.matcher(line);
                if (m.matches()) {
                    names.add(m.group(1));
                }
            }
        } else {
            for (String word : output.trim().split("\\s+")) {
                Matcher m = FLAG_SETTING.matcher(word);
                if (m.matches()) {
                    names.add(m.group(2));
                }
            }
            try {
                for (Object o : (Object[]) server.getAttribute(hotspot(), "DiagnosticOptions")) {
                    names.add(String.valueOf(((CompositeData) o).get("name")));
                }
            } catch (InstanceNotFoundException e) {
                throw new IllegalStateException("this JVM has no HotSpotDiagnostic MBean", e);
            }
        }
        List<Object> flags = new ArrayList<>();
        for (String name : names) {
            if (glob != null && !Globs.matches(glob, name)) {
                continue;
            }
            CompositeData option = option(server, name);
            if (option != null) {
                flags.add(JmxJson.toJson(option));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", flags.size());
        out.put("flags", flags);
        return out;
    }

    private static CompositeData option(MBeanServer server, String name) throws JMException {
        try {
            return (CompositeData) server.invoke(hotspot(), "getVMOption", new Object[] {name},
                    new String[] {String.class.getName()});
        } catch (RuntimeMBeanException | RuntimeOperationsException e) {
            return null;
        }
    }

    static Map<String, Object> setFlag(String name, Object rawValue) throws JMException {
        if (!(rawValue instanceof String || rawValue instanceof Number || rawValue instanceof Boolean)) {
            throw new ArgumentException("set_flag() argument 'value' must be a string, number or boolean, got "
                    + ArgType.jsonTypeOf(rawValue));
        }
        String value = String.valueOf(rawValue);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        CompositeData before = option(server, name);
        if (before == null) {
            throw new ArgumentException("set_flag() unknown VM flag '" + name + "'");
        }
        if (!Boolean.TRUE.equals(before.get("writeable"))) {
            Set<String> manageable = new LinkedHashSet<>();
            for (Object o : (Object[]) server.getAttribute(hotspot(), "DiagnosticOptions")) {
                manageable.add(String.valueOf(((CompositeData) o).get("name")));
            }
            throw new ArgumentException("set_flag() VM flag '" + name + "' is not manageable at run time; manageable: "
                    + manageable);
        }
        try {
            server.invoke(hotspot(), "setVMOption", new Object[] {name, value},
                    new String[] {String.class.getName(), String.class.getName()});
        } catch (RuntimeMBeanException | RuntimeOperationsException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ArgumentException("set_flag() cannot set " + name + " to '" + value + "': " + cause.getMessage());
        }
        CompositeData after = option(server, name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("old", before.get("value"));
        out.put("new", after == null ? value : after.get("value"));
        out.put("origin", after == null ? null : String.valueOf(after.get("origin")));
        return out;
    }
}
