package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sends a mutating command to a fleet in steps: {@code canary} nodes first, then batches of {@code batch} (all the
 * rest at once when null), stopping as soon as more than {@code maxFailures} nodes answered with an error or did not
 * answer. Every node gets an {@link Outcome}; those after the stop are {@link Outcome#SKIPPED}, never sent to.
 *
 * <pre>{@code
 * RolloutResult r = Rollout.of(1, 2, 0).run(nodes, fleet.step("reload", Map.of(), timeout), null);
 * }</pre>
 */
public final class Rollout {
    private final Integer canary;
    private final Integer batch;
    private final int maxFailures;

    private Rollout(Integer canary, Integer batch, int maxFailures) {
        this.canary = canary;
        this.batch = batch;
        this.maxFailures = maxFailures;
    }

    /**
     * A rollout plan.
     *
     * @param canary nodes in the first step, or null for no canary step
     * @param batch nodes in each later step, or null for all the rest at once
     * @param maxFailures how many failed nodes it tolerates; one more stops it
     * @throws IllegalArgumentException when canary or batch is below 1 or maxFailures below 0
     */
    public static Rollout of(Integer canary, Integer batch, int maxFailures) {
        if (canary != null && canary < 1 || batch != null && batch < 1 || maxFailures < 0) {
            throw new IllegalArgumentException("a rollout's canary and batch must be at least 1 and its failure budget"
                    + " at least 0, got canary " + canary + ", batch " + batch + ", max failures " + maxFailures);
        }
        return new Rollout(canary, batch, maxFailures);
    }

    /** The steps for {@code nodes}: the first {@code canary} nodes (if any), then groups of {@code batch}. */
    public List<List<String>> plan(List<String> nodes) {
        List<List<String>> steps = new ArrayList<>();
        int i = 0;
        if (canary != null) {
            int end = Math.min(canary, nodes.size());
            steps.add(new ArrayList<>(nodes.subList(0, end)));
            i = end;
        }
        int size = batch != null ? batch : Math.max(1, nodes.size() - i);
        while (i < nodes.size()) {
            int end = Math.min(i + size, nodes.size());
            steps.add(new ArrayList<>(nodes.subList(i, end)));
            i = end;
        }
        return steps;
    }

    /**
     * Runs the plan for {@code nodes}, sending each step with {@code step} and waiting for it before the next.
     *
     * @param afterStep told after each step with the result so far (for progress); may be null
     */
    public RolloutResult run(List<String> nodes, RolloutStep step, Consumer<RolloutResult> afterStep) {
        List<List<String>> steps = plan(nodes);
        RolloutResult result = new RolloutResult(maxFailures);
        int number = canary != null ? 0 : 1;
        for (int s = 0; s < steps.size(); s++, number++) {
            List<String> stepNodes = steps.get(s);
            record(result, number, stepNodes, step.send(stepNodes));
            if (afterStep != null) {
                afterStep.accept(result);
            }
            if (result.failures() > maxFailures) {
                result.stopAfter(number);
                for (int rest = s + 1; rest < steps.size(); rest++) {
                    for (String node : steps.get(rest)) {
                        result.add(new NodeOutcome(node, NodeOutcome.NOT_SENT, Outcome.SKIPPED, null));
                    }
                }
                break;
            }
        }
        return result;
    }

    private static void record(RolloutResult result, int number, List<String> stepNodes, CallResult answers) {
        Map<String, Reply> byNode = new LinkedHashMap<>();
        for (Reply r : answers.replies()) {
            byNode.putIfAbsent(r.node(), r);
        }
        for (String node : stepNodes) {
            Reply r = byNode.get(node);
            Outcome outcome = r == null ? Outcome.MISSING : r.isError() ? Outcome.ERROR : Outcome.OK;
            result.add(new NodeOutcome(node, number, outcome, r));
        }
    }
}
