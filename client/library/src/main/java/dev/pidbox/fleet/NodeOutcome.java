package dev.pidbox.fleet;

import dev.pidbox.Reply;

/** One node's outcome in a rollout: which step reached it, what happened, and its reply when it answered. */
public final class NodeOutcome {
    /** The step number of a node that was never sent to. */
    public static final int NOT_SENT = -1;

    private final String node;
    private final int step;
    private final Outcome outcome;
    private final Reply reply;

    NodeOutcome(String node, int step, Outcome outcome, Reply reply) {
        this.node = node;
        this.step = step;
        this.outcome = outcome;
        this.reply = reply;
    }

    /** The node's name. */
    public String node() {
        return node;
    }

    /** The step that reached it: 0 for the canary step, then batches 1, 2 ...; {@link #NOT_SENT} when skipped. */
    public int step() {
        return step;
    }

    /** What happened. */
    public Outcome outcome() {
        return outcome;
    }

    /** Its reply (the first, when it answered twice) for {@link Outcome#OK} and {@link Outcome#ERROR}; else null. */
    public Reply reply() {
        return reply;
    }

    @Override
    public String toString() {
        return node + " " + outcome.label() + (step == NOT_SENT ? "" : " at step " + step);
    }
}
