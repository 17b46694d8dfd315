package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Request;
import dev.pidbox.Reply;
import dev.pidbox.broker.EmbeddedBroker;
import dev.pidbox.cli.demo.Demo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The subcommands. Each parses, calls the library through {@link Gather} or {@link Fleet}, and renders. */
final class Commands {
    private Commands() {
    }

    // ------------------------------------------------------------------ generic

    @Command(name = "call", description = "Call METHOD on the selected nodes and gather their replies.")
    static final class Call extends Gather {
        @Parameters(index = "0", paramLabel = "METHOD")
        String method;

        @Mixin
        Options.Rollout rollout;

        @Override
        String method() {
            return method;
        }

        @Override
        Options.Rollout rollout() {
            return rollout;
        }

        @Override
        boolean needsSelector() {
            return true;
        }
    }

    @Command(name = "multi-call", description = "Broadcast METHOD and gather every reply until the deadline.")
    static final class MultiCall extends Gather {
        @Parameters(index = "0", paramLabel = "METHOD")
        String method;

        @Override
        String method() {
            return method;
        }
    }

    @Command(name = "cast", description = "Send METHOD to the selected nodes without asking for replies.")
    static final class Cast extends Base {
        @Parameters(index = "0", paramLabel = "METHOD")
        String method;

        @Mixin
        Options.Selectors selectors;

        @Mixin
        Options.Arguments arguments;

        @Override
        int run() {
            if (selectors.to.isEmpty() && selectors.glob == null && selectors.regex == null
                    && selectors.where.isEmpty()) {
                throw new IllegalArgumentException("cast needs --to, --glob, --regex or --where (broadcast sends to every node)");
            }
            Duration timeout = timeout(selectors);
            try (Fleet fleet = openFleet()) {
                Request.Builder request = Fleet.select(method, arguments.toMap(), selectors, timeout);
                List<String> names = null;
                if (!selectors.where.isEmpty()) {
                    names = fleet.matchingWhere(selectors, timeout);
                    if (names.isEmpty()) {
                        err().println("pidbox: no node matches --where " + selectors.where
                                + " (kombu and Celery nodes have no tags)");
                        return Render.MISSING;
                    }
                    request = Request.builder(method).arguments(arguments.toMap()).timeout(timeout).destination(names);
                }
                fleet.mailbox.cast(request.reply(false).build());
                String to = names != null ? String.join(", ", names) : !selectors.to.isEmpty()
                        ? String.join(", ", selectors.to) : selectors.glob != null ? "glob " + selectors.glob
                        : "regex " + selectors.regex;
                sent(this, method, fleet.namespace, to);
                return Render.OK;
            }
        }
    }

    @Command(name = "broadcast", description = "Send METHOD to every node without asking for replies.")
    static final class Broadcast extends Base {
        @Parameters(index = "0", paramLabel = "METHOD")
        String method;

        @Mixin
        Options.Arguments arguments;

        @Override
        int run() {
            try (Fleet fleet = openFleet()) {
                fleet.mailbox.abcast(method, arguments.toMap());
                sent(this, method, fleet.namespace, "every node");
                return Render.OK;
            }
        }
    }

    static void sent(Base command, String method, String namespace, String to) {
        switch (command.format()) {
            case JSON:
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("method", method);
                doc.put("namespace", namespace);
                doc.put("sent_to", to);
                command.printJson(doc);
                break;
            case NDJSON:
                break;
            default:
                command.out().println("sent " + method + " to " + to + " in namespace '" + namespace
                        + "' (no replies asked for)");
        }
    }

    // ------------------------------------------------------------------ fleet views

    @Command(name = "ping", description = "Ping every selected node and show its round-trip time.")
    static final class Ping extends Gather {
        @Override
        String method() {
            return "ping";
        }

        @Override
        String table(CallResult result) {
            List<List<String>> rows = new ArrayList<>();
            for (Reply r : result.replies()) {
                rows.add(List.of(r.node(), Render.ms(r.elapsed()), r.isError() ? "error: " + r.error() : Render.cell(r.value())));
            }
            for (String m : result.missing()) {
                rows.add(List.of(m, "-", "missing"));
            }
            return Render.table(List.of("NODE", "RTT_MS", "REPLY"), rows);
        }
    }

    @Command(name = "nodes", description = "List the nodes with their JVM version, uptime and tags (the runtime command).")
    static final class Nodes extends Gather {
        @Override
        String method() {
            return "runtime";
        }

        @Override
        String table(CallResult result) {
            List<List<String>> rows = new ArrayList<>();
            for (Reply r : result.replies()) {
                if (r.isError() || !(r.value() instanceof Map)) {
                    rows.add(List.of(r.node(), "-", "-", "-", r.isError() ? "error: " + r.error() : Render.cell(r.value())));
                    continue;
                }
                Object uptime = Render.path(r.value(), "uptime_ms");
                Object tags = Render.path(r.value(), "tags");
                rows.add(List.of(r.node(), String.valueOf(Render.path(r.value(), "java_version")),
                        uptime instanceof Number ? Durations.human(Duration.ofMillis(((Number) uptime).longValue())) : "-",
                        tags instanceof Map ? tagText((Map<?, ?>) tags) : "-", ""));
            }
            for (String m : result.missing()) {
                rows.add(List.of(m, "-", "-", "-", "missing"));
            }
            return Render.table(List.of("NODE", "JAVA", "UPTIME", "TAGS", "NOTE"), rows);
        }

