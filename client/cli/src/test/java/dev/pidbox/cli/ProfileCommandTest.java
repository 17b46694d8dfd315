package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.cli.profile.Profile;
import dev.pidbox.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code pidbox profile} sends, and its table mode. */
class ProfileCommandTest {
    private static ProfileCommand parse(String... args) {
        CommandLine cli = PidboxCli.commandLine(new PidboxCli(new Settings(Map.<String, String>of()::get,
                Path.of("/nonexistent")), () -> false));
        return (ProfileCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void theOptionsBecomeTheProfileArguments() {
        assertThat(parse("profile", "--glob", "web-*").arguments()).isEqualTo(Map.of("mode", "cpu", "duration_ms", 10_000L));
        assertThat(parse("profile", "a@h", "--mode", "wall", "--duration", "3s", "--interval", "100ms", "--name",
                "http-*", "--max-depth", "40", "--no-jfr").arguments()).isEqualTo(Map.of("mode", "wall",
                "duration_ms", 3000L, "interval_ms", 100L, "name", "http-*", "max_depth", 40, "jfr", false));
    }

    @Test
    void anyCompareOptionMakesAComparison() {
        assertThat(parse("profile", "--glob", "web-*").comparing()).isFalse();
        assertThat(parse("profile", "--glob", "web-*", "--compare-to", "web-9@h").comparing()).isTrue();
        assertThat(parse("profile", "--compare-where", "canary=true").comparing()).isTrue();
    }

    private static Reply reply(String node, Object... stackThenCount) {
        List<Object> stacks = new ArrayList<>();
        for (int i = 0; i < stackThenCount.length; i += 2) {
            stacks.add(Map.of("frames", List.of(((String) stackThenCount[i]).split(";")), "count", stackThenCount[i + 1]));
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mode", "cpu");
        v.put("source", "jfr");
        v.put("unit", "samples");
        v.put("samples", 10);
        v.put("stacks", stacks);
        return new Reply(node, v, Duration.ofMillis(3));
    }

    @Test
    void theSummaryListsTheHottestFramesWithTheirShares() {
        Profile p = Profile.of(List.of(reply("a@h", "main;work;hot", 3L, "main;idle", 1L)), List.of("all"), n -> 0);
        String text = ProfileView.render(p);
        assertThat(text).contains("a@h").contains("hottest frames of the cpu profile (4 samples over 1 node)");
        assertThat(text).containsPattern("75\\.0%\\s+0\\.0%\\s+work\\n").containsPattern("75\\.0%\\s+75\\.0%\\s+hot\\n");
    }

    @Test
    void aComparisonListsWhatGrewAndWhatShrank() {
        Profile p = Profile.of(List.of(reply("base@h", "main;a", 10L), reply("canary@h", "main;a", 5L, "main;extra", 5L)),
                List.of("baseline", "compared"), n -> n.startsWith("canary") ? 1 : 0);
        String text = ProfileView.render(p);
        assertThat(text).contains("grown in compared").containsPattern("\\+50\\.0 pts\\s+0\\.0%\\s+50\\.0%\\s+extra")
                .containsPattern("-50\\.0 pts\\s+100\\.0%\\s+50\\.0%\\s+a");
    }
}
