package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.fleet.Gather;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The subcommands. Each parses, calls the library through {@link GatherCommand} or the library's fleet operations, and renders. */
final class Commands {
    private Commands() {
    }

    // ------------------------------------------------------------------ generic

    @Command(name = "call", description = "Call METHOD on the selected nodes and gather their replies.")
    static final class Call extends GatherCommand {
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
    static final class MultiCall extends GatherCommand {
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
            if (selectors.none()) {
                throw new IllegalArgumentException("cast needs --to, --glob, --regex or --where (broadcast sends to every node)");
            }
            Duration timeout = timeout(selectors);
            try (Session session = openSession()) {
                Gather gather = session.fleet.gather(method).select(selectors.selector()).arguments(arguments.toMap())
                        .timeout(timeout).prepare();
                if (gather.selectsNobody()) {
                    return noTagMatch(selectors);
                }
                // Mailbox.cast asks for no reply whatever the request says.
                session.mailbox.cast(gather.request());
                String to = !selectors.where.isEmpty() ? String.join(", ", gather.request().destination())
                        : !selectors.to.isEmpty() ? String.join(", ", selectors.to)
                        : selectors.glob != null ? "glob " + selectors.glob : "regex " + selectors.regex;
                sent(this, method, session.namespace, to);
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
            try (Session session = openSession()) {
                session.mailbox.abcast(method, arguments.toMap());
                sent(this, method, session.namespace, "every node");
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
    static final class Ping extends GatherCommand {
        @Override
        String method() {
            return "ping";
        }

        @Override
        String table(CallResult result, Style style) {
            return NodesView.ping(result, style);
        }
    }

    @Command(name = "nodes", description = "List the nodes with their JVM version, uptime and tags (the runtime command).")
    static final class Nodes extends GatherCommand {
        @Override
        String method() {
            return "runtime";
        }

        @Override
        String table(CallResult result, Style style) {
            return NodesView.nodes(result, style);
        }
    }

    @Command(name = "stats", description = "Celery worker statistics (the stats command), e.g. with --namespace celery.")
    static final class Stats extends GatherCommand {
        @Override
        String method() {
            return "stats";
        }
    }

    // ------------------------------------------------------------------ shortcuts

    @Command(name = "threads", description = "Thread dump of NODE in the layout of jstack; across nodes, the thread"
            + " counts per state of each (--dump for every node's dump).")
    static final class Threads extends ThreadsCommand {
    }

    @Command(name = "memory", description = "Heap, non-heap, pools, GC and buffer usage of the selected nodes.")
    static final class Memory extends GatherCommand {
        @Mixin
        Options.OneNode node;

        @Override
        String method() {
            return "memory";
        }

        @Override
        Map<String, Object> fixedArguments() {
            node.addTo(selectors);
            return new LinkedHashMap<>();
        }

        @Override
        String table(CallResult result, Style style) {
            return MemoryView.render(result, style);
        }
    }

    @Command(name = "histogram", description = "Class histogram (biggest classes by bytes) of the selected nodes.")
    static final class Histogram extends GatherCommand {
        @Option(names = "--top", paramLabel = "N", description = "rows to return")
        Integer top;

        @Option(names = "--name", paramLabel = "GLOB", description = "only classes whose name matches")
        String name;

        @Mixin
        Options.OneNode node;

        @Override
        String method() {
            return "histogram";
        }

        @Override
        String table(CallResult result, Style style) {
            return HistogramView.render(result, top, style);
        }

        @Override
        Map<String, Object> fixedArguments() {
            node.addTo(selectors);
            Map<String, Object> args = new LinkedHashMap<>();
            put(args, "top", top);
            put(args, "name", name);
            return args;
        }
    }

    @Command(name = "reload", description = "Reload configuration on the selected nodes; use --canary/--batch for a rollout.")
    static final class Reload extends GatherCommand {
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
    static final class Loggers extends GatherCommand {
        @Option(names = "--name", paramLabel = "GLOB", description = "only loggers matching")
        String name;

        @Option(names = "--configured", description = "only loggers with a level of their own")
        boolean configured;

        @Option(names = "--framework", paramLabel = "NAME", description = "only jul, logback or log4j2")
        String framework;

        @Option(names = "--context", paramLabel = "GLOB",
                description = "only the logger trees whose id matches (e.g. 'logback:webapp:/shop')")
        String context;

        @Mixin
        Options.OneNode node;

        @Override
        String method() {
            return "loggers";
        }

        @Override
        String table(CallResult result, Style style) {
            return LoggersView.render(result, name != null || configured, style);
        }

        @Override
        Map<String, Object> fixedArguments() {
            node.addTo(selectors);
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
    static final class MBeanQuery extends GatherCommand {
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
    static final class MBeanInfo extends GatherCommand {
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
    static final class MBeanGet extends GatherCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ATTRIBUTE")
        String attribute;

        @Option(names = "--path", paramLabel = "PATH", description = "a path inside a composite value")
        String path;

        @Mixin
        Options.OneNode node;

        @Override
        String method() {
            return "mbean.get";
        }

        @Override
        String table(CallResult result, Style style) {
            return MBeanView.render(result, style);
        }

        @Override
        Map<String, Object> fixedArguments() {
            node.addTo(selectors);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("name", name);
            put(args, "attribute", attribute);
            put(args, "path", path);
            return args;
        }
    }

    @Command(name = "set", description = "Set ATTRIBUTE of the MBean NAME to VALUE (read as JSON when it parses).")
    static final class MBeanSet extends GatherCommand {
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
    static final class MBeanInvoke extends GatherCommand {
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
}
