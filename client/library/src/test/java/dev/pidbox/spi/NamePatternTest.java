package dev.pidbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.MatchType;
import org.junit.jupiter.api.Test;

class NamePatternTest {
    @Test
    void aGlobMatchesTheWholeNameCaseSensitively() {
        NamePattern p = NamePattern.compile(MatchType.GLOB, "orders.*");

        assertThat(p.matches("orders.1@host")).isTrue();
        assertThat(p.matches("Orders.1@host")).isFalse();
        assertThat(p.matches("x.orders.1")).isFalse();
    }

    @Test
    void aPcreIsAnchoredAtTheStartOnlyAsPythonsReMatch() {
        NamePattern p = NamePattern.compile(MatchType.PCRE, "web\\d");

        assertThat(p.matches("web1.example")).isTrue();
        assertThat(p.matches("a.web1")).isFalse();
    }

    @Test
    void aBadPcreFailsWhenCompiledNotWhenMatched() {
        assertThatThrownBy(() -> NamePattern.compile(MatchType.PCRE, "web(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid pcre pattern 'web('");
    }

    @Test
    void aPatternSaysItsTypeAndText() {
        assertThat(NamePattern.compile(MatchType.GLOB, "a*")).hasToString("glob:a*");
    }
}
