package dev.pidbox.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueArgumentsTest {
    @Test
    void expiryAndTimeToLiveBecomeWholeMillisecondsInCeleryOrder() {
        assertThat(QueueArguments.of(Duration.ofSeconds(10), Duration.ofSeconds(300)))
                .containsExactly(Map.entry("x-expires", 10_000), Map.entry("x-message-ttl", 300_000));
    }

    @Test
    void anUnsetDurationLeavesItsArgumentOut() {
        assertThat(QueueArguments.of(null, Duration.ofSeconds(1))).containsOnlyKeys("x-message-ttl");
        assertThat(QueueArguments.of(null, null)).isEmpty();
    }

    @Test
    void aDurationBelowOneMillisecondIsRefused() {
        assertThatThrownBy(() -> QueueArguments.check(Duration.ofNanos(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("queue duration out of range: PT0.00000001S");
    }

    @Test
    void aDurationBeyondAnIntOfMillisecondsIsRefused() {
        assertThatThrownBy(() -> QueueArguments.of(Duration.ofDays(30), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queue duration out of range");
    }
}
