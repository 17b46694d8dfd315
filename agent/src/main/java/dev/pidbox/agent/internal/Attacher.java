package dev.pidbox.agent.internal;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Loads the agent into another JVM and reads the target's agent state: through HotSpot's attach protocol
 * spoken directly (Linux, Java 16+), otherwise through byte-buddy-agent and the JDK's attach API. Failures
 * are explained for the known causes: no such process, another user, attach disabled, shared memory
 * disabled, another container or PID namespace.
 */
public final class Attacher {
    /** Attaching failed; the message says why and what to do. */
    public static final class AttachFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A failure whose message says why and what to do; {@code cause} may be null. */
        public AttachFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A local JVM as {@code list} shows it. */
    public static final class Jvm {
        public final String pid;
        public final String main;
        public final String node;

        /** A JVM with its pid, main class (empty when unknown) and node ({@code -} for none). */
        public Jvm(String pid, String main, String node) {
            this.pid = pid;
            this.main = main;
            this.node = node;
        }
    }

    private Attacher() {
    }

    /**
     * Gets JVM {@code pid} ready for a {@link #load} soon after: starts its attach listener, where this launcher
     * speaks HotSpot's protocol itself. Best effort and silent: whatever fails here, {@code load} finds and reports;
     * a process that is not an attachable JVM is never signalled.
     */
    public static void prepare(String pid) {
        try {
            preflight(pid);
            if (useHotSpotProtocol()) {
                HotSpotAttach.open(pid);
            }
        } catch (RuntimeException | IOException e) {
            // load says what is wrong
        }
    }

    /** Loads {@code agentJar} into JVM {@code pid} with {@code arguments}. */
    public static void load(File agentJar, String pid, String arguments) {
        preflight(pid);
        try {
            if (useHotSpotProtocol()) {
                HotSpotAttach.load(pid, agentJar.getAbsolutePath(), arguments);
            } else {
                ByteBuddyAgent.attach(agentJar, pid, arguments);
            }
        } catch (RuntimeException | LinkageError | IOException e) {
            throw new AttachFailure(explain(pid, e), e);
        }
        String cmd = cmdline(pid);
        int version = javaFeatureVersion(pid);
        if (version >= 21 && !cmd.contains("-XX:+EnableDynamicAgentLoading")) {
            System.err.println("note: JVM " + pid + " runs Java " + version + ", which prints a warning when an agent is"
                    + " loaded dynamically; start it with -XX:+EnableDynamicAgentLoading to allow this silently"
                    + " (a future JDK may refuse without it), or use -javaagent at start");
        }
    }

    private static void preflight(String pid) {
        Path proc = Paths.get("/proc", pid);
        if (Files.isDirectory(Paths.get("/proc")) && !Files.isDirectory(proc)) {
            throw new AttachFailure("no process with pid " + pid + " (see `java -jar pidbox-agent.jar list`)", null);
        }
        String cmd = cmdline(pid);
        if (notAJvm(pid)) {
            throw new AttachFailure("process " + pid + " is not a JVM (" + (cmd.isEmpty() ? "no command line"
                    : first(cmd)) + "): it has no Java virtual machine library loaded; attach works only on Java"
                    + " processes (see `java -jar pidbox-agent.jar list`)", null);
        }
        if (cmd.contains("-XX:+DisableAttachMechanism")) {
            throw new AttachFailure("JVM " + pid + " was started with -XX:+DisableAttachMechanism, which refuses every"
                    + " attach; restart it without that flag, or with -javaagent:pidbox-agent.jar=... instead", null);
        }
    }

