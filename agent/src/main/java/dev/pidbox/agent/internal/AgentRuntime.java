package dev.pidbox.agent.internal;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.ErrorSink;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Mailbox;
import dev.pidbox.MatchType;
import dev.pidbox.Node;
import dev.pidbox.PidboxException;
import dev.pidbox.jmx.HostClassLoaders;
import dev.pidbox.jmx.MBeanPolicy;
import dev.pidbox.security.Policy;
import dev.pidbox.security.TrustedKeys;
import dev.pidbox.spi.JsonValues;
import dev.pidbox.spi.NamePattern;
import dev.pidbox.spi.Threads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's lifecycle in the host JVM: one running node at most. {@link #launch(String)} returns at
 * once; a daemon thread connects (retrying with backoff while the broker is down), registers the
 * handlers and listens. The connection recovers by itself after a broker restart. A second launch with
 * the same options does nothing; with other options it replaces the running node. {@code command=stop}
 * stops it and leaves no thread behind.
 *
 * <p>State is published in system properties, so {@code pidbox-agent.jar status|list} can read it
 * through the attach API: {@code pidbox.agent.node}, {@code pidbox.agent.state}.
 */
public final class AgentRuntime {
    public static final String PROP_NODE = "pidbox.agent.node";
    public static final String PROP_STATE = "pidbox.agent.state";
    public static final String PROP_BROKER = "pidbox.agent.broker";

    private static final Object LOCK = new Object();
    private static AgentRuntime current;

    private final AgentOptions options;
    private final String fingerprint;
    private final Thread thread;
    private final ErrorSink sink;
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile Mailbox mailbox;
    private volatile Node node;
    private final List<dev.pidbox.CallObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Class loaders already searched for host handler providers, and the provider classes found (weakly). */
    private final Map<ClassLoader, Boolean> searched = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private final Map<Class<?>, Boolean> providers = new java.util.WeakHashMap<>();
    private final java.util.Set<String> reportedProviderErrors = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Host handlers from class loaders that can stop, by name. */
    private final Map<String, Tracked> hostHandlers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile io.micrometer.core.instrument.MeterRegistry meterRegistry;

    private AgentRuntime(AgentOptions options) {
        this.options = options;
        this.fingerprint = options.fingerprint();
        this.sink = sinkFor(options);
        this.thread = Threads.unstarted("pidbox-agent", this::run);
    }

    /**
     * Parses options and starts, replaces or stops the node, all on a daemon thread: the caller's thread
     * (premain, agentmain) does no I/O and returns at once.
     */
    public static void launch(String arguments) {
        launch(arguments, null);
    }

    /**
     * As {@link #launch(String)}, with the JVM's {@code Instrumentation}: the handlers then see the classes of every
     * class loader (a Spring Boot jar's, each webapp's), not only the system class path.
     */
    public static void launch(String arguments, java.lang.instrument.Instrumentation instrumentation) {
        Threads.start("pidbox-agent-launch", () -> {
            if (instrumentation != null) {
                dev.pidbox.jmx.LoadedClasses.install(instrumentation::getAllLoadedClasses);
            }
            apply(arguments);
        });
    }

