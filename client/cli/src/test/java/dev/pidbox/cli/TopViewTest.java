package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How top folds answers into rows (rates, restarts, missing nodes) and draws them, from answers made by hand. */
class TopViewTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static Map<String, Object> vitals(long pid, long uptimeMs, long cpuMs, long gcMs, long gcCount, long heapMib,
            int threads) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("heap_used", heapMib * 1024 * 1024);
        v.put("heap_committed", 200L * 1024 * 1024);
        v.put("heap_max", 400L * 1024 * 1024);
        v.put("threads", threads);
        v.put("process_cpu_load", 0.25);
        v.put("process_cpu_time_ms", cpuMs);
        v.put("available_processors", 4);
        v.put("gc_count", gcCount);
        v.put("gc_time_ms", gcMs);
        v.put("uptime_ms", uptimeMs);
        v.put("pid", pid);
        return v;
    }

    private static TopSnapshot fold(TopSnapshot s, int second, Map<String, Object> answers, List<String> expected) {
        Instant at = T0.plusSeconds(second);
        Map<String, Instant> arrivals = new HashMap<>();
        answers.keySet().forEach(n -> arrivals.put(n, at.plusMillis(100)));
        return s.next(at, Duration.ofMillis(500), answers, arrivals, expected);
    }

    private static TopView.Layout layout(TopView.Sort sort, Style style, int second, boolean interactive, int height) {
        return new TopView.Layout(sort, style, T0.plusSeconds(second), ZoneId.of("UTC"), Duration.ofSeconds(2),
                interactive, height);
    }

    @Test
    void theFirstAnswerShowsTheNodesOwnCpuLoadAndNoGcRate() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12)), List.of());

        TopSnapshot.Row a = s.rows.get("a");
        assertThat(a.cpuPercent).isEqualTo(25.0);
        assertThat(a.gcMillis).isNull();
        assertThat(a.gcCount).isNull();
        assertThat(a.heapPercent()).isEqualTo(12.5);
    }

    @Test
    void cpuPercentIsCpuTimeOverUptimeOverProcessorsBetweenTwoAnswers() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12)), List.of());
        s = fold(s, 2, Map.of("a", vitals(1, 12_000, 2_100, 45, 5, 60, 12)), List.of());

        TopSnapshot.Row a = s.rows.get("a");
        // 1600 ms of CPU in 2000 ms of wall time on 4 processors: 20 % of the machine.
        assertThat(a.cpuPercent).isEqualTo(20.0);
        assertThat(a.gcMillis).isEqualTo(15L);
        assertThat(a.gcCount).isEqualTo(2L);
    }

    @Test
    void aRestartedNodeIsAFirstAnswerAgainNotANegativeRate() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 100_000, 9_000, 900, 90, 50, 12)),
                List.of());
        s = fold(s, 2, Map.of("a", vitals(2, 1_000, 300, 5, 1, 20, 10)), List.of());

        TopSnapshot.Row a = s.rows.get("a");
        assertThat(a.cpuPercent).isEqualTo(25.0);
        assertThat(a.gcMillis).isNull();
    }

    @Test
    void aNodeSeenBeforeStaysMarkedMissingSinceTheFirstRefreshItMissed() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12),
                "b", vitals(2, 10_000, 500, 30, 3, 50, 12)), List.of());
        s = fold(s, 2, Map.of("a", vitals(1, 12_000, 600, 30, 3, 50, 12)), List.of());
        s = fold(s, 4, Map.of("a", vitals(1, 14_000, 700, 30, 3, 50, 12)), List.of());

        TopSnapshot.Row b = s.rows.get("b");
        assertThat(b.status).isEqualTo(TopSnapshot.Status.MISSING);
        assertThat(b.missingSince).isEqualTo(T0.plusSeconds(2));
        assertThat(b.lastAnswer).isEqualTo(T0.plusMillis(100));
        String screen = TopView.render(null, s, layout(TopView.Sort.CPU, Style.PLAIN, 5, false, 0));
        assertThat(screen).contains("1 missing").containsPattern("b\\s+-\\s+-.*4\\.9s  missing since 10:00:02");
    }

    @Test
    void aNamedNodeThatNeverAnsweredIsMissingFromTheFirstRefresh() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of(), List.of("ghost@h"));

        String screen = TopView.render(null, s, layout(TopView.Sort.CPU, Style.PLAIN, 1, false, 0));
        assertThat(screen).contains("ghost@h").contains("missing since 10:00:00, never answered");
    }

    @Test
    void anAnswerAfterMissingClearsTheMark() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12)), List.of());
        s = fold(s, 2, Map.of(), List.of());
        s = fold(s, 4, Map.of("a", vitals(1, 14_000, 900, 30, 3, 50, 12)), List.of());

        TopSnapshot.Row a = s.rows.get("a");
        assertThat(a.status).isEqualTo(TopSnapshot.Status.OK);
        assertThat(a.missingSince).isNull();
        // the rate spans both intervals: 400 ms of CPU over 4000 ms on 4 processors
        assertThat(a.cpuPercent).isEqualTo(2.5);
    }

    @Test
    void valuesThatChangedSinceTheLastRefreshAreInReverseVideo() {
        TopSnapshot first = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12)),
                List.of());
        TopSnapshot second = fold(first, 2, Map.of("a", vitals(1, 12_000, 2_100, 30, 3, 50, 13)), List.of());
        TopSnapshot third = fold(second, 4, Map.of("a", vitals(1, 14_000, 3_700, 30, 3, 50, 14)), List.of());

        String screen = TopView.render(second, third, layout(TopView.Sort.CPU, Style.ANSI, 5, true, 0));
        String row = screen.lines().filter(l -> l.startsWith("a ")).findFirst().orElseThrow();
        assertThat(row).contains(Style.ANSI.reverse("14")).doesNotContain(Style.ANSI.reverse("20.0"))
                .contains("20.0").doesNotContain(Style.ANSI.reverse("12.5"));
        assertThat(Style.strip(screen)).isEqualTo(TopView.render(second, third,
                layout(TopView.Sort.CPU, Style.PLAIN, 5, true, 0)));
    }

    @Test
    void rowsSortByTheChosenColumnThenErrorsThenMissingNodes() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("low", vitals(1, 1_000, 0, 0, 0, 300, 90),
                "high", vitals(2, 1_000, 0, 0, 0, 10, 5)), List.of("gone"));
        s = fold(s, 2, Map.of("low", vitals(1, 3_000, 400, 0, 0, 300, 90),
                "high", vitals(2, 3_000, 4_000, 0, 0, 10, 5), "old", Map.of("error", "KeyError('vitals')")),
                List.of("gone"));

        assertThat(TopView.sorted(s, TopView.Sort.CPU)).extracting(r -> r.node).containsExactly("high", "low", "old",
                "gone");
        assertThat(TopView.sorted(s, TopView.Sort.HEAP)).extracting(r -> r.node).containsExactly("low", "high", "old",
                "gone");
        assertThat(TopView.sorted(s, TopView.Sort.THREADS)).extracting(r -> r.node).startsWith("low", "high");
        assertThat(TopView.sorted(s, TopView.Sort.NAME)).extracting(r -> r.node).containsExactly("high", "low", "old",
                "gone");
    }

    @Test
    void aScreenTooShortForEveryNodeSaysHowManyAreHiddenAndHowManyOfThemAreMissing() {
        Map<String, Object> answers = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            answers.put("n" + i, vitals(i, 1_000, 0, 0, 0, 10, 5));
        }
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, answers, List.of("gone"));

        String screen = TopView.render(null, s, layout(TopView.Sort.NAME, Style.PLAIN, 1, true, 10));
        assertThat(screen.lines().count()).as("the last line stays empty, so that nothing scrolls").isEqualTo(9);
        assertThat(screen).endsWith("... 7 more nodes not shown (1 missing): a taller terminal, or --to/--glob/--where,"
                + " shows them\n");
    }

    @Test
    void anUnknownCommandErrorSaysTheNodeHasNoVitals() {
        assertThat(TopView.friendly("KeyError('vitals')")).startsWith("unknown command vitals");
        assertThat(TopView.friendly("No such control command: vitals")).startsWith("unknown command vitals");
        assertThat(TopView.friendly("forbidden: handler 'vitals' is denied")).isEqualTo(
                "forbidden: handler 'vitals' is denied");
    }

    @Test
    void theJsonDocumentListsNodesInSortOrderWithTheirRatesAndRawVitals() {
        TopSnapshot s = fold(TopSnapshot.empty("jvm"), 0, Map.of("a", vitals(1, 10_000, 500, 30, 3, 50, 12)),
                List.of("gone"));

        Map<String, Object> doc = TopView.document(s, TopView.Sort.CPU);
        assertThat(doc).containsEntry("namespace", "jvm").containsEntry("answering", 1)
                .containsEntry("missing", List.of("gone")).containsEntry("sort", "cpu");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) doc.get("nodes");
        assertThat(nodes).extracting(n -> n.get("node")).containsExactly("a", "gone");
        assertThat(nodes.get(0)).containsEntry("status", "ok").containsEntry("cpu_percent", 25.0)
                .containsEntry("heap_percent", 12.5);
        assertThat(nodes.get(1)).containsEntry("status", "missing").containsEntry("vitals", null);
    }

    @Test
    void durationsAreCompact() {
        assertThat(TopView.compact(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(TopView.compact(Duration.ofSeconds(725))).isEqualTo("12m05s");
        assertThat(TopView.compact(Duration.ofMinutes(187))).isEqualTo("3h07m");
        assertThat(TopView.compact(Duration.ofHours(52))).isEqualTo("2d04h");
        assertThat(TopView.age(Duration.ofMillis(1234))).isEqualTo("1.2s");
        assertThat(TopView.every(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(TopView.every(Duration.ofSeconds(2))).isEqualTo("2s");
    }

    @Test
    void sortKeysAndNames() {
        assertThat(TopView.Sort.ofKey('g')).isEqualTo(TopView.Sort.GC);
        assertThat(TopView.Sort.ofKey('H')).isEqualTo(TopView.Sort.HEAP);
        assertThat(TopView.Sort.ofKey('x')).isNull();
        assertThat(TopView.Sort.parse("Threads")).isEqualTo(TopView.Sort.THREADS);
        assertThatThrownBy(() -> TopView.Sort.parse("mem")).hasMessageContaining("use cpu, heap, threads, gc or name");
    }

    @Test
    void onlyTermDumbMakesTheTerminalTooDumbForTheFullScreen(@TempDir Path home) {
        assertThat(new Settings(Map.of("TERM", "dumb")::get, home).dumbTerminal()).isTrue();
        assertThat(new Settings(Map.of("TERM", "xterm-256color", "NO_COLOR", "1")::get, home).dumbTerminal()).isFalse();
    }

    @Test
    void badOptionsAreUsageErrorsBeforeAnyBrokerIsAsked(@TempDir Path home) throws IOException {
        Map<String, String> env = Map.of("PIDBOX_BROKER", "amqp://guest:guest@127.0.0.1:1/");
        String[][] bad = {{"top", "--sort", "mem"}, {"top", "--interval", "50ms"}, {"top", "--once", "--count", "2"},
            {"top", "--count", "0"}, {"top", "--glob", "a*", "--regex", "a"}, {"--group-by", "x", "top"}};
        for (String[] args : bad) {
            CliRun r = CliRun.run(env, Files.createDirectories(home.resolve("h")), args);
            assertThat(r.exitCode).as(String.join(" ", args) + ": " + r).isEqualTo(2);
        }
        CliRun down = CliRun.run(env, home, "top", "--once");
        assertThat(down.exitCode).as(down.toString()).isEqualTo(4);
    }
}