    /**
     * True when /proc shows the process's memory map and no JVM library is in it (HotSpot's libjvm, OpenJ9's
     * libj9vm). False when it cannot tell (no /proc, or a map we may not read): the attach then decides.
     */
    static boolean notAJvm(String pid) {
        Path maps = Paths.get("/proc", pid, "maps");
        String text;
        try {
            text = new String(Files.readAllBytes(maps), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (text.isEmpty()) {
            // a zombie or a kernel thread: nothing mapped, certainly no JVM
            return Files.isDirectory(Paths.get("/proc", pid));
        }
        return !text.contains("/libjvm.so") && !text.contains("/libj9vm") && !text.contains("/libjvm.dylib");
    }

    static String explain(String pid, Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
        }
        String text = chain.toString();
        String owner = owner(pid);
        String me = System.getProperty("user.name");
        List<String> hints = new ArrayList<>();
        if (owner != null && !owner.equals(me) && !"root".equals(me)) {
            hints.add("JVM " + pid + " runs as user '" + owner + "' and you are '" + me
                    + "': run the attach as that user (sudo -u " + owner + " java -jar pidbox-agent.jar attach " + pid + ")");
        }
        if (otherPidNamespace(pid)) {
            hints.add("JVM " + pid + " lives in another container or PID namespace: run the attach inside it"
                    + " (for example with nsenter or kubectl exec), with the agent jar copied there");
        }
        String cmd = cmdline(pid);
        if (cmd.contains("-XX:+PerfDisableSharedMem")) {
            hints.add("JVM " + pid + " runs with -XX:+PerfDisableSharedMem, so it is invisible to `list` and jps;"
                    + " attach by pid still works when the user matches");
        }
        if (!cmd.isEmpty() && !cmd.contains("java") && !cmd.contains("jdk") && !cmd.contains("jre")) {
            hints.add("process " + pid + " does not look like a JVM (" + first(cmd) + ")");
        }
        if (hints.isEmpty()) {
            hints.add("the JVM did not answer the attach request; it may have -XX:+DisableAttachMechanism set in a"
                    + " JAVA_TOOL_OPTIONS or flags file, be stuck in a safepoint, or have deleted its attach socket"
                    + " from /tmp (restart it, or use -javaagent at start)");
        }
        return "cannot attach to " + pid + ": " + String.join("; ", hints) + " [" + trim(text) + "]";
    }

    private static String trim(String s) {
        s = s.endsWith(" / ") ? s.substring(0, s.length() - 3) : s;
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static String first(String cmd) {
        int sp = cmd.indexOf(' ');
        return sp < 0 ? cmd : cmd.substring(0, sp);
    }

    static String cmdline(String pid) {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", pid, "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String owner(String pid) {
        try {
            return Files.getOwner(Paths.get("/proc", pid)).getName();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean otherPidNamespace(String pid) {
        try {
            Path mine = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid"));
            Path theirs = Files.readSymbolicLink(Paths.get("/proc", pid, "ns", "pid"));
            return !mine.equals(theirs);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The target's Java feature version from its {@code release} file, or 0 when unknown. */
    static int javaFeatureVersion(String pid) {
        try {
            Path exe = Files.readSymbolicLink(Paths.get("/proc", pid, "exe"));
            Path home = exe.getParent().getParent();
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major.equals("1") ? v.split("\\.")[1] : major);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return 0;
    }

    /**
     * Whether to speak HotSpot's attach protocol ourselves (Java 16+ on Linux) rather than go through the JDK's
     * attach API: it loads a fraction of the classes and does not sleep 100 ms before looking for the target's
     * socket, which is most of the difference in attach time. {@code -Dpidbox.attach=jdk} forces the JDK's API
     * (through byte-buddy-agent), which is also what other platforms and Java 11 to 15 use, and what a launcher with
     * no {@code kill} command on its PATH (a distroless image) uses when it has the JDK's API.
     */
    static boolean useHotSpotProtocol() {
        return !"jdk".equals(System.getProperty("pidbox.attach")) && HotSpotAttach.available()
                && (HotSpotAttach.killOnPath() || !jdkAttachPresent());
    }

    /** Whether this JVM has the JDK's attach API (a JDK, not a trimmed JRE). */
    static boolean jdkAttachPresent() {
        return ModuleLayer.boot().findModule("jdk.attach").isPresent();
    }

    /**
     * The target's pidbox properties, through jdk.attach or, on a JRE, HotSpot's protocol; empty when
     * neither is possible.
     */
    public static Map<String, String> systemProperties(String pid) {
        if (!useHotSpotProtocol() && jdkAttachPresent()) {
            return JdkAttach.systemProperties(pid);
        }
        if (!HotSpotAttach.available()) {
            return Collections.emptyMap();
        }
        try {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : HotSpotAttach.properties(pid).entrySet()) {
                if (e.getKey().startsWith("pidbox.agent.") || e.getKey().equals("java.version")) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
        } catch (IOException e) {
            throw new AttachFailure(explain(pid, e), e);
        }
    }

    /**
     * Reads the target's agent state until {@code done} accepts it or the time is up, every 25 ms; returns the last
     * read. Each read has the target serialise all its system properties, so the launcher reads once the load has
     * returned with the agent's outcome (see {@link Jvms#awaitState}).
     */
    public static Map<String, String> awaitState(String pid, long millis, Predicate<String> done) {
        long end = System.nanoTime() + millis * 1_000_000L;
        Map<String, String> props = systemProperties(pid);
        while (System.nanoTime() < end) {
            String state = props.get(AgentRuntime.PROP_STATE);
            if (props.isEmpty() || (state != null && done.test(state))) {
                return props;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return props;
            }
            props = systemProperties(pid);
        }
        return props;
    }

    /** Local JVMs visible to the attach API (or, on a JRE, found in /proc), with their pidbox node. */
    public static List<Jvm> list() {
        if (jdkAttachPresent()) {
            return JdkAttach.list();
        }
        if (!HotSpotAttach.available()) {
            throw new AttachFailure("`list` needs the jdk.attach module (a JDK) or Java 16+ on Linux", null);
        }
        List<Jvm> out = new ArrayList<>();
        String self = Long.toString(ProcessHandle.current().pid());
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String pid = p.getFileName().toString();
                if (!pid.matches("[0-9]+") || pid.equals(self) || !isJava(pid)) {
                    continue;
                }
                String node;
                try {
                    Map<String, String> props = systemProperties(pid);
                    String state = props.get(AgentRuntime.PROP_STATE);
                    node = state == null ? "-" : props.getOrDefault(AgentRuntime.PROP_NODE, "?") + " (" + state + ")";
                } catch (AttachFailure e) {
                    node = "? (cannot attach)";
                }
                out.add(new Jvm(pid, mainOf(cmdline(pid)), node));
            }
        } catch (IOException e) {
            throw new AttachFailure("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean isJava(String pid) {
        try {
            return Files.readSymbolicLink(Paths.get("/proc", pid, "exe")).getFileName().toString().equals("java");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The main class (or -jar file) from a java command line. */
    static String mainOf(String cmd) {
        String[] parts = cmd.split(" ");
        for (int i = 1; i < parts.length; i++) {
            String a = parts[i];
            if (a.equals("-jar") && i + 1 < parts.length) {
                return parts[i + 1];
            }
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-p")
                    || a.equals("--module-path")) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return "";
    }

    /** The parts that need jdk.attach, kept apart so a JRE fails only when they are used. */
    static final class JdkAttach {
        private JdkAttach() {
        }

        static Map<String, String> systemProperties(String pid) {
            Map<String, String> out = new LinkedHashMap<>();
            try {
                VirtualMachine vm = VirtualMachine.attach(pid);
                try {
                    Properties p = vm.getSystemProperties();
                    for (String key : p.stringPropertyNames()) {
                        if (key.startsWith("pidbox.agent.")) {
                            out.put(key, p.getProperty(key));
                        }
                    }
                    out.put("java.version", p.getProperty("java.version", ""));
                } finally {
                    vm.detach();
                }
            } catch (AttachNotSupportedException | IOException e) {
                throw new AttachFailure(explain(pid, e), e);
            }
            return out;
        }

        static List<Jvm> list() {
            List<Jvm> out = new ArrayList<>();
            String self = Long.toString(ProcessHandle.current().pid());
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                if (d.id().equals(self)) {
                    continue;
                }
                String node;
                try {
                    Map<String, String> p = systemProperties(d.id());
                    String state = p.get(AgentRuntime.PROP_STATE);
                    node = state == null ? "-" : p.getOrDefault(AgentRuntime.PROP_NODE, "?") + " (" + state + ")";
                } catch (AttachFailure e) {
                    node = "? (cannot attach)";
                }
                String main = d.displayName() == null ? "" : d.displayName().split("\\s+")[0];
                out.add(new Jvm(d.id(), main, node));
            }
            return out;
        }
    }
}
