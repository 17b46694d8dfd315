package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sends a mutating command to a fleet in steps: {@code canary} nodes first, then batches of {@code batch},
 * stopping as soon as more than {@code maxFailures} nodes answered with an error or did not answer. Every
 * node gets an outcome: ok, error, missing, or skipped (never sent to).
 */
final class Rollout {
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String MISSING = "missing";
    static final String SKIPPED = "skipped";

    /** One node's outcome. {@code batch} is 0 for the canary step, then 1, 2 ...; -1 when skipped. */
    static final class Outcome {
        final String node;
        final int batch;
        final String outcome;
        final String detail;

        Outcome(String node, int batch, String outcome, String detail) {
            this.node = node;
            this.batch = batch;
            this.outcome = outcome;
            this.detail = detail;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("batch", batch < 0 ? null : batch);
            m.put("outcome", outcome);
            m.put("detail", detail);
            return m;
        }
    }

    /** What a rollout did. */
    static final class Result {
        final List<Outcome> outcomes = new ArrayList<>();
        boolean stopped;
        int failures;
        String reason;

        List<String> changed() {
            List<String> out = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (OK.equals(o.outcome)) {
                    out.add(o.node);
                }
            }
            return out;
        }

        List<String> withOutcome(String outcome) {
            List<String> out = new ArrayList<>();
            for (Outcome o : outcomes) {
                if (outcome.equals(o.outcome)) {
                    out.add(o.node);
                }
            }
            return out;
        }
    }

    private Rollout() {
    }

    /** The steps: the first {@code canary} nodes (if any), then groups of {@code batch} (all the rest if null). */
    static List<List<String>> plan(List<String> nodes, Integer canary, Integer batch) {
        if (canary != null && canary < 1 || batch != null && batch < 1) {
            throw new IllegalArgumentException("--canary and --batch must be at least 1");
        }
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
     * Runs the plan, calling {@code send} with each step's node names.
     *
     * @param afterStep told after each step (for progress); may be null
     */
    static Result run(List<String> nodes, Integer canary, Integer batch, int maxFailures,
            Function<List<String>, CallResult> send, java.util.function.Consumer<Result> afterStep) {
        List<List<String>> steps = plan(nodes, canary, batch);
        Result result = new Result();
        int number = canary != null ? 0 : 1;
        for (int s = 0; s < steps.size(); s++, number++) {
            List<String> step = steps.get(s);
            CallResult reply = send.apply(step);
            Map<String, Reply> byNode = new LinkedHashMap<>();
            for (Reply r : reply.replies()) {
                byNode.putIfAbsent(r.node(), r);
            }
            for (String node : step) {
                Reply r = byNode.get(node);
                if (r == null) {
                    result.failures++;
                    result.outcomes.add(new Outcome(node, number, MISSING, "no reply within the deadline"));
                } else if (r.isError()) {
                    result.failures++;
                    result.outcomes.add(new Outcome(node, number, ERROR, r.error()));
                } else {
                    result.outcomes.add(new Outcome(node, number, OK, Render.cell(r.value())));
                }
            }
            if (afterStep != null) {
                afterStep.accept(result);
            }
            if (result.failures > maxFailures) {
                result.stopped = true;
                result.reason = "stopped after " + (number == 0 ? "the canary step" : "batch " + number) + ": "
                        + result.failures + (result.failures == 1 ? " failure" : " failures") + " exceed --max-failures "
                        + maxFailures;
                for (int rest = s + 1; rest < steps.size(); rest++) {
                    for (String node : steps.get(rest)) {
                        result.outcomes.add(new Outcome(node, -1, SKIPPED, "not sent: rollout stopped"));
                    }
                }
                break;
            }
        }
        return result;
    }

    static String table(Result result) {
        List<List<String>> rows = new ArrayList<>();
        for (Outcome o : result.outcomes) {
            rows.add(List.of(o.node, o.batch < 0 ? "-" : o.batch == 0 ? "canary" : Integer.toString(o.batch),
                    o.outcome, o.detail == null ? "" : o.detail));
        }
        return Render.table(List.of("NODE", "BATCH", "OUTCOME", "DETAIL"), rows);
    }

    static String summary(Result result) {
        StringBuilder sb = new StringBuilder();
        if (result.stopped) {
            sb.append(result.reason).append("\n");
        }
        List<String> changed = result.changed();
        sb.append("changed: ").append(changed.isEmpty() ? "none" : String.join(", ", changed));
        List<String> failed = new ArrayList<>(result.withOutcome(ERROR));
        failed.addAll(result.withOutcome(MISSING));
        if (!failed.isEmpty()) {
            sb.append("; failed: ").append(String.join(", ", failed));
        }
        List<String> skipped = result.withOutcome(SKIPPED);
        if (!skipped.isEmpty()) {
            sb.append("; not run: ").append(String.join(", ", skipped));
        }
        return sb.toString();
    }

    static Map<String, Object> document(String method, Result result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("method", method);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (Outcome o : result.outcomes) {
            outcomes.add(o.toJson());
        }
        doc.put("outcomes", outcomes);
        doc.put("changed", result.changed());
        doc.put("failures", result.failures);
        doc.put("stopped", result.stopped);
        doc.put("reason", result.reason);
        return doc;
    }

    /** 1 when stopped or any node failed, else 0. */
    static int exitCode(Result result) {
        return result.stopped || result.failures > 0 ? Render.ERRORS : Render.OK;
    }
}
