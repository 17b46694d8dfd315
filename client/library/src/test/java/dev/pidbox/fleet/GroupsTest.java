package dev.pidbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Folding a fleet's answers into value -> nodes, and reading values at dot paths. */
class GroupsTest {
    private static Reply reply(String node, Object value) {
        return new Reply(node, value, Duration.ofMillis(1));
    }

    @Test
    void groupByFoldsEqualValuesIntoValueToNodes() {
        List<Reply> replies = List.of(reply("a", Map.of("java_version", "17.0.9")),
                reply("b", Map.of("java_version", "25")), reply("c", Map.of("java_version", "17.0.9")),
                reply("d", Map.of("error", "KeyError('runtime')")));

        Map<Object, List<String>> groups = Groups.byValueAt(replies, "java_version");

        assertThat(groups.keySet()).containsExactly("17.0.9", "25", null);
        assertThat(groups.get("17.0.9")).containsExactly("a", "c");
        assertThat(groups.get("25")).containsExactly("b");
        assertThat(groups.get(null)).as("replies without the path").containsExactly("d");
    }

    @Test
    void groupByFollowsDotPathsIntoMapsAndLists() {
        Map<String, Object> value = Map.of("heap", Map.of("pools", List.of(Map.of("name", "eden"))));

        assertThat(Groups.valueAt(value, "heap.pools.0.name")).isEqualTo("eden");
        assertThat(Groups.valueAt(value, "heap.nothing.here")).isNull();
    }

    @Test
    void anIndexPastTheEndOfAListIsNoValue() {
        assertThat(Groups.valueAt(Map.of("pools", List.of("eden")), "pools.3")).isNull();
    }

    @Test
    void withoutAPathNodesAreGroupedByTheirWholeAnswer() {
        Map<Object, List<String>> groups = Groups.byValueAt(List.of(reply("a", Map.of("ok", "pong")),
                reply("b", Map.of("ok", "pong")), reply("c", "busy")), null);

        assertThat(groups).containsEntry(Map.of("ok", "pong"), List.of("a", "b")).containsEntry("busy", List.of("c"));
    }
}