        private static String tagText(Map<?, ?> tags) {
            List<String> parts = new ArrayList<>();
            tags.forEach((k, v) -> parts.add(k + "=" + v));
            return parts.isEmpty() ? "-" : String.join(",", parts);
        }
    }

    @Command(name = "stats", description = "Celery worker statistics (the stats command), e.g. with --namespace celery.")
    static final class Stats extends Gather {
        @Override
        String method() {
            return "stats";
        }
    }

    // ------------------------------------------------------------------ shortcuts

    @Command(name = "threads", description = "Thread dump of NODE (or of the selected nodes).")
    static final class Threads extends Gather {
        @Parameters(arity = "0..*", paramLabel = "NODE", description = "node names (same as --to)")
        List<String> nodes = new ArrayList<>();

        @Option(names = "--name", paramLabel = "GLOB", description = "only threads whose name matches")
        String name;

        @Option(names = "--state", paramLabel = "STATE", description = "only threads in this state, e.g. BLOCKED")
        String state;

        @Option(names = "--top", paramLabel = "N", description = "only the N threads that used most CPU")
        Integer top;

        @Option(names = "--max-depth", paramLabel = "N", description = "frames per thread")
        Integer maxDepth;

        @Override
        String method() {
            return "threads";
        }

        @Override
        Map<String, Object> fixedArguments() {
            selectors.to.addAll(nodes);
            nodes.clear();
            Map<String, Object> args = new LinkedHashMap<>();
            put(args, "name", name);
            put(args, "state", state);
            put(args, "top", top);
            put(args, "max_depth", maxDepth);
            return args;
        }
    }

    @Command(name = "memory", description = "Heap, non-heap, pools, GC and buffer usage of the selected nodes.")
    static final class Memory extends Gather {
        @Override
        String method() {
            return "memory";
        }
    }

    @Command(name = "histogram", description = "Class histogram (biggest classes by bytes) of the selected nodes.")
    static final class Histogram extends Gather {
        @Option(names = "--top", paramLabel = "N", description = "rows to return")
        Integer top;

        @Option(names = "--name", paramLabel = "GLOB", description = "only classes whose name matches")
        String name;

        @Override
        String method() {
            return "histogram";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            put(args, "top", top);
            put(args, "name", name);
            return args;
        }
    }

    @Command(name = "reload", description = "Reload configuration on the selected nodes; use --canary/--batch for a rollout.")
    static final class Reload extends Gather {
        @Option(names = "--dry-run", description = "report what would change, change nothing")
        boolean dryRun;

        @Mixin
        Options.Rollout rollout;

        @Override
        String method() {
            return "reload";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            if (dryRun) {
                args.put("dry_run", true);
            }
            return args;
        }

        @Override
        Options.Rollout rollout() {
            return rollout;
        }
    }

    @Command(name = "loggers", description = "Loggers and their levels on the selected nodes.")
    static final class Loggers extends Gather {
        @Option(names = "--name", paramLabel = "GLOB", description = "only loggers matching")
        String name;

        @Option(names = "--configured", description = "only loggers with a level of their own")
        boolean configured;

        @Option(names = "--framework", paramLabel = "NAME", description = "only jul, logback or log4j2")
        String framework;

        @Option(names = "--context", paramLabel = "GLOB",
                description = "only the logger trees whose id matches (e.g. 'logback:webapp:/shop')")
        String context;

        @Override
        String method() {
            return "loggers";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            put(args, "name", name);
            put(args, "framework", framework);
            put(args, "context", context);
            if (configured) {
                args.put("configured", true);
            }
            return args;
        }
    }

    @Command(name = "mbean", description = "JMX MBeans of the selected nodes.",
            subcommands = {MBeanQuery.class, MBeanInfo.class, MBeanGet.class, MBeanSet.class, MBeanInvoke.class})
    static final class MBean extends Base {
        @Override
        int run() {
            spec.commandLine().usage(err());
            return Render.USAGE;
        }
    }

    @Command(name = "query", description = "ObjectNames matching PATTERN (default *:*).")
    static final class MBeanQuery extends Gather {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN")
        String pattern;

        @Override
        String method() {
            return "mbean.query";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            put(args, "pattern", pattern);
            return args;
        }
    }

    @Command(name = "info", description = "Attributes and operations of the MBean NAME.")
    static final class MBeanInfo extends Gather {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        String method() {
            return "mbean.info";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("name", name);
            return args;
        }
    }

    @Command(name = "get", description = "Attribute values of the MBean NAME (all readable ones, or ATTRIBUTE).")
    static final class MBeanGet extends Gather {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ATTRIBUTE")
        String attribute;

