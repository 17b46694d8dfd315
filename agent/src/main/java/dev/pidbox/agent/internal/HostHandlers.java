package dev.pidbox.agent.internal;

import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.MatchType;
import dev.pidbox.Node;
import dev.pidbox.jmx.HostClassLoaders;
import dev.pidbox.spi.NamePattern;
import dev.pidbox.spi.Threads;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node's handlers from the host: every {@link HandlerProvider} any of the host's class loaders can see (the
 * agent's own jmx-handlers among them), filtered by the {@code allow}/{@code deny} options. Providers can appear after
 * the node starts (a Spring Boot jar's loader, a servlet container's webapps), so {@link #discover} searches the
 * class loaders not searched yet; a handler whose class loader stops (an undeployed webapp) is removed again.
 */
final class HostHandlers {
    private final AgentOptions options;
    private final ErrorSink sink;
    private final List<CallObserver> observers;
    private final Supplier<Node> node;
    private final Consumer<String> log;
    /** Class loaders already searched for host handler providers, and the provider classes found (weakly). */
    private final Map<ClassLoader, Boolean> searched = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Class<?>, Boolean> providers = new WeakHashMap<>();
    private final Set<String> reportedProviderErrors = ConcurrentHashMap.newKeySet();
    /** Host handlers from class loaders that can stop, by name. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    /**
     * @param observers where the providers' call observers go (the node gets the late ones directly)
     * @param log a line for the agent's log
     */
    HostHandlers(AgentOptions options, ErrorSink sink, List<CallObserver> observers, Supplier<Node> node,
            Consumer<String> log) {
        this.options = options;
        this.sink = sink;
        this.observers = observers;
        this.node = node;
        this.log = log;
    }

    /** When the looks for providers come, in ms after the one before; then once a minute. */
    private static final long[] LOOK_DELAYS = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000};
    private final AtomicBoolean looking = new AtomicBoolean();

    /**
     * Looks for providers later, on the running node, in class loaders not searched yet: 1, 2, 4, 8, 16 and 32 s from
     * now, then once a minute until {@code stopped} or {@code timer} is shut down. One look lists the loaded classes'
     * loaders (a few milliseconds of CPU) and searches only new loaders. (It looked every 10 s after the first 15 s,
     * which an idle agent's CPU showed.) The timer only times the looks: each runs on a thread of its own that ends
     * with it, since a look loads and initialises the host's provider classes, whose code could block, and the
     * agent's timer also sends the connection's heartbeats. A look still running when the next is due is not doubled.
     */
    void lookLater(ScheduledExecutorService timer, BooleanSupplier stopped) {
        lookLater(timer, stopped, 0);
    }

    private void lookLater(ScheduledExecutorService timer, BooleanSupplier stopped, int i) {
        try {
            timer.schedule(() -> {
                Node n = node.get();
                if (stopped.getAsBoolean() || n == null) {
                    return;
                }
                if (looking.compareAndSet(false, true)) {
                    Threads.start("pidbox-agent-look", () -> {
                        try {
                            look(() -> discover(n), stopped, sink);
                        } finally {
                            looking.set(false);
                        }
                    });
                }
                lookLater(timer, stopped, i + 1);
            }, i < LOOK_DELAYS.length ? LOOK_DELAYS[i] : 60_000, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the agent stopped meanwhile: its timer is shut down
        }
    }

    /**
     * Runs one {@code look}; reports its failure unless the agent stopped meanwhile (a look that was running as the
     * agent stopped fails on the closed node, which is no news).
     */
    static void look(Runnable look, BooleanSupplier stopped, ErrorSink sink) {
        try {
            look.run();
        } catch (RuntimeException | LinkageError e) {
            if (!stopped.getAsBoolean()) {
                sink.report("pidbox-agent: looking for host handler providers failed", e);
            }
        }
    }

    /** One look for new providers (and stopped applications), registering what it finds on {@code n}. */
    void discover(Node n) {
        retireStopped(n);
        for (Found f : providerHandlers(newLoaders(), true)) {
            HandlerDefinition d = f.definition;
            if (n.handlers().containsKey(d.name())) {
                sink.report("pidbox-agent: host handler '" + d.name() + "' from "
                        + HostClassLoaders.label(f.loader) + " ignored: a handler of that name"
                        + " is already registered", null);
            } else if (selected(d.name())) {
                n.handler(d);
                track(f);
                log.accept("registered host handler " + d.name() + " from "
                        + HostClassLoaders.label(f.loader));
            }
        }
    }

    /** The handlers of every provider the host can see now, by name (first wins), as the node starts. */
    List<HandlerDefinition> initial() {
        Map<String, Found> byName = new LinkedHashMap<>();
        for (Found f : providerHandlers(newLoaders(), false)) {
            byName.putIfAbsent(f.definition.name(), f);
        }
        List<HandlerDefinition> out = new ArrayList<>();
        for (Found f : byName.values()) {
            if (selected(f.definition.name())) {
                out.add(f.definition);
                track(f);
            }
        }
        return out;
    }

    /**
     * The handlers of every {@link HandlerProvider} visible from these loaders that this agent has not met before
     * (see {@link HostClassLoaders#services}); a provider that fails is reported once and the others still load.
     */
    private List<Found> providerHandlers(List<ClassLoader> loaders, boolean late) {
        List<Found> out = new ArrayList<>();
        List<HandlerProvider> found = HostClassLoaders.services(HandlerProvider.class, loaders, e -> {
            if (reportedProviderErrors.add(String.valueOf(e.getMessage()))) {
                sink.report("pidbox-agent: a handler provider failed to load", e);
            }
        });
        for (HandlerProvider provider : found) {
            synchronized (providers) {
                if (providers.containsKey(provider.getClass())) {
                    continue;
                }
                providers.put(provider.getClass(), Boolean.TRUE);
            }
            try {
                for (HandlerDefinition d : provider.handlers(options.asConfig())) {
                    out.add(new Found(d, provider.getClass().getClassLoader()));
                }
                for (CallObserver o : provider.observers()) {
                    observers.add(o);
                    Node n = node.get();
                    if (late && n != null) {
                        n.addObserver(o);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                sink.report("pidbox-agent: handler provider " + provider.getClass().getName() + " failed", e);
            }
        }
        return out;
    }

    private boolean selected(String handler) {
        for (String g : options.deny()) {
            if (NamePattern.compile(MatchType.GLOB, g).matches(handler)) {
                return false;
            }
        }
        if (options.allow().isEmpty()) {
            return true;
        }
        for (String g : options.allow()) {
            if (NamePattern.compile(MatchType.GLOB, g).matches(handler)) {
                return true;
            }
        }
        return false;
    }

    /** A handler and the class loader of the provider that made it. */
    private static final class Found {
        final HandlerDefinition definition;
        final ClassLoader loader;

        Found(HandlerDefinition definition, ClassLoader loader) {
            this.definition = definition;
            this.loader = loader;
        }
    }

    /** A registered host handler whose class loader can go away, both held weakly. */
    private static final class Tracked {
        final WeakReference<ClassLoader> loader;
        final WeakReference<HandlerDefinition> definition;

        Tracked(Found f) {
            this.loader = new WeakReference<>(f.loader);
            this.definition = new WeakReference<>(f.definition);
        }
    }

    /** Remembers a host handler whose provider lives in a class loader that can go away (a webapp's). */
    private void track(Found f) {
        if (f.loader != null && f.loader != ClassLoader.getSystemClassLoader()
                && f.loader != HostHandlers.class.getClassLoader()) {
            tracked.put(f.definition.name(), new Tracked(f));
        }
    }

    /**
     * Unregisters the handlers whose class loader has stopped (a servlet container undeployed or redeployed the
     * webapp), so the node neither calls into a stopped application nor keeps its class loader alive. A redeployed
     * webapp's new class loader is searched like any other, and its handlers come back.
     */
    private void retireStopped(Node n) {
        for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
            ClassLoader loader = e.getValue().loader.get();
            HandlerDefinition definition = e.getValue().definition.get();
            if (loader != null && !stopped(loader)) {
                continue;
            }
            tracked.remove(e.getKey());
            if (definition != null && n.handlers().get(e.getKey()) == definition) {
                n.removeHandler(e.getKey());
                sink.report("pidbox-agent: host handler '" + e.getKey() + "' removed: its application ("
                        + (loader == null ? "a collected class loader" : HostClassLoaders.label(loader))
                        + ") stopped", null);
            }
        }
    }

    /** Whether a class loader says it has stopped (Tomcat's webapp loaders have a lifecycle state). */
    static boolean stopped(ClassLoader loader) {
        try {
            Method state = loader.getClass().getMethod("getState");
            Object s = state.invoke(loader);
            String name = s == null ? "" : s.toString();
            return name.startsWith("STOPPING") || name.equals("STOPPED") || name.startsWith("DESTROY")
                    || name.equals("FAILED");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Class loaders of the host not searched for providers yet (all of them on the first call). */
    private List<ClassLoader> newLoaders() {
        List<ClassLoader> out = new ArrayList<>();
        List<ClassLoader> candidates = new ArrayList<>();
        candidates.add(HostHandlers.class.getClassLoader());
        candidates.add(ClassLoader.getSystemClassLoader());
        candidates.addAll(HostClassLoaders.all());
        for (ClassLoader l : candidates) {
            if (l != null && !searched.containsKey(l)) {
                searched.put(l, Boolean.TRUE);
                out.add(l);
            }
        }
        return out;
    }
}
