package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Request.Builder} refuses a bad request where it is built, not on the far side of the broker. */
class RequestBuilderTest {

    @Test
    void anEmptyMethodIsRefused() {
        assertThatThrownBy(() -> Request.builder("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("method");
    }

    @Test
    void aNullMethodIsRefused() {
        assertThatThrownBy(() -> Request.builder(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInvalidPcrePatternIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> Request.builder("ping").pcre("node(["))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node([");
    }

    @Test
    void aValidPcrePatternIsKeptWithItsMatcher() {
        Request r = Request.builder("ping").pcre("(?P<n>node)\\d").build();

        assertThat(r.pattern()).isEqualTo("(?P<n>node)\\d");
        assertThat(r.matcher()).isEqualTo(MatchType.PCRE);
    }

    @Test
    void aGlobWithAnUnclosedBracketIsAcceptedAsFnmatchDoes() {
        Request r = Request.builder("ping").glob("node[").build();

        assertThat(r.pattern()).isEqualTo("node[");
        assertThat(r.matcher()).isEqualTo(MatchType.GLOB);
    }

    @Test
    void anEmptyPatternIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").glob("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPatternWithoutMatcherIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").pattern("node*", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aZeroTimeoutIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").timeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullTimeoutIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").timeout(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").limit(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExpectBelowOneIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").expect(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyDestinationNameIsRefused() {
        assertThatThrownBy(() -> Request.builder("ping").destination("node1@probe", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyDestinationListMeansNoDestination() {
        assertThat(Request.builder("ping").destination(List.of()).build().destination()).isNull();
    }

    @Test
    void theDefaultsAreACallWithKombusOneSecondTimeout() {
        Request r = Request.builder("ping").build();

        assertThat(r.wantsReply()).isTrue();
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.arguments()).isEmpty();
        assertThat(r.destination()).isNull();
        assertThat(r.pattern()).isNull();
        assertThat(r.matcher()).isNull();
        assertThat(r.limit()).isNull();
        assertThat(r.expect()).isNull();
    }

    @Test
    void replyFalseMakesACast() {
        assertThat(Request.builder("ping").reply(false).build().wantsReply()).isFalse();
    }

    @Test
    void theBuiltRequestDoesNotSeeLaterChangesToItsInputs() {
        Map<String, Object> args = new HashMap<>();
        args.put("x", 1);
        List<String> dest = new ArrayList<>(List.of("node1@probe"));
        Request r = Request.builder("echo").arguments(args).destination(dest).build();

        args.put("x", 2);
        dest.add("node2@probe");

        assertThat(r.arguments()).containsEntry("x", 1);
        assertThat(r.destination()).containsExactly("node1@probe");
    }

    @Test
    void theBuiltRequestIsUnmodifiable() {
        Request r = Request.builder("echo").arguments(Map.of("x", 1)).destination("node1@probe").build();

        assertThatThrownBy(() -> r.arguments().put("y", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.destination().add("z")).isInstanceOf(UnsupportedOperationException.class);
    }
}
