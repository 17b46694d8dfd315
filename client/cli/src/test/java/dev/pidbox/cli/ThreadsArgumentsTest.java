package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code pidbox threads} sends in each mode: json and ndjson what the options name, table mode a summary for a fleet. */
class ThreadsArgumentsTest {
    private static ThreadsCommand parse(String... args) {
        CommandLine cli = PidboxCli.commandLine(new PidboxCli(new Settings(Map.<String, String>of()::get,
                Path.of("/nonexistent")), () -> false));
        return (ThreadsCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    }

    private static Map<String, Object> sent(String... args) {
        return parse(args).allArguments();
    }

    @Test
    void tableModeAsksASelectionOfSeveralNodesForCountsAlone() {
        assertThat(sent("threads", "--glob", "web-*")).isEqualTo(Map.of("summary", true));
        assertThat(sent("threads", "--to", "a@h,b@h", "--state", "BLOCKED")).isEqualTo(Map.of("state", "BLOCKED", "summary", true));
        assertThat(sent("threads")).isEqualTo(Map.of("summary", true));
    }

    @Test
    void tableModeAsksOneNamedNodeForItsDump() {
        assertThat(sent("threads", "a@h", "--name", "main")).isEqualTo(Map.of("name", "main", "fold", true));
        assertThat(sent("threads", "--node", "a@h")).isEqualTo(Map.of("fold", true));
    }

    @Test
    void jsonAndNdjsonSendWhatTheOptionsName() {
        assertThat(sent("-o", "json", "threads", "--glob", "web-*")).isEqualTo(Map.of());
        assertThat(sent("-o", "ndjson", "threads", "--to", "a@h,b@h", "--top", "3")).isEqualTo(Map.of("top", 3));
        assertThat(sent("-o", "json", "threads", "a@h", "--max-depth", "4")).isEqualTo(Map.of("max_depth", 4));
    }

    @Test
    void groupByGetsTheRepliesTheOptionsAskFor() {
        assertThat(sent("--group-by", "thread_count", "threads", "--glob", "web-*")).isEqualTo(Map.of());
    }

    @Test
    void dumpAndTopAskEveryNodeForStacks() {
        assertThat(sent("threads", "--to", "a@h,b@h", "--dump")).isEqualTo(Map.of("fold", true));
        assertThat(sent("threads", "--glob", "*", "--top", "5")).isEqualTo(Map.of("top", 5));
    }

    @Test
    void ownAndSynchronizersAreSentOnlyWhenGiven() {
        assertThat(sent("-o", "json", "threads", "a@h", "--own", "--synchronizers"))
                .isEqualTo(Map.of("own", true, "synchronizers", true));
    }

    @Test
    void nodeAndPositionalNamesAddToTo() {
        ThreadsCommand t = parse("threads", "a@h", "--node", "b@h");
        t.allArguments();

        assertThat(t.selectors.to).isEqualTo(List.of("a@h", "b@h"));
    }
}
