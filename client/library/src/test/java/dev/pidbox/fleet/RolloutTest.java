package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rollout's plan and its stop rule, with a fake step in which some nodes fail or stay silent. */
class RolloutTest {
    private final List<List<String>> sent = new ArrayList<>();

    private RolloutStep fleet(Set<String> failing, Set<String> silent) {
        return step -> {
            sent.add(step);
            List<Reply> replies = new ArrayList<>();
            for (String n : step) {
                if (failing.contains(n)) {
                    replies.add(new Reply(n, Map.of("error", "IOException('bad config')"), Duration.ofMillis(2)));
                } else if (!silent.contains(n)) {
                    replies.add(new Reply(n, Map.of("changed", List.of("x")), Duration.ofMillis(2)));
                }
            }
            return new CallResult("t", replies, step, step.size(), Duration.ofMillis(5), false);
        };
    }

    @Test
    void thePlanIsTheCanaryThenBatchesOfTheGivenSize() {
        assertThat(Rollout.of(1, 2, 0).plan(List.of("a", "b", "c", "d", "e", "f")))
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
    }

    @Test
    void withoutBatchEverythingAfterTheCanaryGoesAtOnce() {
        assertThat(Rollout.of(2, null, 0).plan(List.of("a", "b", "c", "d")))
                .containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void aCanaryLargerThanTheFleetIsTheWholeFleetInOneStep() {
        assertThat(Rollout.of(5, 1, 0).plan(List.of("a", "b"))).containsExactly(List.of("a", "b"));
    }

    @Test
    void aRolloutWithoutFailuresReachesEveryNode() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of(), Set.of()), null);

        assertThat(r.changed()).containsExactly("a", "b", "c");
        assertThat(r.stopped()).isFalse();
        assertThat(r.stoppedAfter()).isEqualTo(-1);
        assertThat(r.isClean()).isTrue();
    }

    @Test
    void aFailingCanaryStopsTheRolloutAndTheRestIsSkipped() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of("a"), Set.of()), null);

        assertThat(sent).containsExactly(List.of("a"));
        assertThat(r.stopped()).isTrue();
        assertThat(r.stoppedAfter()).as("the canary step").isZero();
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.withOutcome(Outcome.ERROR)).containsExactly("a");
        assertThat(r.withOutcome(Outcome.SKIPPED)).containsExactly("b", "c");
        assertThat(r.isClean()).isFalse();
    }

    @Test
    void failuresWithinTheBudgetDoNotStopButMoreDo() {
        RolloutResult r = Rollout.of(1, 2, 1).run(List.of("a", "b", "c", "d", "e"), fleet(Set.of("b"), Set.of("d")),
                null);

        assertThat(sent).containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"));
        assertThat(r.stopped()).isTrue();
        assertThat(r.changed()).containsExactly("a", "c", "e");
        assertThat(r.withOutcome(Outcome.MISSING)).containsExactly("d");
        assertThat(r.stoppedAfter()).isEqualTo(2);
        assertThat(r.failures()).isEqualTo(2);
        assertThat(r.maxFailures()).isEqualTo(1);
    }

    @Test
    void withoutACanaryTheFirstBatchIsNumberOne() {
        RolloutResult r = Rollout.of(null, 2, 0).run(List.of("a", "b", "c"), fleet(Set.of(), Set.of()), null);

        assertThat(r.outcomes()).extracting(NodeOutcome::step).containsExactly(1, 1, 2);
    }

    @Test
    void everyOutcomeKeepsTheNodesReplyAndASkippedNodeHasNone() {
        RolloutResult r = Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of("b"), Set.of()), null);

        assertThat(r.outcomes().get(0).reply().value()).isEqualTo(Map.of("changed", List.of("x")));
        assertThat(r.outcomes().get(1).reply().error()).isEqualTo("IOException('bad config')");
        assertThat(r.outcomes().get(2).reply()).isNull();
        assertThat(r.outcomes().get(2).step()).isEqualTo(NodeOutcome.NOT_SENT);
    }

    @Test
    void theListenerSeesTheResultGrowAfterEveryStep() {
        List<Integer> done = new ArrayList<>();

        Rollout.of(1, 1, 0).run(List.of("a", "b", "c"), fleet(Set.of(), Set.of()), r -> done.add(r.outcomes().size()));

        assertThat(done).containsExactly(1, 2, 3);
    }

    @Test
    void aBadPlanIsRefused() {
        assertThatThrownBy(() -> Rollout.of(0, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rollout.of(null, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rollout.of(1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outcomeLabelsAreLowerCaseAndOnlyErrorAndMissingAreFailures() {
        assertThat(Outcome.SKIPPED.label()).isEqualTo("skipped");
        assertThat(Outcome.ERROR.isFailure()).isTrue();
        assertThat(Outcome.MISSING.isFailure()).isTrue();
        assertThat(Outcome.OK.isFailure()).isFalse();
        assertThat(Outcome.SKIPPED.isFailure()).isFalse();
    }
}
