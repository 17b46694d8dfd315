package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.jmx.Redactor;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code sysprops} and {@code env}: system properties and environment variables, sorted by name, with
 * secret values masked by {@link Redactor}.
 */
public final class EnvironmentHandlers implements HandlerProvider {
    private final Supplier<Map<String, String>> environment;

    public EnvironmentHandlers() {
        this(System::getenv);
    }

    /** A seam for tests: the environment the {@code env} handler reads. */
    EnvironmentHandlers(Supplier<Map<String, String>> environment) {
        this.environment = environment;
    }

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Redactor redactor = Redactor.withExtraWords(new Config(config).get("mask.keys"));
        HandlerDefinition sysprops = HandlerDefinition.builder("sysprops")
                .description("System properties, with secret values masked")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only keys matching this glob"))
                .handler((ctx, args) -> {
                    Properties props = System.getProperties();
                    Map<String, String> copy = new TreeMap<>();
                    for (String key : props.stringPropertyNames()) {
                        copy.put(key, props.getProperty(key));
                    }
                    return masked("properties", copy, args.getString("name"), redactor);
                })
                .build();
        HandlerDefinition env = HandlerDefinition.builder("env")
                .description("Environment variables, with secret values masked")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only names matching this glob"))
                .handler((ctx, args) -> masked("variables", new TreeMap<>(environment.get()), args.getString("name"),
                        redactor))
                .build();
        return Arrays.asList(sysprops, env);
    }

    private static Map<String, Object> masked(String key, Map<String, String> values, String glob, Redactor redactor) {
        Map<String, Object> shown = new LinkedHashMap<>();
        int masked = 0;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (glob != null && !Globs.matches(glob, e.getKey())) {
                continue;
            }
            String v = redactor.value(e.getKey(), e.getValue());
            if (v != null && !v.equals(e.getValue())) {
                masked++;
            }
            shown.put(e.getKey(), v);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", shown.size());
        out.put("masked", masked);
        out.put(key, shown);
        return out;
    }
}
