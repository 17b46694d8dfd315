package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pidbox threads} across a fleet where some agents predate {@code summary} and {@code fold}: they refuse the
 * argument (strict arguments), are asked again with what the options name, and their dump is counted into a
 * summary row like the others'.
 */
class OlderAgentsTest {
    private static final String REFUSAL = "TypeError(\"threads() got an unexpected argument 'summary'\")";

    private static Reply reply(String node, Object value) {
        return new Reply(node, value, Duration.ofMillis(5));
    }

    @Test
    void onlyARefusalOfAnArgumentTableModeAddedMarksAnOlderAgent() {
        CallResult first = new CallResult("t", List.of(reply("new@h", Map.of("states", Map.of("RUNNABLE", 3))),
                reply("old@h", Map.of("error", REFUSAL)),
                reply("denied@h", Map.of("error", "forbidden: handler 'threads' is denied by policy")),
                reply("own@h", Map.of("error", "TypeError(\"threads() got an unexpected argument 'own'\")"))),
                List.of("new@h", "old@h", "denied@h", "own@h", "gone@h"), 5, Duration.ofMillis(40), true);

        assertThat(ThreadsCommand.olderAgents(first)).containsExactly("old@h");
    }

    @Test
    void theOlderAgentsDumpReplacesItsRefusalAsASummaryAndMissingNodesStayMissing() {
        CallResult first = new CallResult("t", List.of(
                reply("new@h", Map.of("thread_count", 4, "states", Map.of("RUNNABLE", 3, "WAITING", 1))),
                reply("old@h", Map.of("error", REFUSAL))),
                List.of("new@h", "old@h", "gone@h"), 3, Duration.ofMillis(40), true);
        Map<String, Object> oldDump = new LinkedHashMap<>();
        oldDump.put("thread_count", 3);
        oldDump.put("daemon_count", 2);
        oldDump.put("matched", 3);
        oldDump.put("threads", List.of(Map.of("name", "main", "state", "RUNNABLE"),
                Map.of("name", "w-1", "state", "WAITING"), Map.of("name", "w-2", "state", "WAITING")));
        CallResult again = new CallResult("u", List.of(reply("old@h", oldDump)), List.of("old@h"), 1,
                Duration.ofMillis(20), false);

        CallResult merged = ThreadsCommand.merged(first, List.of("old@h"), again, true);

        assertThat(merged.errors()).isEmpty();
        assertThat(merged.missing()).containsExactly("gone@h");
        Map<String, Object> old = Fields.map(merged.byNode().get("old@h"));
        assertThat(old).doesNotContainKeys("threads", "matched").containsEntry("thread_count", 3);
        assertThat(Fields.map(old, "states")).isEqualTo(Map.of("RUNNABLE", 1, "WAITING", 2));
        String table = ThreadsView.render(merged, false, Style.PLAIN);
        assertThat(table).contains("old@h").contains("new@h").contains("gone@h");
        assertThat(table.lines().filter(l -> l.startsWith("old@h")).findFirst().orElseThrow()).contains(" 2 ");
    }

    @Test
    void anOlderAgentThatDoesNotAnswerAgainKeepsItsRefusal() {
        CallResult first = new CallResult("t", List.of(reply("old@h", Map.of("error", REFUSAL))), List.of(), -1,
                Duration.ofMillis(40), true);
        CallResult again = new CallResult("u", List.of(), List.of("old@h"), 1, Duration.ofMillis(20), true);

        CallResult merged = ThreadsCommand.merged(first, List.of("old@h"), again, true);

        assertThat(merged.errors()).extracting(Reply::node).containsExactly("old@h");
        assertThat(merged.missingCount()).isZero();
    }
}
