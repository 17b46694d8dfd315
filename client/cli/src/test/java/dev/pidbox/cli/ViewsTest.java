package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces the views are made of (the views themselves: GoldenOutputTest). */
class ViewsTest {
    private static Map<String, Object> pool(String name, String type, Object afterGc) {
        return Map.of("name", name, "type", type, "usage", Map.of("used", 10, "max", 100),
                "collection_usage", afterGc == null ? Map.of() : Map.of("used", afterGc));
    }

    @Test
    void sizesAreBinaryWithOneDecimal() {
        assertThat(Units.bytes(512)).isEqualTo("512B");
        assertThat(Units.bytes(1536)).isEqualTo("1.5KiB");
        assertThat(Units.bytes(256L * 1024 * 1024)).isEqualTo("256.0MiB");
        assertThat(Units.bytes(4L << 30)).isEqualTo("4.0GiB");
        assertThat(Units.bytes(null)).isEqualTo("-");
    }

    @Test
    void durationsGrowTheirUnit() {
        assertThat(Units.millis(87)).isEqualTo("87ms");
        assertThat(Units.millis(1234)).isEqualTo("1.23s");
        assertThat(Units.millis(75_000)).isEqualTo("75.0s");
        assertThat(Units.millis(725_000)).isEqualTo("12m05s");
        assertThat(Units.percent(1, 3)).isEqualTo("33.3%");
        assertThat(Units.percent(1, null)).isEqualTo("-");
    }

    @Test
    void theOldGenerationIsFoundWhateverTheCollectorCallsIt() {
        for (String name : List.of("G1 Old Gen", "PS Old Gen", "Tenured Gen", "ZGC Old Generation", "CMS Old Gen")) {
            Map<String, Object> memory = Map.of("pools", List.of(pool("Eden Space", "HEAP", 0), pool(name, "HEAP", 42),
                    pool("Metaspace", "NON_HEAP", null)));
            assertThat(MemoryView.oldGeneration(memory)).as(name).containsEntry("name", name);
        }
        assertThat(MemoryView.oldGeneration(Map.of("pools", List.of(pool("Shenandoah", "HEAP", 7)))))
                .containsEntry("name", "Shenandoah");
        assertThat(MemoryView.oldGeneration(Map.of("pools", List.of(pool("Epsilon Heap", "HEAP", null))))).isNull();
    }

    @Test
    void concurrentCyclesAreNotAddedToThePausesTheyContain() {
        Map<String, Object> zgc = Map.of("collectors", List.of(Map.of("name", "ZGC Major Cycles", "count", 2, "time_ms", 900),
                Map.of("name", "ZGC Major Pauses", "count", 6, "time_ms", 3)));

        assertThat(MemoryView.gcTime(zgc)).isEqualTo(3L);
        assertThat(MemoryView.gcCount(zgc)).isEqualTo(6L);
    }

    @Test
    void foldedThreadsAreNamedByTheirCommonPattern() {
        assertThat(ThreadDump.pattern(List.of("pool-3-thread-1", "pool-3-thread-12"))).isEqualTo("pool-3-thread-*");
        assertThat(ThreadDump.pattern(List.of("worker-1-io", "worker-22-io"))).isEqualTo("worker-*-io");
        assertThat(ThreadDump.pattern(List.of("http-nio-8080-exec-1", "http-nio-8080-exec-10"))).isEqualTo("http-nio-8080-exec-*");
        assertThat(ThreadDump.pattern(List.of("Signal Dispatcher", "Notification Thread")))
                .isEqualTo("Signal Dispatcher, Notification Thread");
        assertThat(ThreadDump.pattern(List.of("same", "same"))).isEqualTo("same");
    }

    @Test
    void rightAlignedColumnsPadOnTheLeft() {
        String table = Render.table(List.of("NAME", "N"), List.of(List.of("a", "1"), List.of("bb", "100")), "LR");

        assertThat(table).isEqualTo("NAME    N\na       1\nbb    100\n");
    }
}
