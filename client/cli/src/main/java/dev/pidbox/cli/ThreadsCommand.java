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
import java.util.regex.Pattern;
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
    /** How an agent older than {@code summary} and {@code fold} refuses them (strict arguments). */
    private static final Pattern ADDED_ARGUMENT_REFUSED = Pattern.compile(
            "threads\\(\\) got an unexpected argument '(summary|fold)'");

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
    CallResult followUp(Session session, CallResult first, Duration timeout) {
        List<String> older = olderAgents(first);
        CallResult result = older.isEmpty() ? first : askOlderAgentsAgain(session, first, older, timeout);
        if (!summarySent || !Render.oneNode(result) || result.replies().get(0).isError()) {
            return result;
        }
        Reply only = result.replies().get(0);
        Map<String, Object> args = dumpArguments();
        if (!older.contains(only.node())) {
            args.put("fold", true);
        }
        args.putAll(arguments.toMap());
        Gather gather = session.fleet.gather(method()).select(Selector.all().names(List.of(only.node())))
                .arguments(args).timeout(timeout).prepare();
        return gather(gather, Options.Format.TABLE);
    }

    /**
     * The nodes that refused an argument table mode added on its own ({@code summary}, {@code fold}): agents older
     * than those arguments, whose {@code threads} takes no unknown argument.
     */
    static List<String> olderAgents(CallResult result) {
        List<String> out = new ArrayList<>();
        for (Reply r : result.errors()) {
            if (ADDED_ARGUMENT_REFUSED.matcher(String.valueOf(r.error())).find()) {
                out.add(r.node());
            }
        }
        return out;
    }

    /**
     * Asks the {@code older} nodes again with only the arguments the options name (no stacks for a summary), and
     * puts their answers in place of their refusals; a summary's answer is counted into states here, as a newer
     * node counts them. A node that does not answer again keeps its refusal.
     */
    CallResult askOlderAgentsAgain(Session session, CallResult first, List<String> older, Duration timeout) {
        Map<String, Object> args = dumpArguments();
        args.putAll(arguments.toMap());
        if (summarySent) {
            args.put("max_depth", 0);
        }
        Gather gather = session.fleet.gather(method()).select(Selector.all().names(older)).arguments(args)
                .timeout(timeout).prepare();
        CallResult again = gather(gather, Options.Format.TABLE);
        return merged(first, older, again, summarySent);
    }

    static CallResult merged(CallResult first, List<String> older, CallResult again, boolean summary) {
        Map<String, Reply> answers = new LinkedHashMap<>();
        for (Reply r : again.replies()) {
            answers.putIfAbsent(r.node(), summary && !r.isError() ? new Reply(r.node(), asSummary(r.value()), r.elapsed())
                    : r);
        }
        List<Reply> replies = new ArrayList<>();
        for (Reply r : first.replies()) {
            replies.add(r.isError() && older.contains(r.node()) && answers.containsKey(r.node()) ? answers.get(r.node())
                    : r);
        }
        // The destination is not public: named nodes are those answered plus those missing; a broadcast had none.
        List<String> destination = new ArrayList<>();
        if (!first.missing().isEmpty()) {
            destination.addAll(first.answered());
            destination.addAll(first.missing());
        }
        return new CallResult(first.ticket(), replies, destination, first.expected(),
                first.elapsed().plus(again.elapsed()), first.deadlineReached() || again.deadlineReached(),
                first.brokerBlocked(), first.forgeries());
    }

    /** An older agent's dump as a summary: the counts per state of its threads, no thread listed. */
    static Object asSummary(Object value) {
        if (!(value instanceof Map)) {
            return value;
        }
        Map<String, Object> out = new LinkedHashMap<>(Fields.map(value));
        Map<String, Object> states = new LinkedHashMap<>();
        for (Object t : Fields.list(value, "threads")) {
            String state = String.valueOf(Fields.string(t, "state"));
            states.put(state, ((Number) states.getOrDefault(state, 0)).intValue() + 1);
        }
        out.remove("threads");
        out.remove("matched");
        out.put("states", states);
        return out;
    }

    @Override
    String table(CallResult result, Style style) {
        return ThreadsView.render(result, name != null || state != null, style);
    }
}
