package dev.pidbox.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;

/**
 * An embedded single-host AMQP 0-9-1 broker (Apache Qpid Broker-J, in this JVM, memory store only), so that
 * the quick start and the demo run where no RabbitMQ is installed.
 *
 * <p>It is a convenience for pidbox traffic on one host, not a stand-in for RabbitMQ: queue arguments such as
 * {@code x-expires} and {@code x-message-ttl} are accepted and ignored, and several corner cases differ from
 * RabbitMQ (see the README, "Embedded broker"). One user, {@code guest}/{@code guest}; vhost {@code /}.
 *
 * <p>Nothing is written outside a temporary work directory, which {@link #close()} deletes.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final SystemLauncher launcher;
    private final Path workDir;
    private final String host;
    private final int port;
    private boolean closed;

    private EmbeddedBroker(SystemLauncher launcher, Path workDir, String host, int port) {
        this.launcher = launcher;
        this.workDir = workDir;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts a broker with one AMQP port.
     *
     * @param bindHost the address to listen on, normally {@code 127.0.0.1}
     * @param port the port; 0 picks a free one
     * @throws IllegalStateException when the port cannot be bound or the broker does not start
     */
    public static EmbeddedBroker start(String bindHost, int port) {
        if (bindHost == null || bindHost.isEmpty()) {
            throw new IllegalArgumentException("bindHost must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (port != 0 && !canBind(bindHost, port)) {
            throw inUse(bindHost, port);
        }
        Path work;
        try {
            work = Files.createTempDirectory("pidbox-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded broker", e);
        }
        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> config) {
                system.set(config);
            }
        });
        boolean ok = false;
        try {
            Path config = work.resolve("initial-config.json");
            Files.write(config, initialConfig(bindHost, port).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("type", "Memory");
            attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
            attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
            attributes.put("preferenceStoreAttributes", Map.of("type", "Noop"));
            Map<String, String> context = new LinkedHashMap<>();
            context.put(SystemConfig.PROPERTY_QPID_WORK, work.toString());
            context.put(SystemConfig.QPID_WORK_DIR, work.toString());
            context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
            context.put("queue.behaviourOnUnknownDeclareArgument", "IGNORE");
            context.put("exchange.behaviourOnUnknownDeclareArgument", "IGNORE");
            attributes.put("context", context);
            launcher.startup(attributes);
            int bound = boundPort(system.get(), bindHost, port);
            ok = true;
            return new EmbeddedBroker(launcher, work, bindHost, bound);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start: " + e, e);
        } finally {
            if (!ok) {
                try {
                    launcher.shutdown();
                } catch (RuntimeException ignored) {
                    // already failing; the original error is the one to report
                }
                deleteTree(work);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int boundPort(SystemConfig<?> system, String host, int port) {
        if (system == null) {
            throw new IllegalStateException("the embedded broker did not start (no system configuration)");
        }
        Broker<?> broker = (Broker<?>) system.getContainer(Broker.class);
        if (broker == null) {
            throw new IllegalStateException("the embedded broker did not start (no broker)");
        }
        Collection<Port> ports = (Collection) broker.getChildren(Port.class);
        for (Port<?> p : ports) {
            if (p.getState() == State.ACTIVE && p.getBoundPort() > 0) {
                return p.getBoundPort();
            }
        }
        throw inUse(host, port);
    }

    private static IllegalStateException inUse(String host, int port) {
        if (port == 0) {
            return new IllegalStateException("the embedded broker could not listen on " + host + " (no free port)");
        }
        return new IllegalStateException("port " + port + " on " + host + " is in use: is RabbitMQ running? then use it:"
                + " PIDBOX_BROKER=amqp://guest:guest@localhost:" + port + "/");
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String initialConfig(String host, int port) {
        return "{\n"
                + "  \"name\": \"pidbox-embedded\",\n"
                + "  \"modelVersion\": \"9.1\",\n"
                + "  \"authenticationproviders\": [ {\n"
                + "    \"name\": \"plain\", \"type\": \"Plain\", \"secureOnlyMechanisms\": [],\n"
                + "    \"users\": [ { \"name\": \"guest\", \"type\": \"managed\", \"password\": \"guest\" } ]\n"
                + "  } ],\n"
                + "  \"ports\": [ {\n"
                + "    \"name\": \"AMQP\", \"type\": \"AMQP\", \"port\": " + port + ",\n"
                + "    \"bindingAddress\": \"" + jsonEscape(host) + "\",\n"
                + "    \"protocols\": [ \"AMQP_0_9_1\" ],\n"
                + "    \"authenticationProvider\": \"plain\",\n"
                + "    \"virtualhostaliases\": [ { \"name\": \"nameAlias\", \"type\": \"nameAlias\" },"
                + " { \"name\": \"defaultAlias\", \"type\": \"defaultAlias\" } ]\n"
                + "  } ],\n"
                + "  \"virtualhostnodes\": [ {\n"
                + "    \"name\": \"default\", \"type\": \"Memory\", \"defaultVirtualHostNode\": \"true\",\n"
                + "    \"virtualHostInitialConfiguration\": \"{\\\"type\\\": \\\"Memory\\\"}\"\n"
                + "  } ]\n"
                + "}\n";
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The bound AMQP port (the real one when started with port 0). */
    public int port() {
        return port;
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>/}. */
    public String uri() {
        String h = "0.0.0.0".equals(host) || "localhost".equals(host) ? "127.0.0.1" : host;
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return "amqp://guest:guest@" + h + ":" + port + "/";
    }

    /** Stops the broker, frees the port and deletes the work directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            launcher.shutdown();
        } finally {
            deleteTree(workDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + uri() + "]";
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
