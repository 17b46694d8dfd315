package dev.pidbox.agent;

import dev.pidbox.agent.internal.AgentRuntime;
import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry: attaches a pidbox node to this JVM. {@code premain} (at start) and
 * {@code agentmain} (dynamic attach) return at once; the node connects on a daemon thread. Nothing
 * thrown here reaches the host: a failure prints one line to stderr and the host runs on.
 */
public final class Agent {
    private Agent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        agentmain(arguments, instrumentation);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        try {
            AgentRuntime.launch(arguments, instrumentation);
        } catch (Throwable t) {
            System.err.println("pidbox-agent: not started: " + t);
        }
    }
}
