package dev.pidbox.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a {@link Rollout} did: an outcome for every node, in plan order, and whether and where it stopped. While a
 * rollout runs, its listener sees this result grow step by step.
 */
public final class RolloutResult {
    private final int maxFailures;
    private final List<NodeOutcome> outcomes = new ArrayList<>();
    private int failures;
    private int stoppedAfter = -1;

    RolloutResult(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    void add(NodeOutcome outcome) {
        outcomes.add(outcome);
        if (outcome.outcome().isFailure()) {
            failures++;
        }
    }

    void stopAfter(int step) {
        stoppedAfter = step;
    }

    /** Every node's outcome so far: the nodes of each step in plan order, then the skipped ones. */
    public List<NodeOutcome> outcomes() {
        return Collections.unmodifiableList(outcomes);
    }

    /** How many nodes failed (answered with an error or did not answer). */
    public int failures() {
        return failures;
    }

    /** The failure budget: more failures than this stop the rollout. */
    public int maxFailures() {
        return maxFailures;
    }

    /** Whether the rollout stopped early because the failures exceeded the budget. */
    public boolean stopped() {
        return stoppedAfter >= 0;
    }

    /** The step after which it stopped (0 for the canary step, then 1, 2 ...), or -1 when it did not stop. */
    public int stoppedAfter() {
        return stoppedAfter;
    }

    /** The nodes that answered without an error, in order. */
    public List<String> changed() {
        return withOutcome(Outcome.OK);
    }

    /** The nodes with {@code outcome}, in order. */
    public List<String> withOutcome(Outcome outcome) {
        List<String> out = new ArrayList<>();
        for (NodeOutcome o : outcomes) {
            if (o.outcome() == outcome) {
                out.add(o.node());
            }
        }
        return out;
    }

    /** Whether every node was reached and answered without an error. */
    public boolean isClean() {
        return !stopped() && failures == 0;
    }
}
