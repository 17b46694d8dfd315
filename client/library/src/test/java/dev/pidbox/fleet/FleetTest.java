package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding nodes by tags and for a rollout, and the step that reaches them, over a fake fleet. */
class FleetTest {
    private final FakeFleet nodes = new FakeFleet()
            .node("web2@h", Map.of("env", "prod"), Map.of("ok", "pong"))
            .node("web1@h", Map.of("env", "prod"), Map.of("ok", "pong"))
            .node("batch@h", Map.of("env", "dev"), Map.of("ok", "pong"));
    private final Fleet fleet = new Fleet(nodes);

    @Test
    void withTagsNamesTheMatchingNodesSorted() {
        assertThat(fleet.withTags(Selector.all().where("env", "prod"), Duration.ofSeconds(1)))
                .containsExactly("web1@h", "web2@h");
    }

    @Test
    void withTagsAsksRuntimeWithinTheTimeout() {
        fleet.withTags(Selector.all().where("env", "prod"), Duration.ofMillis(700));

        Request runtime = nodes.sent.get(0);
        assertThat(runtime.method()).isEqualTo("runtime");
        assertThat(runtime.timeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(runtime.limit()).isNull();
    }

    @Test
    void aNodeThatAnswersRuntimeWithAnErrorNeverMatches() {
        Fleet mixed = new Fleet(nodes.kombu("celery@w1"));

        assertThat(mixed.withTags(Selector.all(), Duration.ofSeconds(1))).doesNotContain("celery@w1")
                .contains("web1@h");
    }

    @Test
    void aRolloutGoesToTheNamedNodesAsGivenEachOnceWithoutAsking() {
        List<String> found = fleet.discover(Selector.all().names("web2@h", "nosuch@h", "web2@h"),
                Duration.ofSeconds(1));

        assertThat(found).containsExactly("web2@h", "nosuch@h");
        assertThat(nodes.sent).isEmpty();
    }

    @Test
    void aRolloutWithoutNamesGoesToTheNodesThatAnswerPingSorted() {
        List<String> found = fleet.discover(Selector.all(), Duration.ofSeconds(1));

        assertThat(found).containsExactly("batch@h", "web1@h", "web2@h");
        assertThat(nodes.sent).extracting(Request::method).containsExactly("ping");
    }

    @Test
    void aRolloutWithTagsGoesToTheMatchingNodesEvenWhenNamesAreGiven() {
        List<String> found = fleet.discover(Selector.all().names("batch@h", "web1@h").where("env", "prod"),
                Duration.ofSeconds(1));

        assertThat(found).containsExactly("web1@h");
    }

    @Test
    void aStepCallsTheMethodOnExactlyTheStepsNodes() {
        CallResult r = fleet.step("reload", Map.of("dry_run", true), Duration.ofSeconds(2)).send(List.of("web1@h"));

        Request sent = nodes.sent.get(0);
        assertThat(sent.method()).isEqualTo("reload");
        assertThat(sent.arguments()).isEqualTo(Map.of("dry_run", true));
        assertThat(sent.destination()).containsExactly("web1@h");
        assertThat(sent.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.answered()).containsExactly("web1@h");
    }
}
