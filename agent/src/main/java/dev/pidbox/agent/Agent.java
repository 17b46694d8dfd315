package dev.pidbox.agent;

import dev.pidbox.agent.internal.AgentRuntime;
import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry: attaches a pidbox node to this JVM. {@code premain} (at start) returns at once and
 * {@code agentmain} (dynamic attach) once the node's outcome is known; the node connects on a daemon thread. Nothing
 * thrown here reaches the host: a failure prints one line to stderr and the host runs on.
 */
public final class Agent {
    /** The longest {@code agentmain} waits for the node's outcome. */
    static final long ATTACH_WAIT_MILLIS = 10_000;

    private Agent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        try {
            AgentRuntime.launch(arguments, instrumentation);
        } catch (Throwable t) {
            System.err.println("pidbox-agent: not started: " + t);
        }
    }

    /**
     * Dynamic attach: starts the node as {@code premain} does, then returns once its outcome is known (listening,
     * waiting for the broker, failed, stopped), at most {@value #ATTACH_WAIT_MILLIS} ms later. It runs on the JVM's
     * attach listener thread, so no host thread waits, and the launcher learns the outcome from the load itself.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        try {
            AgentRuntime.launchAndAwait(arguments, instrumentation, ATTACH_WAIT_MILLIS);
        } catch (Throwable t) {
            System.err.println("pidbox-agent: not started: " + t);
        }
    }
}
