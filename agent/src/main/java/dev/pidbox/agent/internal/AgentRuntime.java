package dev.pidbox.agent.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.AMQImpl;
import dev.pidbox.Brokers;
import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.PidboxException;
import dev.pidbox.jmx.LoadedClasses;
import dev.pidbox.spi.JsonValues;
import dev.pidbox.spi.Threads;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMException;

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
    /** How the state of an agent whose options were refused begins; the reason follows. */
    public static final String INVALID_OPTIONS = "failed: invalid options: ";

    private static final Object LOCK = new Object();
    private static final Object STATE_LOCK = new Object();
    private static final AtomicBoolean WARMED = new AtomicBoolean();
    /** The longest the JMX registration waits for the node's first answer. */
    private static final long JMX_DELAY_MILLIS = 1000;
    private static AgentRuntime current;

    private final AgentOptions options;
    private final String fingerprint;
    private final Thread thread;
    /**
     * The connection's heartbeats, and the timing of the later looks for host handler providers: once the node
     * listens, the agent's only thread of its own besides the connection's reader (the thread that connected ends).
     */
    private final ScheduledThreadPoolExecutor timer;
    private final ErrorSink sink;
    private volatile boolean stopping;
    private volatile Connection connection;
    private volatile Mailbox mailbox;
    private volatile Node node;
    private final List<CallObserver> observers = new CopyOnWriteArrayList<>();
    private final HostHandlers hostHandlers;
    private volatile MeterRegistry meterRegistry;

    private AgentRuntime(AgentOptions options) {
        this.options = options;
        this.fingerprint = options.fingerprint();
        this.sink = sinkFor(options);
        this.thread = Threads.unstarted("pidbox-agent", this::run);
        this.timer = new ScheduledThreadPoolExecutor(1, Threads.factory("pidbox-agent-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.hostHandlers = new HostHandlers(options, sink, observers, () -> node, this::log);
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
    public static void launch(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    /**
     * As {@link #launch(String, Instrumentation)}, then waits at most {@code millis} until the outcome is known: the
     * node listens, waits for its broker, failed, or stopped. For {@code agentmain}, which runs on the JVM's attach
     * listener thread, never on a host thread: the launcher's load then returns with the outcome, and it reads the
     * state once instead of polling it while the node starts (each read has the target serialise all its system
     * properties). Other attach requests to this JVM (jcmd) wait meanwhile; {@code premain} never waits.
     */
    public static void launchAndAwait(String arguments, Instrumentation instrumentation, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        if (arguments == null || !arguments.contains("command=stop")) {
            warmOnce();
        }
        CountDownLatch applied = start(arguments, instrumentation);
        try {
            if (!applied.await(millis, TimeUnit.MILLISECONDS)) {
                return;
            }
            synchronized (STATE_LOCK) {
                for (long left = deadline - System.nanoTime(); left > 0 && unsettled(); left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(STATE_LOCK, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CountDownLatch start(String arguments, Instrumentation instrumentation) {
        CountDownLatch applied = new CountDownLatch(1);
        Threads.start("pidbox-agent-launch", () -> {
            try {
                if (instrumentation != null) {
                    LoadedClasses.install(instrumentation::getAllLoadedClasses);
                }
                apply(arguments);
            } finally {
                applied.countDown();
            }
        });
        return applied;
    }

    private static boolean unsettled() {
        String state = System.getProperty(PROP_STATE, "");
        return state.equals("starting") || state.equals("connecting");
    }

    /** Publishes the agent's state (for the launcher, in a system property) and wakes {@link #launchAndAwait}. */
    private static void state(String state) {
        synchronized (STATE_LOCK) {
            System.setProperty(PROP_STATE, state);
            STATE_LOCK.notifyAll();
        }
    }

    static void apply(String arguments) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(arguments, System::getenv);
        } catch (IllegalArgumentException e) {
            System.err.println("pidbox-agent: invalid options, agent not started: " + e.getMessage());
            state(INVALID_OPTIONS + e.getMessage());
            return;
        }
        synchronized (LOCK) {
            if (options.isStop()) {
                if (current != null) {
                    current.stop();
                    current = null;
                }
                LoadedClasses.uninstall();
                System.clearProperty(PROP_NODE);
                state("stopped");
                return;
            }
            if (current != null && !current.stopping && current.fingerprint.equals(options.fingerprint())) {
                return;
            }
            if (current != null) {
                current.stop();
            }
            current = new AgentRuntime(options);
            state("starting");
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
        FutureTask<List<HandlerDefinition>> handlers = new FutureTask<>(hostHandlers::initial);
        Threads.start("pidbox-agent-handlers", handlers);
        while (!stopping) {
            try {
                state("connecting");
                connection = Brokers.connect(uri, "pidbox-agent " + name, options.tls(), timer);
                break;
            } catch (PidboxException | IllegalArgumentException e) {
                if (!reported) {
                    System.err.println("pidbox-agent: " + e.getMessage() + "; retrying in the background");
                    reported = true;
                }
                state("waiting for broker: " + e.getMessage());
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
                    .policy(NodeSecurity.policy(options)).trustedKeys(NodeSecurity.trustedKeys(options))
                    .audit(NodeSecurity.auditSink(options, sink))
                    .auditExchange(options.get("audit-exchange")).replyUserId(options.replyUserId());
            observers.forEach(builder::observer);
            CountDownLatch answered = new CountDownLatch(1);
            builder.observer((method, outcome, nanos) -> answered.countDown());
            Node n = builder.build();
            node = n;
            n.listen();
            if (stopping) {
                closeAll();
                return;
            }
            state("listening");
            log("node " + name + " listening in namespace " + options.namespace() + " on " + Brokers.redact(uri));
            // JMX once the node has answered its first request, or a second after it listens: the platform MBean
            // server and Micrometer cost a few hundred classes in a JVM that never used JMX, work that should not
            // compete with the first reply.
            try {
                answered.await(JMX_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // stop() interrupts; stopping is checked next
            }
            if (!stopping) {
                registerJmx(name, uri);
            }
            if (stopping) {
                closeAll();
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            System.err.println("pidbox-agent: node " + name + " not started: " + e.getMessage());
            state("failed: " + e.getMessage());
            closeAll();
            return;
        }
        hostHandlers.lookLater(timer, () -> stopping);
    }


    /**
     * Loads and initialises, beside the connection, classes that the connection and the first request would otherwise
     * load one at a time on their own way: the broker client's protocol methods (verifying {@code AMQImpl} loads about
     * 150 classes, 60 to 90 ms measured on the connection's thread), the JSON codec and the node's request path (a
     * ping through an unbound node, in-process). It starts with the first attach, before the options are parsed (their check loads the broker client's
     * connection classes, which this does not need), and runs once per JVM; not at JVM start ({@code premain}), where
     * it would only compete with the host's own start for the CPU. Only a warm-up: whatever it does not reach is
     * loaded when needed, as before.
     *
     * @return whether it went through (for the tests: a warm-up that fails says nothing)
     */
    static boolean warm() {
        try {
            Class.forName(AMQImpl.class.getName(), true, AMQImpl.class.getClassLoader());
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("method", "ping");
            request.put("arguments", Collections.emptyMap());
            request.put("destination", Collections.singletonList("warm@local"));
            @SuppressWarnings("unchecked")
            Map<String, Object> decoded = (Map<String, Object>) JsonValues.decode(JsonValues.encode(request));
            // A request through an unbound node's dispatcher, in-process: the node's own request path.
            Node local = Mailbox.builder("pidbox-warm").build().node("warm@local")
                    .handler(HandlerDefinition.builder("ping").quick(true)
                            .handler((ctx, args) -> Collections.singletonMap("ok", "pong")).build())
                    .build();
            try {
                Object pong = local.handleMessage(decoded, new AMQP.BasicProperties.Builder().build());
                return Collections.singletonMap("ok", "pong").equals(pong);
            } finally {
                local.close();
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false; // nothing lost: the node loads these classes itself when it needs them
        }
    }

    private static void warmOnce() {
        if (WARMED.compareAndSet(false, true)) {
            Threads.start("pidbox-agent-warm", () -> warm());
        }
    }

    /** The node's MXBean and its call metrics in JMX, for JConsole; failures here never stop the node. */
    private void registerJmx(String name, String uri) {
        try {
            new NodeBean(name, options.namespace(), Brokers.redact(uri), () -> node, () -> connection).register();
        } catch (JMException | RuntimeException e) {
            sink.report("pidbox-agent: could not register " + NodeBean.OBJECT_NAME, e);
        }
        try {
            JmxMeterRegistry registry = new JmxMeterRegistry(
                    new JmxConfig() {
                        @Override
                        public String get(String key) {
                            return null;
                        }

                        @Override
                        public String domain() {
                            return "dev.pidbox";
                        }
                    }, Clock.SYSTEM);
            for (CallObserver o : observers) {
                if (o instanceof MeterBinder) {
                    ((MeterBinder) o).bindTo(registry);
                }
            }
            meterRegistry = registry;
        } catch (RuntimeException | LinkageError e) {
            sink.report("pidbox-agent: could not start the JMX metrics registry", e);
        }
    }

    private static List<HandlerDefinition> awaitHandlers(FutureTask<List<HandlerDefinition>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building handlers", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("building handlers failed: " + e.getCause(), e.getCause());
        }
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
        MeterRegistry registry = meterRegistry;
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
        timer.shutdownNow(); // every caller is done with this runtime
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
        Path file = options.logFile();
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
