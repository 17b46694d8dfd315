package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StyleTest {
    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        assertThat(Style.of(true, false).red("x")).isEqualTo("\u001b[31mx\u001b[0m");
        assertThat(Style.of(false, false).red("x")).isEqualTo("x");
        assertThat(Style.of(true, true).red("x")).isEqualTo("x");
    }

    @Test
    void noColorIsOnForAnyNonEmptyValueAndForADumbTerminal() {
        assertThat(new Settings(Map.of("NO_COLOR", "1")::get, Path.of("/nonexistent")).noColor()).isTrue();
        assertThat(new Settings(Map.of("NO_COLOR", "")::get, Path.of("/nonexistent")).noColor()).isFalse();
        assertThat(new Settings(Map.of("TERM", "dumb")::get, Path.of("/nonexistent")).noColor()).isTrue();
        assertThat(new Settings(Map.<String, String>of()::get, Path.of("/nonexistent")).noColor()).isFalse();
    }

    @Test
    void tablesPadByTheVisibleWidthOfColouredCells() {
        String table = Render.table(List.of("A", "B"), List.of(List.of(Style.ANSI.red("xx"), "1"), List.of("y", "2")));

        assertThat(Style.strip(table)).isEqualTo("A   B\nxx  1\ny   2\n");
    }
}
