package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.Request;
import org.junit.jupiter.api.Test;

/** A gather's progress counts replies against the expectation its request implies. */
class GatherProgressTest {
    @Test
    void aRequestToNamedNodesExpectsThem() {
        assertThat(GatherProgress.of(Request.builder("ping").destination("a", "b", "c").build()).expected())
                .isEqualTo(3);
    }

    @Test
    void aBroadcastWithAnExpectCountExpectsThatMany() {
        assertThat(GatherProgress.of(Request.builder("ping").expect(4).build()).expected()).isEqualTo(4);
    }

    @Test
    void aBroadcastWithoutExpectationExpectsAnUnknownNumber() {
        assertThat(GatherProgress.of(Request.builder("ping").build()).expected()).isEqualTo(-1);
    }

    @Test
    void eachReplyIsCountedOnceAndTheClockRuns() throws Exception {
        GatherProgress progress = new GatherProgress(2);
        progress.reply();
        progress.reply();
        Thread.sleep(5);

        assertThat(progress.replies()).isEqualTo(2);
        assertThat(progress.elapsed().toMillis()).isGreaterThanOrEqualTo(5);
    }
}
