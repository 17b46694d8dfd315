package dev.pidbox.agent.internal;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The local JVMs as the launcher ({@code java -jar pidbox-agent.jar attach|detach|status|list}) reaches them: load
 * the agent into one, read its agent's state, list them. {@link #attaching(Supplier)} is the real one, through
 * {@link Attacher}; the launcher's tests give their own, so its decisions are tested without attaching.
 */
public interface Jvms {
    /**
     * Loads the agent into JVM {@code pid} with {@code arguments}.
     *
     * @throws Attacher.AttachFailure when the target cannot be attached
     * @throws IllegalArgumentException when the agent jar cannot be found
     */
    void load(String pid, String arguments);

    /**
     * Gets JVM {@code pid} ready for a {@link #load} soon after (starts its attach listener). Best effort: does
     * nothing, silently, where it cannot; a later {@code load} reports what is wrong.
     */
    default void prepare(String pid) {
    }

    /** The target's {@code pidbox.agent.*} properties; empty when they cannot be read. */
    Map<String, String> systemProperties(String pid);

    /**
     * Reads the target's agent state until {@code done} accepts it or the time is up; returns the last read. The
     * first read is at once: a load returns once the agent's outcome is known ({@code Agent.agentmain}). The reads
     * repeat, every 25 ms, only where it returned early: its wait timed out, or an agent of an older build was
     * already loaded there.
     */
    Map<String, String> awaitState(String pid, long millis, Predicate<String> done);

    /** Local JVMs and their pidbox nodes. */
    List<Attacher.Jvm> list();

    /**
     * The real JVMs of this host, reached through {@link Attacher}.
     *
     * @param agentJar the jar to load, asked for only when an agent is loaded
     */
    static Jvms attaching(Supplier<File> agentJar) {
        return new Jvms() {
            @Override
            public void load(String pid, String arguments) {
                Attacher.load(agentJar.get(), pid, arguments);
            }

            @Override
            public void prepare(String pid) {
                Attacher.prepare(pid);
            }

            @Override
            public Map<String, String> systemProperties(String pid) {
                return Attacher.systemProperties(pid);
            }

            @Override
            public Map<String, String> awaitState(String pid, long millis, Predicate<String> done) {
                return Attacher.awaitState(pid, millis, done);
            }

            @Override
            public List<Attacher.Jvm> list() {
                return Attacher.list();
            }
        };
    }
}
