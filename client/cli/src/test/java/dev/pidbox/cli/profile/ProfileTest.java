package dev.pidbox.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pidbox.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {
    /** A {@code profile} reply of {@code node}: stacks as "a;b;c" to count. */
    static Reply reply(String node, String unit, Object... stackThenCount) {
        List<Object> stacks = new ArrayList<>();
        long samples = 0;
        for (int i = 0; i < stackThenCount.length; i += 2) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("frames", List.of(((String) stackThenCount[i]).split(";")));
            s.put("count", ((Number) stackThenCount[i + 1]).longValue());
            samples += ((Number) stackThenCount[i + 1]).longValue();
            stacks.add(s);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("mode", "cpu");
        value.put("source", "jfr");
        value.put("unit", unit);
        value.put("samples", samples);
        value.put("stacks", stacks);
        return new Reply(node, value, Duration.ofMillis(5));
    }

    static Reply error(String node, String text) {
        return new Reply(node, Map.of("error", text), Duration.ofMillis(5));
    }

    @Test
    void theNodesStacksAreMergedWithTheirCountsAdded() {
        Profile p = Profile.of(List.of(reply("a", "samples", "main;work;hot", 3, "main;idle", 1),
                reply("b", "samples", "main;work;hot", 2)), List.of("all"), n -> 0);
        assertThat(p.merged().get(List.of("main", "work", "hot"))).containsExactly(5);
        assertThat(p.total(0)).isEqualTo(6);
        assertThat(p.frames().get(0).frame()).isEqualTo("main");
        assertThat(p.frames().get(1).frame()).isEqualTo("work");
        assertThat(p.frames().get(1).total()).containsExactly(5);
        assertThat(p.nodes()).extracting(Profile.NodeInfo::node).containsExactly("a", "b");
    }

    @Test
    void aNodesErrorIsKeptAndItAddsNoStack() {
        Profile p = Profile.of(List.of(reply("a", "samples", "main;hot", 1),
                error("b", "IllegalStateException('a profile is already running in this JVM')")), List.of("all"), n -> 0);
        assertThat(p.nodes().get(1).error()).contains("already running");
        assertThat(p.stacks()).hasSize(1);
    }

    @Test
    void aFrameRepeatedInOneStackCountsOnceInItsTotal() {
        Profile p = Profile.of(List.of(reply("a", "samples", "main;rec;rec;rec", 4)), List.of("all"), n -> 0);
        Profile.FrameWeight rec = p.frames().stream().filter(w -> w.frame().equals("rec")).findFirst().orElseThrow();
        assertThat(rec.total()).containsExactly(4);
        assertThat(rec.self()).containsExactly(4);
    }

    @Test
    void collapsedLinesAreSortedWithSemicolonsInFramesReplaced() {
        Profile p = Profile.of(List.of(reply("a", "samples", "main;b", 2, "main;a", 1),
                reply("b", "samples", "main;x", 7)), List.of("all"), n -> 0);
        assertThat(Collapsed.render(p)).isEqualTo("main;a 1\nmain;b 2\nmain;x 7\n");
        assertThat(Collapsed.frame("new [Lfoo;\nbar")).isEqualTo("new [Lfoo: bar");
    }

    @Test
    void aComparisonCollapsesToTwoCountsBaselineThenCompared() {
        Profile p = Profile.of(List.of(reply("base", "samples", "main;a", 2), reply("canary", "samples", "main;a", 1,
                "main;extra", 5)), List.of("baseline", "compared"), n -> n.equals("canary") ? 1 : 0);
        assertThat(Collapsed.render(p)).isEqualTo("main;a 2 1\nmain;extra 0 5\n");
    }

    @Test
    void theDiffComparesSharesSoAGroupWithMoreSamplesIsNotHotterForIt() {
        Profile p = Profile.of(List.of(
                reply("base", "samples", "main;a", 50, "main;b", 50),
                reply("canary", "samples", "main;a", 500, "main;b", 250, "main;extra", 250)),
                List.of("baseline", "compared"), n -> n.equals("canary") ? 1 : 0);
        List<Diff.Change> changes = Diff.of(p);
        assertThat(changes.get(0).frame()).isEqualTo("extra");
        assertThat(changes.get(0).delta()).isCloseTo(0.25, within(1e-9));
        assertThat(Diff.grown(p, 0.02)).extracting(Diff.Change::frame).containsExactly("extra");
        assertThat(Diff.shrunk(p, 0.02)).extracting(Diff.Change::frame).containsExactly("b");
        Diff.Change a = changes.stream().filter(c -> c.frame().equals("a")).findFirst().orElseThrow();
        assertThat(a.delta()).isCloseTo(0, within(1e-9));
    }

    @Test
    void theJsonViewListsMergedStacksWidestFirstAndTheChanges() {
        Profile p = Profile.of(List.of(reply("base", "samples", "main;a", 1), reply("canary", "samples", "main;x", 3)),
                List.of("baseline", "compared"), n -> n.equals("canary") ? 1 : 0);
        Map<String, Object> json = p.toJson();
        assertThat(json.get("totals")).isEqualTo(List.of(1L, 3L));
        List<?> stacks = (List<?>) json.get("stacks");
        assertThat(((Map<?, ?>) stacks.get(0)).get("frames")).isEqualTo(List.of("main", "x"));
        assertThat(((Map<?, ?>) stacks.get(0)).get("counts")).isEqualTo(List.of(0L, 3L));
        assertThat(((Map<?, ?>) ((List<?>) json.get("changes")).get(0)).get("frame")).isEqualTo("x");
    }
}
