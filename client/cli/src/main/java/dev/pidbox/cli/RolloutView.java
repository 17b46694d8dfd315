package dev.pidbox.cli;

import dev.pidbox.fleet.NodeOutcome;
import dev.pidbox.fleet.Outcome;
import dev.pidbox.fleet.RolloutResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a library {@link RolloutResult}: the outcome table, the summary, the JSON forms and the exit code. */
public final class RolloutView {
    private RolloutView() {
    }

    /** The DETAIL of an outcome: the reply value in a cell, the error text, or why there is no reply. */
    static String detail(NodeOutcome o) {
        switch (o.outcome()) {
            case OK:
                return Render.cell(o.reply().value());
            case ERROR:
                return o.reply().error();
            case MISSING:
                return "no reply within the deadline";
            default:
                return "not sent: rollout stopped";
        }
    }

    /** The BATCH of an outcome: canary, the batch number, or - when not sent. */
    static String batch(NodeOutcome o) {
        return o.step() == NodeOutcome.NOT_SENT ? "-" : o.step() == 0 ? "canary" : Integer.toString(o.step());
    }

    /** One outcome as JSON: node, batch (null when not sent), outcome, detail. */
    public static Map<String, Object> toJson(NodeOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", o.node());
        m.put("batch", o.step() == NodeOutcome.NOT_SENT ? null : o.step());
        m.put("outcome", o.outcome().label());
        m.put("detail", detail(o));
        return m;
    }

    /** Why the rollout stopped, naming the step and the budget; null when it did not stop. */
    static String reason(RolloutResult result) {
        if (!result.stopped()) {
            return null;
        }
        int step = result.stoppedAfter();
        int failures = result.failures();
        return "stopped after " + (step == 0 ? "the canary step" : "batch " + step) + ": " + failures
                + (failures == 1 ? " failure" : " failures") + " exceed --max-failures " + result.maxFailures();
    }

    static String table(RolloutResult result) {
        List<List<String>> rows = new ArrayList<>();
        for (NodeOutcome o : result.outcomes()) {
            rows.add(List.of(o.node(), batch(o), o.outcome().label(), detail(o)));
        }
        return Render.table(List.of("NODE", "BATCH", "OUTCOME", "DETAIL"), rows);
    }

    static String summary(RolloutResult result) {
        StringBuilder sb = new StringBuilder();
        if (result.stopped()) {
            sb.append(reason(result)).append("\n");
        }
        List<String> changed = result.changed();
        sb.append("changed: ").append(changed.isEmpty() ? "none" : String.join(", ", changed));
        List<String> failed = new ArrayList<>(result.withOutcome(Outcome.ERROR));
        failed.addAll(result.withOutcome(Outcome.MISSING));
        if (!failed.isEmpty()) {
            sb.append("; failed: ").append(String.join(", ", failed));
        }
        List<String> skipped = result.withOutcome(Outcome.SKIPPED);
        if (!skipped.isEmpty()) {
            sb.append("; not run: ").append(String.join(", ", skipped));
        }
        return sb.toString();
    }

    public static Map<String, Object> document(String method, RolloutResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("method", method);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (NodeOutcome o : result.outcomes()) {
            outcomes.add(toJson(o));
        }
        doc.put("outcomes", outcomes);
        doc.put("changed", result.changed());
        doc.put("failures", result.failures());
        doc.put("stopped", result.stopped());
        doc.put("reason", reason(result));
        return doc;
    }

    /** 1 when stopped or any node failed, else 0. */
    static int exitCode(RolloutResult result) {
        return result.isClean() ? Render.OK : Render.ERRORS;
    }
}
