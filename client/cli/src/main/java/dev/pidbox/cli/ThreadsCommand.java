package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Gather;
import dev.pidbox.fleet.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pidbox threads}. In table mode a selection that can reach several nodes asks each for a summary (counts per
 * state, no stack walk on the hosts); when exactly one node answered and none is missing, that node is asked again for
 * its dump. One named node, {@code --dump} or {@code --top} ask for dumps straight away; table mode's dumps are
 * folded on the node ({@code fold=true}). In json and ndjson modes, and
 * with {@code --group-by}, the arguments are those the options name, nothing added.
 */
abstract class ThreadsCommand extends GatherCommand {
    @Parameters(arity = "0..*", paramLabel = "NODE", description = "node names (same as --to)")
    List<String> nodes = new ArrayList<>();

    @Mixin
    Options.OneNode node;

    @Option(names = "--name", paramLabel = "GLOB", description = "only threads whose name matches")
    String name;

    @Option(names = "--state", paramLabel = "STATE", description = "only threads in this state, e.g. BLOCKED")
    String state;

    @Option(names = "--top", paramLabel = "N", description = "only the N threads that used most CPU, ranked, with their stacks")
    Integer top;

    @Option(names = "--max-depth", paramLabel = "N", description = "frames per thread")
    Integer maxDepth;

    @Option(names = "--dump", description = "the full dump of every selected node, one after another (table mode)")
    boolean dump;

    @Option(names = "--own", description = "include pidbox's own threads (pidbox-*), left out otherwise")
    boolean own;

    @Option(names = "--synchronizers", description = "list locked ownable synchronizers (java.util.concurrent locks), as"
            + " jstack -l does; the host walks its heap for them while stopped")
    boolean synchronizers;

    /** Whether the table-mode request is a summary (and a single answer is followed by a dump). */
    private boolean summarySent;

    @Override
    String method() {
        return "threads";
    }

    @Override
    Map<String, Object> fixedArguments() {
        selectors.to.addAll(nodes);
        nodes.clear();
        node.addTo(selectors);
        Map<String, Object> args = dumpArguments();
        // --group-by folds values at paths of the replies the options ask for, so it gets those, as json does
        summarySent = format() == Options.Format.TABLE && groupBy() == null && !dump && top == null && !oneNamedNode();
        if (summarySent) {
            args.put("summary", true);
        } else if (format() == Options.Format.TABLE && groupBy() == null && top == null) {
            // The text view folds identical stacks anyway; folded on the node, a dump of thousands of threads fits
            // in one reply (deadlocked threads and holders of contended locks stay apart).
            args.put("fold", true);
        }
        return args;
    }

    /** The arguments of a dump: today's options, then the new ones only when given. */
    Map<String, Object> dumpArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        Commands.put(args, "name", name);
        Commands.put(args, "state", state);
        Commands.put(args, "top", top);
        Commands.put(args, "max_depth", maxDepth);
        if (own) {
            args.put("own", true);
        }
        if (synchronizers) {
            args.put("synchronizers", true);
        }
        return args;
    }

    /** Exactly one node named, and nothing that could add others. */
    boolean oneNamedNode() {
        return selectors.to.size() == 1 && selectors.glob == null && selectors.regex == null && selectors.where.isEmpty();
    }

    @Override
    CallResult followUp(Session session, CallResult result, Duration timeout) {
        if (!summarySent || !Render.oneNode(result) || result.replies().get(0).isError()) {
            return result;
        }
        Reply only = result.replies().get(0);
        Map<String, Object> args = dumpArguments();
        args.put("fold", true);
        args.putAll(arguments.toMap());
        Gather gather = session.fleet.gather(method()).select(Selector.all().names(List.of(only.node())))
                .arguments(args).timeout(timeout).prepare();
        return gather(gather, Options.Format.TABLE);
    }

    @Override
    String table(CallResult result, Style style) {
        return ThreadsView.render(result, name != null || state != null, style);
    }
}
