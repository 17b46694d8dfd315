package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.MatchType;
import dev.pidbox.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a selector becomes a request's destination or pattern, and when a node's tags match it. */
class SelectorTest {
    @Test
    void namesBecomeTheDestination() {
        Request r = Selector.all().names("a@h", "b@h").request("ping").build();

        assertThat(r.destination()).containsExactly("a@h", "b@h");
        assertThat(r.pattern()).isNull();
    }

    @Test
    void aGlobBecomesTheGlobPattern() {
        Request r = Selector.all().glob("web-*").request("ping").build();

        assertThat(r.destination()).isNull();
        assertThat(r.pattern()).isEqualTo("web-*");
        assertThat(r.matcher()).isEqualTo(MatchType.GLOB);
    }

    @Test
    void aRegexBecomesThePcrePattern() {
        Request r = Selector.all().regex("web-\\d").request("ping").build();

        assertThat(r.pattern()).isEqualTo("web-\\d");
        assertThat(r.matcher()).isEqualTo(MatchType.PCRE);
    }

    @Test
    void namesWinOverAPatternAsInKombu() {
        Request r = Selector.all().glob("web-*").names(List.of("a@h")).request("ping").build();

        assertThat(r.destination()).containsExactly("a@h");
        assertThat(r.pattern()).isNull();
    }

    @Test
    void aGlobTogetherWithARegexIsRefused() {
        Selector both = Selector.all().glob("a*").regex("a");

        assertThatThrownBy(() -> both.request("ping")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("glob or a regex, not both");
    }

    @Test
    void everyNodeIsABroadcastWithNeitherDestinationNorPattern() {
        Request r = Selector.all().request("ping").build();

        assertThat(Selector.all().isAll()).isTrue();
        assertThat(r.destination()).isNull();
        assertThat(r.pattern()).isNull();
    }

    @Test
    void tagsAreNotOnTheWire() {
        Selector prod = Selector.all().glob("web-*").where("env", "prod");
        Request r = prod.request("ping").build();

        assertThat(prod.hasTags()).isTrue();
        assertThat(prod.isAll()).isFalse();
        assertThat(r.pattern()).isEqualTo("web-*");
        assertThat(r.arguments()).isEmpty();
    }

    @Test
    void eachMethodReturnsANewSelectorAndLeavesTheOldOneAsItWas() {
        Selector web = Selector.all().glob("web-*");
        Selector prod = web.where("env", "prod").where(Map.of("zone", "a"));

        assertThat(web.tags()).isEmpty();
        assertThat(prod.tags()).containsEntry("env", "prod").containsEntry("zone", "a");
        assertThat(prod.globPattern()).isEqualTo("web-*");
    }

    @Test
    void tagsMatchWhenEveryWhereEntryIsATagOfTheNode() {
        Map<String, Object> runtime = Map.of("tags", Map.of("env", "prod", "zone", "a"));

        assertThat(Selector.all().where(Map.of("env", "prod")).matchesTags(runtime)).isTrue();
        assertThat(Selector.all().where("env", "prod").where("zone", "a").matchesTags(runtime)).isTrue();
        assertThat(Selector.all().where(Map.of("env", "dev")).matchesTags(runtime)).isFalse();
        assertThat(Selector.all().where(Map.of("env", "prod")).matchesTags(Map.of("pid", 1)))
                .as("a node without tags").isFalse();
    }

    @Test
    void tagValuesAreComparedAsText() {
        assertThat(Selector.all().where("shard", "3").matchesTags(Map.of("tags", Map.of("shard", 3)))).isTrue();
    }

    @Test
    void aSelectorWithoutTagsMatchesAnAnswerWithoutTags() {
        assertThat(Selector.all().matchesTags(Map.of("error", "KeyError('runtime')"))).isTrue();
    }
}
