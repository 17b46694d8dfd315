package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Request;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * A command that sends one method to the selected nodes and gathers their replies (or, with rollout
 * options, sends it step by step). Subclasses name the method and its fixed arguments.
 */
abstract class Gather extends Base {
    @Mixin
    Options.Selectors selectors;

    @Mixin
    Options.Arguments arguments;

    abstract String method();

    /** Arguments set by the command's own options; {@code --arg} and {@code --args-json} add to them. */
    Map<String, Object> fixedArguments() {
        return new LinkedHashMap<>();
    }

    /** The rollout options of a mutating command, or null. */
    Options.Rollout rollout() {
        return null;
    }

    /** Whether the command refuses to run without a selector (call needs a destination). */
    boolean needsSelector() {
        return false;
    }

    Map<String, Object> allArguments() {
        Map<String, Object> args = fixedArguments();
        args.putAll(arguments.toMap());
        return args;
    }

    @Override
    int run() {
        Options.Format format = format();
        if (format == Options.Format.NDJSON && groupBy() != null) {
            throw new IllegalArgumentException("--group-by does not apply to -o ndjson (it folds a whole gather)");
        }
        if (needsSelector() && selectors.to.isEmpty() && selectors.glob == null && selectors.regex == null
                && selectors.where.isEmpty()) {
            throw new IllegalArgumentException(spec.name() + " needs --to, --glob, --regex or --where"
                    + " (multi-call asks every node)");
        }
        Map<String, Object> args = allArguments();
        Duration timeout = timeout(selectors);
        Options.Rollout rollout = rollout();
        if (rollout != null && rollout.active()) {
            rollout.validate();
        }
        try (Fleet fleet = openFleet()) {
            if (rollout != null && rollout.active()) {
                return rollout(fleet, args, timeout, rollout);
            }
            Request.Builder request = Fleet.select(method(), args, selectors, timeout)
                    .limit(selectors.limit).expect(selectors.expect);
            int expected = selectors.to.isEmpty() ? (selectors.expect == null ? -1 : selectors.expect)
                    : selectors.to.size();
            if (!selectors.where.isEmpty()) {
                List<String> names = fleet.matchingWhere(selectors, timeout);
                if (names.isEmpty()) {
                    err().println("pidbox: no node matches --where " + selectors.where
                            + " (kombu and Celery nodes have no tags)");
                    return Render.MISSING;
                }
                request = Request.builder(method()).arguments(args).timeout(timeout).limit(selectors.limit)
                        .destination(names);
                expected = names.size();
            }
            CallResult result;
            PrintWriter out = out();
            try (Progress progress = Progress.start(err(), expected, root().terminal.getAsBoolean())) {
                result = fleet.mailbox.call(request.build(), reply -> {
                    progress.reply();
                    if (format == Options.Format.NDJSON) {
                        synchronized (out) {
                            out.println(Render.ndjsonLine(reply));
                            out.flush();
                        }
                    }
                });
            }
            render(fleet, result);
            return Render.exitCode(result);
        }
    }

    void render(Fleet fleet, CallResult result) {
        PrintWriter out = out();
        for (dev.pidbox.CallResult.Forgery f : result.forgeries()) {
            err().println("pidbox: FORGED reply claiming to be " + f.node() + " ignored: " + f.reason());
        }
        if (result.brokerBlocked() != null) {
            // Whatever the format, the operator learns why nodes may look silent: the request may never have left.
            err().println("pidbox: " + dev.pidbox.Mailbox.blockedMessage(result.brokerBlocked())
                    + "; the nodes were not necessarily asked");
            err().flush();
        }
        switch (format()) {
            case NDJSON:
                if (result.missingCount() > 0) {
                    err().println("pidbox: " + Render.summary(result));
                }
                return;
            case JSON:
                printJson(Render.document(method(), fleet.namespace, result, groupBy()));
                return;
            default:
                break;
        }
        if (groupBy() != null) {
            out.print(Render.groupTable(Render.groupBy(result.replies(), groupBy())));
        } else if (result.replies().isEmpty() && result.missing().isEmpty() && result.brokerBlocked() != null) {
            out.println("no reply to " + method() + " in namespace '" + fleet.namespace + "': the broker is blocking"
                    + " publishes (" + result.brokerBlocked() + ")");
        } else if (result.replies().isEmpty() && result.missing().isEmpty()) {
            out.println("no node answered " + method() + " in namespace '" + fleet.namespace + "' within "
                    + Durations.human(timeout(selectors)));
        } else {
            out.print(table(result));
        }
        out.println(Render.summary(result));
    }

    String table(CallResult result) {
        if (result.replies().size() == 1 && result.missing().isEmpty()) {
            return Render.single(result.replies().get(0));
        }
        return Render.replyTable(result);
    }

    int rollout(Fleet fleet, Map<String, Object> args, Duration timeout, Options.Rollout opts) {
        List<String> nodes = fleet.discover(selectors, timeout);
        if (nodes.isEmpty()) {
            err().println("pidbox: no node selected for the rollout of " + method() + " in namespace '"
                    + fleet.namespace + "'");
            return Render.MISSING;
        }
        boolean terminal = root().terminal.getAsBoolean();
        Rollout.Result result = Rollout.run(nodes, opts.canary, opts.batch, opts.maxFailures,
                step -> fleet.mailbox.call(Request.builder(method()).arguments(args).destination(step)
                        .timeout(timeout).build(), null),
                r -> {
                    if (terminal) {
                        err().println("rollout: " + r.outcomes.size() + "/" + nodes.size() + " nodes done, "
                                + r.failures + " failed");
                    }
                });
        PrintWriter out = out();
        switch (format()) {
            case NDJSON:
                for (Rollout.Outcome o : result.outcomes) {
                    out.println(json(o.toJson()));
                }
                break;
            case JSON:
                printJson(Rollout.document(method(), result));
                break;
            default:
                out.print(Rollout.table(result));
                out.println(Rollout.summary(result));
        }
        if (result.stopped && format() != Options.Format.TABLE) {
            err().println("pidbox: " + result.reason);
        }
        return Rollout.exitCode(result);
    }
}
