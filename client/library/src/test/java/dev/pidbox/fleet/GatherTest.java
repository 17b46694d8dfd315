package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.CallResult;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gather over a fake fleet: the request it sends, the progress its listener sees, and selection by tags. */
class GatherTest {
    private final FakeFleet nodes = new FakeFleet()
            .node("a@h", Map.of("env", "prod"), Map.of("ok", "pong"))
            .node("b@h", Map.of("env", "dev"), Map.of("ok", "pong"))
            .node("c@h", Map.of("env", "prod"), Map.of("ok", "pong"));
    private final Fleet fleet = new Fleet(nodes);

    @Test
    void theListenerSeesEachReplyWithTheProgressCountingIt() {
        List<String> seen = new ArrayList<>();

        fleet.gather("ping").select(Selector.all().names("a@h", "b@h")).prepare()
                .run((reply, progress) -> seen.add(reply.node() + " " + progress.replies() + "/" + progress.expected()));

        assertThat(seen).containsExactly("a@h 1/2", "b@h 2/2");
    }

    @Test
    void theProgressCountsRepliesWithoutAListener() {
        Gather gather = fleet.gather("ping").prepare();

        gather.run(null);

        assertThat(gather.progress().replies()).isEqualTo(3);
    }

    @Test
    void aBroadcastExpectsAnUnknownNumberAndAnExpectCountIsTheExpectation() {
        assertThat(fleet.gather("ping").prepare().progress().expected()).isEqualTo(-1);
        assertThat(fleet.gather("ping").expect(2).prepare().progress().expected()).isEqualTo(2);
    }

    @Test
    void namedNodesAreExpectedAsGivenDuplicatesIncluded() {
        assertThat(fleet.gather("ping").select(Selector.all().names("a@h", "a@h")).prepare().progress().expected())
                .isEqualTo(2);
    }

    @Test
    void theRequestCarriesMethodArgumentsTimeoutLimitAndExpect() {
        Request r = fleet.gather("histogram").select(Selector.all().glob("*@h")).arguments(Map.of("top", 5))
                .timeout(Duration.ofSeconds(3)).limit(4).expect(2).prepare().request();

        assertThat(r.method()).isEqualTo("histogram");
        assertThat(r.arguments()).isEqualTo(Map.of("top", 5));
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.limit()).isEqualTo(4);
        assertThat(r.expect()).isEqualTo(2);
        assertThat(r.pattern()).isEqualTo("*@h");
        assertThat(nodes.sent).as("preparing sends nothing without tags").isEmpty();
    }

    @Test
    void tagsAreResolvedByARuntimeGatherIntoADestinationOfTheMatchingNames() {
        Gather gather = fleet.gather("ping").select(Selector.all().where("env", "prod")).prepare();

        assertThat(nodes.sent).extracting(Request::method).containsExactly("runtime");
        assertThat(gather.request().destination()).containsExactly("a@h", "c@h");
        assertThat(gather.progress().expected()).isEqualTo(2);
    }

    @Test
    void withTagsTheMatchedNamesAreTheExpectationAndNoPatternOrExpectCountIsSent() {
        Request r = fleet.gather("ping").select(Selector.all().glob("*@h").where("env", "prod")).limit(5).expect(1)
                .prepare().request();

        assertThat(nodes.sent.get(0).pattern()).as("the runtime gather uses the pattern").isEqualTo("*@h");
        assertThat(r.pattern()).isNull();
        assertThat(r.expect()).isNull();
        assertThat(r.limit()).isEqualTo(5);
    }

    @Test
    void whenNoNodeHasTheTagsNothingIsSentAndTheResultExpectsNobody() {
        Gather gather = fleet.gather("reload").select(Selector.all().where("env", "nowhere")).prepare();

        CallResult result = gather.run(null);

        assertThat(gather.selectsNobody()).isTrue();
        assertThat(gather.request()).isNull();
        assertThat(nodes.sent).extracting(Request::method).containsExactly("runtime");
        assertThat(result.replies()).isEmpty();
        assertThat(result.expected()).isZero();
        assertThat(result.missingCount()).isZero();
    }

    @Test
    void aBadExpectCountIsRefusedBeforeAnyRuntimeGather() {
        assertThatThrownBy(() -> fleet.gather("ping").select(Selector.all().where("env", "prod")).expect(0).prepare())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expect");
        assertThat(nodes.sent).isEmpty();
    }
}
