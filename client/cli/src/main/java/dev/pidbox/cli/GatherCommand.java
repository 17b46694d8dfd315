package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Gather;
import dev.pidbox.fleet.Groups;
import dev.pidbox.fleet.NodeOutcome;
import dev.pidbox.fleet.Rollout;
import dev.pidbox.fleet.RolloutResult;
import dev.pidbox.fleet.RolloutStep;
import dev.pidbox.fleet.Selector;
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
abstract class GatherCommand extends Base {
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
        if (needsSelector() && selectors.none()) {
            throw new IllegalArgumentException(spec.name() + " needs --to, --glob, --regex or --where"
                    + " (multi-call asks every node)");
        }
        Map<String, Object> args = allArguments();
        Duration timeout = timeout(selectors);
        Options.Rollout rollout = rollout();
        if (rollout != null && rollout.active()) {
            rollout.validate();
        }
        try (Session session = openSession()) {
            if (rollout != null && rollout.active()) {
                return rollout(session, args, timeout, rollout);
            }
            Gather gather = session.fleet.gather(method()).select(selectors.selector()).arguments(args)
                    .timeout(timeout).limit(selectors.limit).expect(selectors.expect).prepare();
            if (gather.selectsNobody()) {
                return noTagMatch(selectors);
            }
            CallResult result = gather(gather, format);
            if (format == Options.Format.TABLE) {
                result = followUp(session, result, timeout);
            }
            render(session, result);
            return Render.exitCode(result);
        }
    }

    /** Runs a prepared gather with the progress line on a terminal; in ndjson each reply is printed as it comes. */
    CallResult gather(Gather gather, Options.Format format) {
        PrintWriter out = out();
        try (Progress progress = Progress.start(err(), gather.progress(), root().terminal.getAsBoolean())) {
            return gather.run((reply, counted) -> {
                if (format == Options.Format.NDJSON) {
                    synchronized (out) {
                        out.println(Render.ndjsonLine(reply));
                        out.flush();
                    }
                }
            });
        }
    }

    /** In table mode, a second call a command makes after seeing the first result (threads: one node's dump); by default none. */
    CallResult followUp(Session session, CallResult result, Duration timeout) {
        return result;
    }

    void render(Session session, CallResult result) {
        PrintWriter out = out();
        warn(result);
        switch (format()) {
            case NDJSON:
                if (result.missingCount() > 0) {
                    err().println("pidbox: " + Render.summary(result));
                }
                return;
            case JSON:
                printJson(Render.document(method(), session.namespace, result, groupBy()));
                return;
            default:
                break;
        }
        if (groupBy() != null) {
            out.print(Render.groupTable(Groups.byValueAt(result.replies(), groupBy())));
        } else if (result.replies().isEmpty() && result.missing().isEmpty() && result.brokerBlocked() != null) {
            out.println("no reply to " + method() + " in namespace '" + session.namespace + "': the broker is blocking"
                    + " publishes (" + result.brokerBlocked() + ")");
        } else if (result.replies().isEmpty() && result.missing().isEmpty()) {
            out.println("no node answered " + method() + " in namespace '" + session.namespace + "' within "
                    + Durations.human(timeout(selectors)));
        } else {
            out.print(text(result, style()));
            return;
        }
        out.println(Render.summary(result));
    }

    /** The table-mode output for a result: the command's view, then the summary line. */
    String text(CallResult result, Style style) {
        return table(result, style) + Render.summary(result) + "\n";
    }

    /** The command's view of a result in table mode: by default one reply in full, else the generic reply table. */
    String table(CallResult result, Style style) {
        if (result.replies().size() == 1 && result.missing().isEmpty()) {
            Reply only = result.replies().get(0);
            return only.isError() ? Render.errorBlock(only, style) : Render.single(only);
        }
        return Render.replyTable(result, style);
    }

    /**
     * A rollout step that gathers with a live progress line on stderr ({@code rollout step 2/3 (batch 1): replies
     * 1/4, elapsed 0.3s}); it sends what {@code Fleet.step} sends: the method to the step's nodes by name.
     */
    private RolloutStep liveStep(Session session, Map<String, Object> args, Duration timeout, int steps, boolean canary) {
        int[] number = {0};
        return stepNodes -> {
            number[0]++;
            String what = canary && number[0] == 1 ? "canary" : "batch " + (canary ? number[0] - 1 : number[0]);
            Gather gather = session.fleet.gather(method()).select(Selector.all().names(stepNodes)).arguments(args)
                    .timeout(timeout).prepare();
            try (Progress progress = Progress.start(err(), gather.progress(), true,
                    "rollout step " + number[0] + "/" + steps + " (" + what + "): ")) {
                return gather.run((reply, counted) -> { });
            }
        };
    }

    int rollout(Session session, Map<String, Object> args, Duration timeout, Options.Rollout opts) {
        // Named nodes without --where are taken as given, their patterns never looked at (so never refused).
        Selector selector = selectors.where.isEmpty() && !selectors.to.isEmpty() ? Selector.all().names(selectors.to)
                : selectors.selector();
        List<String> nodes = session.fleet.discover(selector, timeout);
        if (nodes.isEmpty()) {
            err().println("pidbox: no node selected for the rollout of " + method() + " in namespace '"
                    + session.namespace + "'");
            return Render.MISSING;
        }
        boolean terminal = root().terminal.getAsBoolean();
        Rollout plan = Rollout.of(opts.canary, opts.batch, opts.maxFailures);
        RolloutStep step = terminal ? liveStep(session, args, timeout, plan.plan(nodes).size(), opts.canary != null)
                : session.fleet.step(method(), args, timeout);
        RolloutResult result = plan.run(nodes, step,
                r -> {
                    if (terminal) {
                        err().println("rollout: " + r.outcomes().size() + "/" + nodes.size() + " nodes done, "
                                + r.failures() + " failed");
                    }
                });
        PrintWriter out = out();
        switch (format()) {
            case NDJSON:
                for (NodeOutcome o : result.outcomes()) {
                    out.println(json(RolloutView.toJson(o)));
                }
                break;
            case JSON:
                printJson(RolloutView.document(method(), result));
                break;
            default:
                out.print(RolloutView.table(result));
                out.println(RolloutView.summary(result));
        }
        if (result.stopped() && format() != Options.Format.TABLE) {
            err().println("pidbox: " + RolloutView.reason(result));
        }
        return RolloutView.exitCode(result);
    }
}
