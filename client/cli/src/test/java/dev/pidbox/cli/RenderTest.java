package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Groups;
import dev.pidbox.spi.JsonValues;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tables, JSON documents, ndjson lines, --group-by tables and exit codes, from results made by hand (the folding
 * itself and tag matching are the library's: dev.pidbox.fleet.GroupsTest and SelectorTest).
 */
class RenderTest {
    private static Reply reply(String node, Object value, long ms) {
        return new Reply(node, value, Duration.ofMillis(ms));
    }

    private static CallResult result(List<String> destination, Reply... replies) {
        return new CallResult("t", Arrays.asList(replies), destination, destination == null ? -1 : destination.size(),
                Duration.ofMillis(42), false);
    }

    @Test
    void allAnsweredOkExitsZero() {
        assertThat(Render.exitCode(result(List.of("a"), reply("a", Map.of("ok", "pong"), 3)))).isZero();
    }

    @Test
    void anErrorReplyExitsOne() {
        assertThat(Render.exitCode(result(List.of("a", "b"), reply("a", Map.of("ok", "pong"), 3),
                reply("b", Map.of("error", "KeyError('x')"), 4)))).isEqualTo(1);
    }

    @Test
    void aMissingNodeExitsThreeEvenWhenAnotherAnsweredWithAnError() {
        assertThat(Render.exitCode(result(List.of("a", "b"), reply("a", Map.of("error", "boom"), 3)))).isEqualTo(3);
    }

    @Test
    void aBroadcastWithoutExpectationHasNoMissingNodes() {
        assertThat(Render.exitCode(result(null))).isZero();
    }

    @Test
    void theGroupTableShowsValueCountAndNodes() {
        String table = Render.groupTable(Groups.byValueAt(List.of(reply("a", Map.of("v", "17"), 1),
                reply("b", Map.of("v", "17"), 1), reply("c", Map.of(), 1)), "v"));

        assertThat(table).isEqualTo("VALUE   COUNT  NODES\n"
                + "17      2      a, b\n"
                + "<none>  1      c\n");
    }

    @Test
    void theReplyTableHasARowPerReplyAndPerMissingNode() {
        String table = Render.replyTable(result(List.of("a@h", "b@h", "c@h"), reply("a@h", Map.of("ok", "pong"), 3),
                reply("b@h", Map.of("error", "KeyError('x')"), 12)));

        assertThat(table).isEqualTo("NODE  MS  STATUS   VALUE\n"
                + "a@h   3   ok       {\"ok\":\"pong\"}\n"
                + "b@h   12  error    KeyError('x')\n"
                + "c@h   -   missing  no reply within the deadline\n");
    }

    @Test
    void longValuesAreCutInTableCells() {
        String cell = Render.cell("x".repeat(500));

        assertThat(cell).hasSize(100).endsWith("...");
    }

    @Test
    void theSummaryCountsRepliesErrorsAndNamesTheMissing() {
        String summary = Render.summary(result(List.of("a", "b", "c"), reply("a", Map.of("ok", 1), 1),
                reply("b", Map.of("error", "x"), 1)));

        assertThat(summary).isEqualTo("2 replies of 3 expected, 1 error, 1 missing (c) in 42 ms");
    }

    @Test
    void everyNdjsonLineIsOneJsonObjectWithNodeValueAndTiming() throws Exception {
        String line = Render.ndjsonLine(reply("a@h", Map.of("ok", "pong"), 7));

        assertThat(line).doesNotContain("\n");
        assertThat(JsonValues.decode(line)).isEqualTo(Map.of("node", "a@h", "value", Map.of("ok", "pong"), "elapsed_ms", 7,
                "error", false));
    }

    @Test
    void theJsonDocumentHoldsRepliesErrorsMissingAndTimings() throws Exception {
        CallResult r = result(List.of("a", "b", "c"), reply("a", Map.of("v", "17"), 5), reply("b", Map.of("error", "x"), 6));

        Map<String, Object> doc = Render.document("runtime", "jvm", r, "v");

        Object parsed = JsonValues.decode(JsonValues.encodeToString(doc));
        assertThat(parsed).isInstanceOf(Map.class);
        assertThat(doc).containsEntry("method", "runtime").containsEntry("namespace", "jvm")
                .containsEntry("replies", Map.of("a", Map.of("v", "17"), "b", Map.of("error", "x")))
                .containsEntry("errors", Map.of("b", "x")).containsEntry("missing", List.of("c"))
                .containsEntry("missing_count", 1).containsEntry("expected", 3)
                .containsEntry("reply_ms", Map.of("a", 5L, "b", 6L)).containsEntry("elapsed_ms", 42L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) doc.get("groups");
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsEntry("value", "17").containsEntry("nodes", List.of("a"));
        assertThat(groups.get(1)).containsEntry("value", null).containsEntry("nodes", List.of("b"));
    }
}