        @Option(names = "--path", paramLabel = "PATH", description = "a path inside a composite value")
        String path;

        @Override
        String method() {
            return "mbean.get";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("name", name);
            put(args, "attribute", attribute);
            put(args, "path", path);
            return args;
        }
    }

    @Command(name = "set", description = "Set ATTRIBUTE of the MBean NAME to VALUE (read as JSON when it parses).")
    static final class MBeanSet extends Gather {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ATTRIBUTE")
        String attribute;

        @Parameters(index = "2", paramLabel = "VALUE")
        String value;

        @Mixin
        Options.Rollout rollout;

        @Override
        String method() {
            return "mbean.set";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("name", name);
            args.put("attribute", attribute);
            args.put("value", Options.Arguments.value(value));
            return args;
        }

        @Override
        Options.Rollout rollout() {
            return rollout;
        }
    }

    @Command(name = "invoke", description = "Invoke OPERATION of the MBean NAME with ARGS (each read as JSON when it parses).")
    static final class MBeanInvoke extends Gather {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "OPERATION")
        String operation;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "ARG")
        List<String> operationArguments = new ArrayList<>();

        @Option(names = "--signature", split = ",", paramLabel = "TYPE", description = "parameter types, for overloads")
        List<String> signature;

        @Mixin
        Options.Rollout rollout;

        @Override
        String method() {
            return "mbean.invoke";
        }

        @Override
        Map<String, Object> fixedArguments() {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("name", name);
            args.put("operation", operation);
            List<Object> values = new ArrayList<>();
            for (String a : operationArguments) {
                values.add(Options.Arguments.value(a));
            }
            args.put("arguments", values);
            put(args, "signature", signature);
            return args;
        }

        @Override
        Options.Rollout rollout() {
            return rollout;
        }
    }

    static void put(Map<String, Object> args, String key, Object value) {
        if (value != null) {
            args.put(key, value);
        }
    }

    // ------------------------------------------------------------------ broker, demo, completion

    @Command(name = "broker", description = "Run an embedded single-host AMQP broker (for the quick start; not for fleets).")
    static final class BrokerCommand extends Base {
        @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "address to listen on (default 127.0.0.1)")
        String bind;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "5672", description = "port (default 5672)")
        int port;

        @Override
        int run() {
            EmbeddedBroker broker;
            try {
                broker = EmbeddedBroker.start(bind, port);
            } catch (IllegalStateException e) {
                err().println("pidbox: " + e.getMessage());
                return Render.ERRORS;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                broker.close();
                stopped.countDown();
            }, "pidbox-broker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out().println("embedded broker listening at " + broker.uri());
            out().println("use it from another shell:  export PIDBOX_BROKER='" + broker.uri() + "'");
            out().println("then e.g.:                   pidbox ping");
            out().println("press Ctrl-C to stop");
            out().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // stopped in-process (tests, embedding): close now instead of at JVM exit
                Runtime.getRuntime().removeShutdownHook(hook);
                broker.close();
                out().println("embedded broker stopped");
            }
            return Render.OK;
        }
    }

    @Command(name = "demo", description = "Start the embedded broker (unless PIDBOX_BROKER/--broker names one), a sample JVM with"
            + " the agent attached, and show ping, threads, memory, a reload and a multi-call.")
    static final class DemoCommand extends Base {
        @Option(names = "--agent", paramLabel = "PATH", description = "the agent jar (default: found next to pidbox.jar)")
        Path agent;

        @Override
        int run() {
            String broker = root().settings.explicitBroker(root().broker.broker);
            return Demo.run(out(), err(), broker, agent);
        }
    }

    @Command(name = "keygen", description = "Write a key pair for signed commands: NAME.key (private) and NAME.pub.")
    static final class Keygen extends Base {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = "pidbox", description = "file name (default pidbox)")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", description = "where to write (default ~/.config/pidbox)")
        java.nio.file.Path dir;

        @Option(names = "--algorithm", paramLabel = "ec-p256|ed25519", defaultValue = "ec-p256",
                description = "ec-p256 (default, any Java 11+) or ed25519 (Java 15+)")
        String algorithm;

        @Override
        int run() throws Exception {
            java.nio.file.Path target = dir != null ? dir : root().settings.keyDirectory();
            java.security.KeyPair pair = dev.pidbox.security.Keys.writeKeyPair(target, name,
                    dev.pidbox.security.Keys.Algorithm.parse(algorithm));
            out().println("wrote " + target.resolve(name + ".key") + " (private, mode 600) and "
                    + target.resolve(name + ".pub") + " (key id " + dev.pidbox.security.Keys.keyId(pair.getPublic()) + ")");
            out().println("give nodes the .pub (agent option trusted-keys=FILE); sign with --key "
                    + target.resolve(name + ".key"));
            return Render.OK;
        }
    }

    @Command(name = "completion", description = "Print a bash/zsh completion script: source <(pidbox completion)")
    static final class Completion extends Base {
        @Override
        int run() {
            out().print(AutoComplete.bash("pidbox", spec.root().commandLine()));
            return Render.OK;
        }
    }
}
