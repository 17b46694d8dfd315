package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.jmx.ReloadHook;
import dev.pidbox.spi.ErrorText;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * {@code reload}: makes every logging framework of the JVM re-read the configuration file it was configured from
 * (each Logback and Log4j 2 context in any class loader, and java.util.logging's
 * {@code java.util.logging.config.file}; see {@link LoggingReload}), re-reads the configured properties file
 * ({@code reload.file}) into system properties and reports which keys changed (never their values), runs every
 * {@link ReloadHook} the host ships (in any class loader: a Spring Boot jar, a webapp), and invokes the configured
 * MBean operations ({@code reload.mbeans}: {@code ObjectName#operation} entries separated by {@code ;}). Each step
 * comes back with its outcome; {@code ok} is true only when at least one step reloaded something and none failed,
 * and a reload with nothing to reload is an error, not an empty success. With {@code dry_run} it reports what
 * would change and changes nothing.
 */
public final class ReloadHandlers implements HandlerProvider {
    /** Keys this handler set from the file, and their values, so that keys removed from the file are cleared. */
    private final Map<String, String> loaded = new HashMap<>();

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Config cfg = new Config(config);
        String file = cfg.get("reload.file");
        List<String> mbeans = new ArrayList<>();
        String spec = cfg.get("reload.mbeans");
        if (spec != null) {
            for (String s : spec.split(";")) {
                if (!s.trim().isEmpty()) {
                    mbeans.add(s.trim());
                }
            }
        }
        return Collections.singletonList(HandlerDefinition.builder("reload")
                .description("Makes the logging frameworks re-read their configuration files, re-reads the configured"
                        + " properties file, runs the host's reload hooks and configured MBean reload operations;"
                        + " replies each step with its outcome")
                .tier(Tier.MUTATE)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("dry_run", ArgType.BOOLEAN, false, "report what would change, change nothing"))
                .handler((ctx, args) -> reload(file, mbeans, args.getBoolean("dry_run", false)))
                .build());
    }

    Map<String, Object> reload(String file, List<String> mbeans, boolean dryRun) {
        List<Object> steps = new ArrayList<>(LoggingReload.steps(dryRun));
        steps.add(properties(file, dryRun));
        steps.addAll(hooks(dryRun));
        for (String target : mbeans) {
            steps.add(mbean(target, dryRun));
        }
        boolean failed = false;
        boolean acted = false;
        for (Object s : steps) {
            Object outcome = ((Map<?, ?>) s).get("outcome");
            if ("error".equals(outcome)) {
                failed = true;
            } else if (!"skipped".equals(outcome)) {
                acted = true;
            }
        }
        if (!acted && !failed) {
            List<String> why = new ArrayList<>();
            for (Object s : steps) {
                Map<?, ?> step = (Map<?, ?>) s;
                why.add(step.get("step") + (step.get("context") == null ? "" : " " + step.get("context")) + ": "
                        + step.get("reason"));
            }
            throw new IllegalStateException("nothing to reload in this JVM (" + String.join("; ", why) + "); configure"
                    + " reload.file or reload.mbeans, or ship a ReloadHook");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", !failed);
        out.put("dry_run", dryRun);
        out.put("steps", steps);
        return out;
    }

    private Map<String, Object> properties(String file, boolean dryRun) {
        Map<String, Object> step = step("properties");
        if (file == null) {
            step.put("outcome", "skipped");
            step.put("reason", "no reload.file configured");
            return step;
        }
        Path path = Paths.get(file).toAbsolutePath();
        step.put("file", path.toString());
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            step.put("outcome", "error");
            step.put("error", ErrorText.of(e));
            return step;
        }
        synchronized (loaded) {
            Map<String, String> changes = new TreeMap<>();
            for (String key : props.stringPropertyNames()) {
                String now = System.getProperty(key);
                String next = props.getProperty(key);
                if (now == null) {
                    changes.put(key, "added");
                } else if (!now.equals(next)) {
                    changes.put(key, "changed");
                }
            }
            for (Map.Entry<String, String> e : loaded.entrySet()) {
                if (!props.containsKey(e.getKey()) && Objects.equals(System.getProperty(e.getKey()), e.getValue())) {
                    changes.put(e.getKey(), "removed");
                }
            }
            if (!dryRun) {
                for (Map.Entry<String, String> c : changes.entrySet()) {
                    if ("removed".equals(c.getValue())) {
                        System.clearProperty(c.getKey());
                        loaded.remove(c.getKey());
                    } else {
                        System.setProperty(c.getKey(), props.getProperty(c.getKey()));
                    }
                }
                for (String key : props.stringPropertyNames()) {
                    loaded.put(key, props.getProperty(key));
                }
            }
            step.put("outcome", dryRun ? "would_change" : "ok");
            step.put("changed", new ArrayList<>(changes.keySet()));
            step.put("changes", changes);
            step.put("keys_in_file", props.size());
        }
        return step;
    }

    /** One step per host ReloadHook, in any class loader; a hook that fails to load is an error step. */
    private static List<Object> hooks(boolean dryRun) {
        List<Object> out = new ArrayList<>();
        List<ReloadHook> hooks = HostLoaders.services(ReloadHook.class, loaders(), e -> {
            Map<String, Object> step = step("hook");
            step.put("outcome", "error");
            step.put("error", ErrorText.of(e));
            out.add(step);
        });
        for (ReloadHook hook : hooks) {
            Map<String, Object> step = step("hook");
            String name;
            try {
                name = hook.name();
            } catch (RuntimeException e) {
                name = hook.getClass().getName();
            }
            step.put("name", name);
            step.put("loader", HostLoaders.label(hook.getClass().getClassLoader()));
            if (dryRun) {
                step.put("outcome", "would_run");
            } else {
                try {
                    step.put("result", hook.reload());
                    step.put("outcome", "ok");
                } catch (Exception | LinkageError e) {
                    step.put("outcome", "error");
                    step.put("error", ErrorText.of(e));
                }
            }
            out.add(step);
        }
        return out;
    }

    /** Every application class loader, so hooks inside a Spring Boot jar or a webapp are found too. */
    private static List<ClassLoader> loaders() {
        return HostLoaders.snapshot(Collections.<String>emptyList()).loaders;
    }

    private static Map<String, Object> mbean(String target, boolean dryRun) {
        Map<String, Object> step = step("mbean");
        step.put("target", target);
        int hash = target.lastIndexOf('#');
        try {
            if (hash <= 0 || hash == target.length() - 1) {
                throw new IllegalArgumentException("reload.mbeans entry '" + target + "' must be ObjectName#operation");
            }
            ObjectName name = MBeanAccess.exact(target.substring(0, hash));
            String operation = target.substring(hash + 1);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            MBeanAccess.checkAllowed(server, name);
            boolean found = false;
            for (MBeanOperationInfo op : server.getMBeanInfo(name).getOperations()) {
                if (op.getName().equals(operation) && op.getSignature().length == 0) {
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("MBean " + name + " has no operation " + operation + "() without arguments");
            }
            if (dryRun) {
                step.put("outcome", "would_invoke");
                return step;
            }
            step.put("result", JmxJson.toJson(server.invoke(name, operation, new Object[0], new String[0])));
            step.put("outcome", "ok");
        } catch (Exception e) {
            step.put("outcome", "error");
            step.put("error", ErrorText.of(e));
        }
        return step;
    }

    private static Map<String, Object> step(String kind) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("step", kind);
        return step;
    }
}
