package dev.pidbox.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How refreshes fold into the console's state: states, the journal, conclusive refreshes, forgetting, bounds. */
class FleetStateTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final Journal journal = new Journal(100, Clock.fixed(T0, ZoneOffset.UTC));
    private final History history = new History(3);
    private final FleetState state = new FleetState(List.of("jvm"), history, journal, Duration.ofMillis(500),
            Duration.ofMinutes(10));

    private static Map<String, Object> vitals(long uptime, long cpu) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("heap_used", 50L);
        v.put("heap_max", 100L);
        v.put("threads", 9L);
        v.put("pid", 7L);
        v.put("uptime_ms", uptime);
        v.put("process_cpu_time_ms", cpu);
        v.put("available_processors", 1);
        return v;
    }

    private void refresh(Instant at, boolean conclusive, Map<String, Long> replyMillis) {
        Map<String, Object> answers = new LinkedHashMap<>();
        Map<String, Instant> arrivals = new HashMap<>();
        Map<String, String> kinds = new HashMap<>();
        long up = Duration.between(T0, at).toMillis() + 1000;
        replyMillis.keySet().forEach(n -> {
            answers.put(n, vitals(up, up / 2));
            arrivals.put(n, at);
            kinds.put(n, "java");
        });
        state.apply(at, Duration.ofMillis(5), Duration.ofSeconds(2), List.of(new FleetState.Part("jvm",
                Duration.ofMillis(5), answers, arrivals, replyMillis, kinds, List.of(), conclusive)));
    }

    private List<Object> kinds() {
        return journal.entries().stream().map(e -> e.get("kind")).toList();
    }

    @SuppressWarnings("unchecked")
    private String stateOf(String node) {
        Map<String, Object> doc = state.document(false, (ns, r) -> true, T0);
        for (Object n : (List<Object>) doc.get("nodes")) {
            Map<String, Object> m = (Map<String, Object>) n;
            if (m.get("node").equals(node)) {
                return (String) m.get("state");
            }
        }
        return null;
    }

    @Test
    void aNodeThatStopsAnsweringIsMissingAndJournaledThenBack() {
        refresh(T0, true, Map.of("a", 3L, "b", 3L));
        refresh(T0.plusSeconds(2), true, Map.of("a", 3L));
        assertThat(stateOf("b")).isEqualTo("missing");
        refresh(T0.plusSeconds(4), true, Map.of("a", 3L, "b", 3L));
        assertThat(stateOf("b")).isEqualTo("answering");
        assertThat(kinds()).containsExactly("appeared", "appeared", "missing", "back");
    }

    @Test
    void aRefreshThatEndedEarlyDoesNotCallAKnownNodeMissing() {
        refresh(T0, true, Map.of("a", 3L, "b", 3L));
        refresh(T0.plusSeconds(2), false, Map.of("a", 3L, "c", 3L));
        assertThat(stateOf("b")).isEqualTo("answering");
        assertThat(kinds()).containsExactly("appeared", "appeared", "appeared");
    }

    @Test
    void aSlowAnswerIsShownSlow() {
        refresh(T0, true, Map.of("a", 700L, "b", 3L));
        assertThat(stateOf("a")).isEqualTo("slow");
        assertThat(stateOf("b")).isEqualTo("answering");
    }

    @Test
    void aNodeSilentPastForgetAfterIsDroppedWithItsHistory() {
        refresh(T0, true, Map.of("a", 3L, "b", 3L));
        refresh(T0.plusSeconds(2), true, Map.of("a", 3L));
        assertThat(state.history("jvm", "b")).hasSize(1);
        refresh(T0.plus(Duration.ofMinutes(11)), true, Map.of("a", 3L));
        assertThat(stateOf("b")).isNull();
        assertThat(state.history("jvm", "b")).isEmpty();
        assertThat(kinds()).endsWith("forgotten");
    }

    @Test
    void historyKeepsOnlyTheLastPointsOfEachNode() {
        for (int i = 0; i < 10; i++) {
            refresh(T0.plusSeconds(2L * i), true, Map.of("a", 3L));
        }
        List<Map<String, Object>> points = state.history("jvm", "a");
        assertThat(points).hasSize(3);
        assertThat(points.get(2).get("t")).isEqualTo(T0.plusSeconds(18).toEpochMilli());
        assertThat(points.get(2).get("cpu_percent")).isEqualTo(50.0);
    }

    @Test
    void theJournalKeepsItsCapacityAndCountsWhatItDropped() {
        Journal small = new Journal(2, Clock.fixed(T0, ZoneOffset.UTC));
        for (int i = 0; i < 5; i++) {
            small.add("action", "jvm", null, "n" + i, null);
        }
        assertThat(small.entries()).extracting(e -> e.get("text")).containsExactly("n3", "n4");
        assertThat(small.dropped()).isEqualTo(3);
    }
}
