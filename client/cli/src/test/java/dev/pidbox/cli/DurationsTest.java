package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void millisecondsSecondsAndMinutesParse() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aBareNumberIsSecondsAsInKombu() {
        assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("0.25")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void zeroAndGarbageAreRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> Durations.parse("0s")).hasMessageContaining("at least 1ms");
        assertThatThrownBy(() -> Durations.parse("2 hours")).hasMessageContaining("use e.g. 500ms, 2s");
        assertThatThrownBy(() -> Durations.parse("-1s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void humanDurationsReadWell() {
        assertThat(Durations.human(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.human(Duration.ofMillis(2500))).isEqualTo("2.5s");
        assertThat(Durations.human(Duration.ofSeconds(125))).isEqualTo("2m 5s");
        assertThat(Durations.human(Duration.ofMinutes(192))).isEqualTo("3h 12m");
        assertThat(Durations.human(Duration.ofHours(50))).isEqualTo("2d 2h");
    }
}
