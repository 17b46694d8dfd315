package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Rollout;
import dev.pidbox.fleet.RolloutResult;
import dev.pidbox.fleet.RolloutStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How a rollout is shown: the outcome table, the summary, why it stopped, its JSON and its exit code (the plan and
 * the stop rule are the library's: dev.pidbox.fleet.RolloutTest).
 */
class RolloutViewTest {
    /** Nodes in {@code failing} answer with an error, those in {@code silent} not at all, the rest with a change. */
    private static RolloutStep fleet(Set<String> failing, Set<String> silent) {
        return step -> {
            List<Reply> replies = new ArrayList<>();
            for (String n : step) {
                Object value = failing.contains(n) ? Map.of("error", "IOException('bad config')")
                        : Map.of("changed", List.of("x"));
                if (!silent.contains(n)) {
                    replies.add(new Reply(n, value, Duration.ofMillis(2)));
                }
            }
            return new CallResult("t", replies, step, step.size(), Duration.ofMillis(5), false);
        };
    }

    @Test
    void aRolloutWithoutFailuresExitsZero() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of(), Set.of()), null);

        assertThat(RolloutView.reason(r)).isNull();
        assertThat(RolloutView.exitCode(r)).isZero();
    }

    @Test
    void aFailingCanaryIsSaidToStopTheRolloutAndExitsOne() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of("a"), Set.of()), null);

        assertThat(RolloutView.reason(r)).isEqualTo("stopped after the canary step: 1 failure exceed --max-failures 0");
        assertThat(RolloutView.exitCode(r)).isEqualTo(1);
    }

    @Test
    void theReasonNamesTheBatchAndCountsTheFailures() {
        RolloutResult r = Rollout.of(1, 2, 1).run(List.of("a", "b", "c", "d", "e"), fleet(Set.of("b"), Set.of("d")),
                null);

        assertThat(RolloutView.reason(r)).startsWith("stopped after batch 2: 2 failures");
    }

    @Test
    void failuresWithinTheBudgetStillExitOne() {
        RolloutResult r = Rollout.of(1, 1, 1).run(List.of("a", "b", "c"), fleet(Set.of("b"), Set.of()), null);

        assertThat(r.stopped()).isFalse();
        assertThat(RolloutView.exitCode(r)).isEqualTo(1);
    }

    @Test
    void theOutcomeTableShowsNodeBatchOutcomeAndDetail() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of("b"), Set.of()), null);

        assertThat(RolloutView.table(r)).isEqualTo("NODE  BATCH   OUTCOME  DETAIL\n"
                + "a     canary  ok       {\"changed\":[\"x\"]}\n"
                + "b     1       error    IOException('bad config')\n"
                + "c     -       skipped  not sent: rollout stopped\n");
        assertThat(RolloutView.summary(r)).isEqualTo("stopped after batch 1: 1 failure exceed --max-failures 0\n"
                + "changed: a; failed: b; not run: c");
    }

    @Test
    void aSilentNodeIsMissingWithNoReplyWithinTheDeadline() {
        RolloutResult r = Rollout.of(null, null, 0).run(List.of("a"), fleet(Set.of(), Set.of("a")), null);

        assertThat(RolloutView.table(r)).isEqualTo("NODE  BATCH  OUTCOME  DETAIL\n"
                + "a     1      missing  no reply within the deadline\n");
    }

    @Test
    void theJsonDocumentHasAnOutcomePerNodeWithNoBatchForSkippedOnes() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b"), fleet(Set.of("a"), Set.of()), null);

        Map<String, Object> doc = RolloutView.document("reload", r);

        assertThat(doc).containsEntry("method", "reload").containsEntry("changed", List.of())
                .containsEntry("failures", 1).containsEntry("stopped", true)
                .containsEntry("reason", "stopped after the canary step: 1 failure exceed --max-failures 0");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> outcomes = (List<Map<String, Object>>) doc.get("outcomes");
        assertThat(outcomes.get(0)).containsEntry("node", "a").containsEntry("batch", 0).containsEntry("outcome", "error")
                .containsEntry("detail", "IOException('bad config')");
        assertThat(outcomes.get(1)).containsEntry("batch", null).containsEntry("outcome", "skipped");
    }
}
