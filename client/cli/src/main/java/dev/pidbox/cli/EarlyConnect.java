package dev.pidbox.cli;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.Tls;
import dev.pidbox.spi.JsonValues;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The broker connection of a short command, opened on a second thread while picocli builds and parses the command
 * line on the first, which takes longer than connecting does. It is opened only where the connection is certain to
 * be the one {@link Session#open} would make: a subcommand that talks to the broker, no help or version flag, and no
 * flag among the arguments that changes the broker or its TLS settings, so that the environment and the
 * configuration file alone decide both. Anything else, and the session connects as it always did. The same thread
 * then encodes a small document, so that the JSON codec's classes are loaded by the time the request is. A connection
 * nobody took is closed before the JVM exits.
 */
final class EarlyConnect {
    /** The subcommands that connect at once. */
    private static final Set<String> CONNECTING = Set.of("call", "cast", "broadcast", "multi-call", "ping", "nodes",
            "stats", "threads", "memory", "histogram", "reload", "loggers", "mbean", "profile", "top", "console");
    /** How long {@link #discard} waits for a connection still being opened, in ms. */
    static final long DISCARD_WAIT_MILLIS = 500;
    private static volatile CompletableFuture<Connection> pending;

    private EarlyConnect() {
    }

    /** Starts connecting when {@code subcommand} and the arguments allow it (see the class comment). */
    static void start(Settings settings, String subcommand, String[] args) {
        if (subcommand == null || !CONNECTING.contains(subcommand)) {
            return;
        }
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")
                    || a.startsWith("--broker") || a.startsWith("--tls")) {
                return;
            }
        }
        CompletableFuture<Connection> future = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                String uri = settings.broker(null);
                Tls tls = settings.tls(null, null, null, null, false);
                future.complete(Brokers.connect(uri, "pidbox-cli", tls));
                JsonValues.encode(Map.of("method", "ping", "arguments", Map.of()));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "pidbox-early-connect");
        t.setDaemon(true);
        pending = future;
        t.start();
    }

    /**
     * The early connection, when one was started and the session's own flags leave the broker and TLS to the
     * environment, as the early one did; its failure is thrown as connecting would have thrown it. Null when there
     * is none to take: the session then connects itself.
     */
    static Connection take(Options.Broker flags) {
        CompletableFuture<Connection> future = pending;
        pending = null;
        if (future == null) {
            return null;
        }
        boolean same = flags.broker == null && flags.tlsCa == null && flags.tlsCert == null && flags.tlsKey == null
                && flags.tlsKeyPasswordFile == null && !flags.tlsInsecure;
        if (!same) {
            future.thenAccept(EarlyConnect::closeQuietly);
            return null;
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.thenAccept(EarlyConnect::closeQuietly);
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new CompletionException(cause);
        }
    }

    /**
     * Closes a connection nobody took (a usage error, a command that ended before connecting). Waits at most
     * {@link #DISCARD_WAIT_MILLIS} for one still connecting: a usage error must not wait on a slow or unreachable
     * broker; past that the JVM exits and the half-open socket goes with it.
     */
    static void discard() {
        CompletableFuture<Connection> future = pending;
        pending = null;
        if (future != null) {
            try {
                closeQuietly(future.get(DISCARD_WAIT_MILLIS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // it never connected, or not yet: nothing to close that the exit does not close
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close(1000);
        } catch (Exception e) {
            // already closed
        }
    }
}