    static void apply(String arguments) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(arguments, System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("pidbox-agent: invalid options, agent not started: " + e.getMessage());
            System.setProperty(PROP_STATE, "failed: invalid options: " + e.getMessage());
            return;
        }
        synchronized (LOCK) {
            if (options.isStop()) {
                if (current != null) {
                    current.stop();
                    current = null;
                }
                dev.pidbox.jmx.LoadedClasses.uninstall();
                System.clearProperty(PROP_NODE);
                System.setProperty(PROP_STATE, "stopped");
                return;
            }
            if (current != null && !current.stopping && current.fingerprint.equals(options.fingerprint())) {
                return;
            }
            if (current != null) {
                current.stop();
            }
            current = new AgentRuntime(options);
            System.setProperty(PROP_STATE, "starting");
            current.thread.start();
        }
    }

    /** The running node, or null (for tests in the same JVM). */
    public static Node currentNode() {
        synchronized (LOCK) {
            return current == null ? null : current.node;
        }
    }

    private void run() {
        long backoff = 500;
        boolean reported = false;
        String uri = options.brokerUri();
        System.setProperty(PROP_BROKER, Brokers.redact(uri));
        String name = nodeName();
        System.setProperty(PROP_NODE, name);
        // Build the handlers (class loading, mostly) while the connection handshake waits on the network.
        java.util.concurrent.FutureTask<List<HandlerDefinition>> handlers = new java.util.concurrent.FutureTask<>(
                this::handlers);
        Threads.start("pidbox-agent-handlers", handlers);
        while (!stopping) {
            try {
                System.setProperty(PROP_STATE, "connecting");
                connection = Brokers.connect(uri, "pidbox-agent " + name, options.tls());
                break;
            } catch (PidboxException | IllegalArgumentException e) {
                if (!reported) {
                    System.err.println("pidbox-agent: " + e.getMessage() + "; retrying in the background");
                    reported = true;
                }
                System.setProperty(PROP_STATE, "waiting for broker: " + e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
        if (stopping) {
            closeAll();
            return;
        }
        try {
            Mailbox unbound = Mailbox.builder(options.namespace()).type(options.type()).routed(options.routed())
                    .errorSink(sink).build();
            mailbox = unbound.bind(connection);
            Node.Builder builder = mailbox.node(name).handlers(awaitHandlers(handlers)).tags(options.tags())
                    .handlerThreads(options.handlerThreads()).handlerTimeout(options.handlerTimeout())
                    .policy(policy()).trustedKeys(trustedKeys()).audit(auditSink())
                    .auditExchange(options.get("audit-exchange")).replyUserId(options.replyUserId());
            observers.forEach(builder::observer);
            Node n = builder.build();
            node = n;
            n.listen();
            if (stopping) {
                closeAll();
                return;
            }
            System.setProperty(PROP_STATE, "listening");
            // JMX after the node answers: the platform MBean server and Micrometer cost a few hundred ms of
            // class loading in a JVM that never used JMX, which should not delay the first reply.
            registerJmx(name, uri);
            log("node " + name + " listening in namespace " + options.namespace() + " on " + Brokers.redact(uri));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("pidbox-agent: node " + name + " not started: " + e.getMessage());
            System.setProperty(PROP_STATE, "failed: " + e.getMessage());
            closeAll();
            return;
        }
        watchForHostProviders();
    }

    /**
     * Host handler providers can appear after the node starts: with {@code -javaagent}, a Spring Boot jar's class
     * loader or a servlet container's webapps do not exist yet. This thread looks for providers in class loaders it
     * has not searched, soon after start and then once a minute, until the node stops. One look lists the loaded
     * classes' loaders (milliseconds) and searches only new loaders.
     */
    private void watchForHostProviders() {
        long[] delays = {1_000, 2_000, 4_000, 8_000};
        for (int i = 0; !stopping; i++) {
            sleep(i < delays.length ? delays[i] : 10_000);
            Node n = node;
            if (stopping || n == null) {
                return;
            }
            try {
                retireStoppedHostHandlers(n);
                for (Found f : providerHandlers(newLoaders(), true)) {
                    HandlerDefinition d = f.definition;
                    if (n.handlers().containsKey(d.name())) {
                        sink.report("pidbox-agent: host handler '" + d.name() + "' from "
                                + HostClassLoaders.label(f.loader) + " ignored: a handler of that name"
                                + " is already registered", null);
                    } else if (selected(d.name())) {
                        n.handler(d);
                        track(f);
                        log("registered host handler " + d.name() + " from "
                                + HostClassLoaders.label(f.loader));
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                sink.report("pidbox-agent: looking for host handler providers failed", e);
            }
        }
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
        final java.lang.ref.WeakReference<ClassLoader> loader;
        final java.lang.ref.WeakReference<HandlerDefinition> definition;

        Tracked(Found f) {
            this.loader = new java.lang.ref.WeakReference<>(f.loader);
            this.definition = new java.lang.ref.WeakReference<>(f.definition);
        }
    }

    /** Remembers a host handler whose provider lives in a class loader that can go away (a webapp's). */
    private void track(Found f) {
        if (f.loader != null && f.loader != ClassLoader.getSystemClassLoader()
                && f.loader != AgentRuntime.class.getClassLoader()) {
            hostHandlers.put(f.definition.name(), new Tracked(f));
        }
    }

    /**
     * Unregisters the handlers whose class loader has stopped (a servlet container undeployed or redeployed the
     * webapp), so the node neither calls into a stopped application nor keeps its class loader alive. A redeployed
     * webapp's new class loader is searched like any other, and its handlers come back.
     */
    private void retireStoppedHostHandlers(Node n) {
        for (Map.Entry<String, Tracked> e : hostHandlers.entrySet()) {
            ClassLoader loader = e.getValue().loader.get();
            HandlerDefinition definition = e.getValue().definition.get();
            if (loader != null && !stopped(loader)) {
                continue;
            }
            hostHandlers.remove(e.getKey());
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
            java.lang.reflect.Method state = loader.getClass().getMethod("getState");
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
        candidates.add(AgentRuntime.class.getClassLoader());
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

    /** The node's MXBean and its call metrics in JMX, for JConsole; failures here never stop the node. */
    private void registerJmx(String name, String uri) {
        try {
            new NodeBean(name, options.namespace(), Brokers.redact(uri), () -> node, () -> connection).register();
        } catch (javax.management.JMException | RuntimeException e) {
            sink.report("pidbox-agent: could not register " + NodeBean.OBJECT_NAME, e);
        }
        try {
            io.micrometer.jmx.JmxMeterRegistry registry = new io.micrometer.jmx.JmxMeterRegistry(
                    new io.micrometer.jmx.JmxConfig() {
                        @Override
                        public String get(String key) {
                            return null;
                        }

                        @Override
                        public String domain() {
                            return "dev.pidbox";
                        }
                    }, io.micrometer.core.instrument.Clock.SYSTEM);
            for (dev.pidbox.CallObserver o : observers) {
                if (o instanceof io.micrometer.core.instrument.binder.MeterBinder) {
                    ((io.micrometer.core.instrument.binder.MeterBinder) o).bindTo(registry);
                }
            }
            meterRegistry = registry;
        } catch (RuntimeException | LinkageError e) {
            sink.report("pidbox-agent: could not start the JMX metrics registry", e);
        }
    }

    private static List<HandlerDefinition> awaitHandlers(java.util.concurrent.FutureTask<List<HandlerDefinition>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building handlers", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("building handlers failed: " + e.getCause(), e.getCause());
        }
    }

    /** The policy file, or read-only defaults; an unreadable or malformed file fails closed. */
    private Policy policy() {
        java.nio.file.Path file = options.path("policy");
        if (file == null) {
            return Policy.defaults();
        }
        List<String> problems = new ArrayList<>();
        try {
            Policy p = Policy.load(file, problems, new MBeanPolicy());
            for (String problem : problems) {
                System.err.println("pidbox-agent: " + problem);
            }
            return p;
        } catch (IllegalArgumentException e) {
            System.err.println("pidbox-agent: " + e.getMessage() + "; refusing mutate and dangerous handlers");
            return Policy.defaults();
        }
    }

    /** The trusted keys, or null when unset; an unreadable file refuses every request. */
    private TrustedKeys trustedKeys() {
        java.nio.file.Path file = options.path("trusted-keys");
        if (file == null) {
            return null;
        }
        try {
            return TrustedKeys.load(file);
        } catch (IOException | IllegalArgumentException e) {
            String why = "trusted keys file " + file + " unusable (" + e.getMessage() + ")";
            System.err.println("pidbox-agent: " + why + "; refusing every request");
            return TrustedKeys.refuseAll(why);
        }
    }

    private dev.pidbox.AuditSink auditSink() {
        java.nio.file.Path file = options.path("audit-file");
        if (file == null && options.logFile() != null) {
            return event -> sink.report("audit " + event, null);
        }
        if (file == null) {
            // java.util.logging, looked up on first use: accepted commands at FINE, refusals at INFO.
            return event -> java.util.logging.Logger.getLogger("pidbox.audit").log(
                    dev.pidbox.CallObserver.OK.equals(event.outcome()) || dev.pidbox.CallObserver.ERROR.equals(event.outcome())
                            ? java.util.logging.Level.FINE : java.util.logging.Level.INFO,
                    "pidbox audit {0}", event);
        }
        return event -> {
            try {
                Files.write(file, (JsonValues.encodeToString(event.toMap()) + "\n")
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                sink.report("pidbox-agent: cannot write audit file " + file, e);
            }
        };
    }

    private List<HandlerDefinition> handlers() {
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
                for (dev.pidbox.CallObserver o : provider.observers()) {
                    observers.add(o);
                    Node n = node;
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

    private String nodeName() {
        String node = options.get("node");
        if (node != null && !node.isEmpty()) {
            return node;
        }
        String app = options.get("name", mainClassName());
        return app + "." + ProcessHandle.current().pid() + "@" + hostName();
    }

    /** The simple name of the main class, or the jar's base name for {@code -jar app.jar}. */
    static String mainClassName() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.trim().isEmpty() ? "" : command.trim().split("\\s+")[0];
        if (first.endsWith(".jar")) {
            String file = first.substring(first.lastIndexOf('/') + 1);
            return file.substring(0, file.length() - 4);
        }
        if (first.isEmpty()) {
            return "jvm";
        }
        return first.substring(first.lastIndexOf('.') + 1);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void stop() {
        stopping = true;
        thread.interrupt();
        closeAll();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAll() {
        io.micrometer.core.instrument.MeterRegistry registry = meterRegistry;
        meterRegistry = null;
        if (registry != null) {
            registry.close();
        }
        NodeBean.unregister();
        Node n = node;
        Mailbox m = mailbox;
        Connection c = connection;
        node = null;
        mailbox = null;
        connection = null;
        if (n != null) {
            n.close();
        }
        if (m != null) {
            m.close();
        }
        if (c != null) {
            try {
                c.close(2000);
            } catch (IOException | RuntimeException e) {
                c.abort(1000);
            }
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            // stop() interrupts; the loop checks stopping
        }
    }

    private void log(String line) {
        if (options.logFile() != null) {
            sink.report(line, null);
        }
    }

    private static ErrorSink sinkFor(AgentOptions options) {
        if (options.logFile() == null) {
            return ErrorSink.julLogger();
        }
        java.nio.file.Path file = options.logFile();
        return (message, cause) -> {
            StringWriter text = new StringWriter();
            text.append(Instant.now().toString()).append(" pidbox-agent ").append(message).append('\n');
            if (cause != null) {
                cause.printStackTrace(new PrintWriter(text));
            }
            try {
                Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                // nowhere else to write without touching the host's logging
            }
        };
    }
}
