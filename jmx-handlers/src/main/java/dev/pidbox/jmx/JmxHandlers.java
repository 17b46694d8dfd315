package dev.pidbox.jmx;

import dev.pidbox.CallObserver;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.jmx.internal.BasicHandlers;
import dev.pidbox.jmx.internal.Config;
import dev.pidbox.jmx.internal.EnvironmentHandlers;
import dev.pidbox.jmx.internal.FlagHandlers;
import dev.pidbox.jmx.internal.LoggerHandlers;
import dev.pidbox.jmx.internal.MBeanHandlers;
import dev.pidbox.jmx.internal.MemoryHandlers;
import dev.pidbox.jmx.internal.MetricsHandlers;
import dev.pidbox.jmx.internal.ProfileHandlers;
import dev.pidbox.jmx.internal.ReloadHandlers;
import dev.pidbox.jmx.internal.ReplyCap;
import dev.pidbox.jmx.internal.RuntimeHandlers;
import dev.pidbox.jmx.internal.ThreadHandlers;
import dev.pidbox.jmx.internal.VitalsHandlers;
import dev.pidbox.MatchType;
import dev.pidbox.spi.NamePattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The built-in handlers that serve a JVM's introspection and MBeans: {@code ping}, {@code clock},
 * {@code hello}, {@code describe}, {@code runtime}, {@code vitals}, {@code threads}, {@code deadlocks}, {@code profile},
 * {@code memory}, {@code histogram}, {@code heap_dump}, {@code sysprops}, {@code env}, {@code flags},
 * {@code set_flag}, {@code loggers}, {@code set_logger}, {@code reload}, {@code mbean.query}, {@code mbean.info},
 * {@code mbean.get}, {@code mbean.set}, {@code mbean.invoke} and {@code metrics}.
 *
 * <p>Configuration keys (all optional):
 * <ul>
 *   <li>{@code reply.max_bytes}: cap on a reply's encoded size; larger replies are cut and marked
 *       {@code "truncated": true} (default 1 MiB)</li>
 *   <li>{@code histogram.top}: default rows of {@code histogram} (20)</li>
 *   <li>{@code threads.max_depth}: default frames per thread (32)</li>
 *   <li>{@code profile.max_ms}: the longest {@code profile} allowed (default 60000)</li>
 *   <li>{@code heap_dump.dir}: where {@code heap_dump} writes (default {@code java.io.tmpdir})</li>
 *   <li>{@code reload.file}: the properties file {@code reload} reads into system properties</li>
 *   <li>{@code reload.mbeans}: {@code ObjectName#operation} entries, separated by {@code ;}, that
 *       {@code reload} invokes</li>
 *   <li>{@code mask.keys}: more comma-separated words that mark a key as secret</li>
 *   <li>{@code handlers.exclude}: comma-separated globs of handler names not to register</li>
 * </ul>
 *
 * <p>Found by {@link java.util.ServiceLoader} as a {@link HandlerProvider}. Register {@link #metrics()} on
 * the node as an observer for the {@code metrics} command to count anything:
 *
 * <pre>{@code
 * JmxHandlers jmx = new JmxHandlers();
 * Node node = mailbox.node(name).handlers(jmx.handlers(config)).observer(jmx.metrics()).build();
 * }</pre>
 */
public final class JmxHandlers implements HandlerProvider {
    /** Handlers whose replies are tiny and whose shape Celery peers rely on; never wrapped by the cap. */
    private static final List<String> UNCAPPED = Arrays.asList("ping", "clock", "hello");

    private final PidboxMetrics metrics;

    public JmxHandlers() {
        this(new PidboxMetrics());
    }

    public JmxHandlers(PidboxMetrics metrics) {
        this.metrics = metrics;
    }

    /** The call metrics the {@code metrics} command reports; add it to the node as a call observer. */
    public PidboxMetrics metrics() {
        return metrics;
    }

    /** The metrics observer, so that a node built from providers (the agent) counts its calls. */
    @Override
    public Collection<CallObserver> observers() {
        return Collections.singletonList(metrics);
    }

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Config cfg = new Config(config);
        ReplyCap cap = new ReplyCap(cfg.getInt("reply.max_bytes", ReplyCap.DEFAULT_MAX_BYTES, 256, Integer.MAX_VALUE));
        List<String> excluded = new ArrayList<>();
        String exclude = cfg.get("handlers.exclude");
        if (exclude != null) {
            for (String s : exclude.split(",")) {
                if (!s.trim().isEmpty()) {
                    excluded.add(s.trim());
                }
            }
        }
        List<HandlerProvider> groups = Arrays.asList(new BasicHandlers(), new RuntimeHandlers(), new VitalsHandlers(),
                new ThreadHandlers(), new ProfileHandlers(), new MemoryHandlers(), new EnvironmentHandlers(), new FlagHandlers(), new LoggerHandlers(),
                new ReloadHandlers(), new MBeanHandlers(), new MetricsHandlers(metrics));
        List<HandlerDefinition> out = new ArrayList<>();
        for (HandlerProvider group : groups) {
            for (HandlerDefinition d : group.handlers(config)) {
                if (isExcluded(d.name(), excluded)) {
                    continue;
                }
                out.add(UNCAPPED.contains(d.name()) ? d : cap.wrap(d));
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static boolean isExcluded(String name, List<String> globs) {
        for (String g : globs) {
            if (NamePattern.compile(MatchType.GLOB, g).matches(name)) {
                return true;
            }
        }
        return false;
    }
}
