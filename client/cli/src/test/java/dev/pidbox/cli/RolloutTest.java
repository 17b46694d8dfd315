package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The rollout's plan and its stop rule, with a fake fleet in which some nodes fail or stay silent. */
class RolloutTest {
    private final List<List<String>> sent = new ArrayList<>();

    private Function<List<String>, CallResult> fleet(Set<String> failing, Set<String> silent) {
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
        assertThat(Rollout.plan(List.of("a", "b", "c", "d", "e", "f"), 1, 2))
                .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
    }

    @Test
    void withoutBatchEverythingAfterTheCanaryGoesAtOnce() {
        assertThat(Rollout.plan(List.of("a", "b", "c", "d"), 2, null))
                .containsExactly(List.of("a", "b"), List.of("c", "d"));
    }

    @Test
    void aRolloutWithoutFailuresReachesEveryNodeAndExitsZero() {
        Rollout.Result r = Rollout.run(List.of("a", "b", "c"), 1, 1, 0, fleet(Set.of(), Set.of()), null);

        assertThat(r.changed()).containsExactly("a", "b", "c");
        assertThat(r.stopped).isFalse();
        assertThat(Rollout.exitCode(r)).isZero();
    }

    @Test
    void aFailingCanaryStopsTheRolloutAndTheRestIsSkipped() {
        Rollout.Result r = Rollout.run(List.of("a", "b", "c"), 1, 1, 0, fleet(Set.of("a"), Set.of()), null);

        assertThat(sent).containsExactly(List.of("a"));
        assertThat(r.stopped).isTrue();
        assertThat(r.withOutcome(Rollout.ERROR)).containsExactly("a");
        assertThat(r.withOutcome(Rollout.SKIPPED)).containsExactly("b", "c");
        assertThat(r.reason).isEqualTo("stopped after the canary step: 1 failure exceed --max-failures 0");
        assertThat(Rollout.exitCode(r)).isEqualTo(1);
    }

    @Test
    void failuresWithinTheBudgetDoNotStopButMoreDo() {
        Rollout.Result r = Rollout.run(List.of("a", "b", "c", "d", "e"), 1, 2, 1,
                fleet(Set.of("b"), Set.of("d")), null);

        assertThat(sent).containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"));
        assertThat(r.stopped).isTrue();
        assertThat(r.changed()).containsExactly("a", "c", "e");
        assertThat(r.withOutcome(Rollout.MISSING)).containsExactly("d");
        assertThat(r.reason).startsWith("stopped after batch 2: 2 failures");
    }

    @Test
    void theOutcomeTableShowsNodeBatchOutcomeAndDetail() {
        Rollout.Result r = Rollout.run(List.of("a", "b", "c"), 1, 1, 0, fleet(Set.of("b"), Set.of()), null);

        assertThat(Rollout.table(r)).isEqualTo("NODE  BATCH   OUTCOME  DETAIL\n"
                + "a     canary  ok       {\"changed\":[\"x\"]}\n"
                + "b     1       error    IOException('bad config')\n"
                + "c     -       skipped  not sent: rollout stopped\n");
        assertThat(Rollout.summary(r)).isEqualTo("stopped after batch 1: 1 failure exceed --max-failures 0\n"
                + "changed: a; failed: b; not run: c");
    }
}
