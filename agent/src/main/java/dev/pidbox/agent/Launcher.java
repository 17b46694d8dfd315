package dev.pidbox.agent;

import dev.pidbox.agent.internal.AgentOptions;
import dev.pidbox.agent.internal.AgentRuntime;
import dev.pidbox.agent.internal.Attacher;
import dev.pidbox.agent.internal.Jvms;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar pidbox-agent.jar attach|detach|status|list}: loads the agent into a running JVM,
 * stops it, or reports on it. Exit codes: 0 done, 1 the target refused or failed, 2 usage error. The JVMs are
 * reached through {@link Jvms}, so the launcher's decisions can be tested without attaching.
 */
public final class Launcher {
    private Launcher() {
    }

    /** Runs a command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Jvms.attaching(Launcher::agentJar)));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Jvms jvms) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        try {
            switch (command) {
                case "list":
                    return list(jvms, out);
                case "attach":
                    return attach(jvms, pid(args), Arrays.asList(args).subList(2, args.length), out, err);
                case "detach":
                    return detach(jvms, pid(args), out, err);
                case "status":
                    return status(jvms, pid(args), out);
                default:
                    err.println("pidbox-agent: unknown command '" + command + "'");
                    usage(err);
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println("pidbox-agent: " + e.getMessage());
            return 2;
        } catch (Attacher.AttachFailure e) {
            err.println("pidbox-agent: " + e.getMessage());
            return 1;
        }
    }

    private static String pid(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException(args[0] + " needs a pid (see `list`)");
        }
        String pid = args[1];
        if (!pid.matches("[0-9]+")) {
            throw new IllegalArgumentException("'" + pid + "' is not a pid");
        }
        return pid;
    }

    /**
     * Checks the options here (without this shell's environment: the target reads its own), then loads the agent.
     * The target's attach listener starts meanwhile, on a second thread: the check loads the broker client's classes,
     * the listener waits for a signal and a thread in the target, and neither needs the other.
     */
    private static int attach(Jvms jvms, String pid, List<String> options, PrintStream out, PrintStream err) {
        String joined = String.join(",", options);
        Thread prepare = new Thread(() -> jvms.prepare(pid), "pidbox-attach-prepare");
        prepare.setDaemon(true);
        prepare.start();
        AgentOptions.parseInLauncher(joined);
        try {
            prepare.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jvms.load(pid, joined);
        Map<String, String> props = jvms.awaitState(pid, 15_000, s -> s.equals("listening") || s.startsWith("failed")
                || s.startsWith("waiting"));
        String state = props.get(AgentRuntime.PROP_STATE);
        if (state == null) {
            out.println("agent loaded into " + pid + " (its state could not be read: this launcher runs without jdk.attach)");
            return 0;
        }
        if (state.equals("listening")) {
            out.println("attached to " + pid + ": node " + props.get(AgentRuntime.PROP_NODE) + " listening on "
                    + props.get(AgentRuntime.PROP_BROKER));
            return 0;
        }
        if (state.startsWith("waiting")) {
            out.println("attached to " + pid + ": node " + props.get(AgentRuntime.PROP_NODE) + " " + state);
            return 0;
        }
        if (state.startsWith(AgentRuntime.INVALID_OPTIONS)) {
            // What only the agent's full check finds (AgentOptions.parseInLauncher): a usage error, as here.
            err.println("pidbox-agent: " + state.substring(AgentRuntime.INVALID_OPTIONS.length()));
            return 2;
        }
        err.println("pidbox-agent: attached to " + pid + " but the node did not start: " + state);
        return 1;
    }

    private static int detach(Jvms jvms, String pid, PrintStream out, PrintStream err) {
        jvms.load(pid, "command=stop");
        Map<String, String> props = jvms.awaitState(pid, 10_000, s -> s.equals("stopped"));
        String state = props.get(AgentRuntime.PROP_STATE);
        if (state != null && !state.equals("stopped")) {
            err.println("pidbox-agent: asked " + pid + " to stop; its state is still: " + state);
            return 1;
        }
        out.println("detached from " + pid + ": node stopped, its queue deleted, its threads ended");
        return 0;
    }

    private static int status(Jvms jvms, String pid, PrintStream out) {
        Map<String, String> props = jvms.systemProperties(pid);
        String state = props.get(AgentRuntime.PROP_STATE);
        if (state == null) {
            out.println(pid + ": no pidbox agent");
            return 0;
        }
        out.println(pid + ": " + state + (props.containsKey(AgentRuntime.PROP_NODE)
                ? ", node " + props.get(AgentRuntime.PROP_NODE) + " on " + props.get(AgentRuntime.PROP_BROKER) : ""));
        return 0;
    }

    private static int list(Jvms jvms, PrintStream out) {
        out.printf("%-8s %-40s %s%n", "PID", "MAIN", "PIDBOX NODE");
        for (Attacher.Jvm jvm : jvms.list()) {
            out.printf("%-8s %-40s %s%n", jvm.pid, jvm.main.isEmpty() ? "?" : jvm.main, jvm.node);
        }
        return 0;
    }

    private static File agentJar() {
        try {
            File f = new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!f.isFile()) {
                throw new IllegalArgumentException("run this from pidbox-agent.jar (java -jar pidbox-agent.jar ...), not from "
                        + f);
            }
            return f;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate pidbox-agent.jar", e);
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar pidbox-agent.jar <command>");
        out.println("  attach <pid> [key=value ...]   load the agent into a running JVM and start its node");
        out.println("  detach <pid>                   stop the node, delete its queue, end its threads");
        out.println("  status <pid>                   the agent's state in that JVM");
        out.println("  list                           local JVMs and their pidbox nodes");
        out.println("options (also as -javaagent:pidbox-agent.jar=key=value,..., PIDBOX_<KEY> variables, or config=FILE):");
        for (Map.Entry<String, String> e : AgentOptions.KEYS.entrySet()) {
            out.printf("  %-22s %s%n", e.getKey(), e.getValue());
        }
    }
}
