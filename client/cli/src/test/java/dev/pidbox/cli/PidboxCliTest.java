package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI without a broker: usage errors, a broker that is down, help and completion. */
class PidboxCliTest {
    @TempDir
    Path home;

    private CliRun run(String... args) {
        return CliRun.run(Map.of(), home, args);
    }

    private static String closedPortUri() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return "amqp://guest:secret@127.0.0.1:" + port + "/";
    }

    @Test
    void anUnknownFlagIsAUsageErrorWithExitTwo() {
        CliRun r = run("ping", "--no-such-flag");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        CliRun r = run("frobnicate");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("frobnicate");
    }

    @Test
    void callWithoutASelectorIsAUsageErrorThatPointsToMultiCall() {
        CliRun r = run("call", "ping");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("call needs --to, --glob, --regex or --where").contains("multi-call");
    }

    @Test
    void anInvalidTimeoutIsAUsageErrorThatShowsTheExpectedForm() throws IOException {
        CliRun r = run("--broker", closedPortUri(), "ping", "--timeout", "soon");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("invalid duration 'soon'").contains("500ms");
    }

    @Test
    void groupByWithNdjsonIsAUsageError() throws IOException {
        CliRun r = run("--broker", closedPortUri(), "-o", "ndjson", "--group-by", "java_version", "nodes");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--group-by does not apply to -o ndjson");
    }

    @Test
    void anUnknownOutputFormatIsAUsageError() throws IOException {
        CliRun r = run("--broker", closedPortUri(), "-o", "yaml", "ping");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("invalid output 'yaml'");
    }

    @Test
    void anUnknownMailboxTypeIsAUsageError() throws IOException {
        CliRun r = run("--broker", closedPortUri(), "--type", "topic", "ping");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("unknown mailbox type 'topic'");
    }

    @Test
    void aBrokerThatIsDownExitsFourNamingTheUrlWithoutPasswordAndTheVariableToSet() throws IOException {
        String uri = closedPortUri();

        CliRun r = run("ping", "--broker", uri);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(4);
        assertThat(r.err).contains("broker unreachable at " + uri.replace("secret", "***"))
                .contains("PIDBOX_BROKER").contains("--broker").doesNotContain("secret");
        assertThat(r.out).isEmpty();
    }

    @Test
    void theBrokerFromPidboxBrokerIsTheOneTriedWhenNoFlagIsGiven() throws IOException {
        String uri = closedPortUri();

        CliRun r = CliRun.run(Map.of("PIDBOX_BROKER", uri), home, "call", "reload", "--to", "a@h");

        assertThat(r.exitCode).isEqualTo(4);
        assertThat(r.err).contains("broker unreachable at " + uri.replace("secret", "***"));
    }

    @Test
    void everyGatheringSubcommandReportsABrokerThatIsDownWithExitFour() throws IOException {
        String uri = closedPortUri();
        String[][] commands = {{"call", "ping", "--to", "a@h"}, {"cast", "reload", "--to", "a@h"},
            {"broadcast", "reload"}, {"multi-call", "ping"}, {"ping"}, {"nodes"}, {"stats"}, {"threads", "a@h"},
            {"memory"}, {"histogram"}, {"reload"}, {"loggers"}, {"mbean", "query"}, {"mbean", "info", "x:type=y"},
            {"mbean", "get", "x:type=y"}, {"mbean", "set", "x:type=y", "A", "1"}, {"mbean", "invoke", "x:type=y", "op"}};
        for (String[] command : commands) {
            String[] args = new String[command.length + 2];
            args[0] = "--broker";
            args[1] = uri;
            System.arraycopy(command, 0, args, 2, command.length);

            CliRun r = run(args);

            assertThat(r.exitCode).as(String.join(" ", command) + ": " + r).isEqualTo(4);
            assertThat(r.err).as(String.join(" ", command)).contains("broker unreachable at");
        }
    }

    @Test
    void helpListsEverySubcommandAndTheExitCodes() {
        CliRun r = run("--help");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("call", "cast", "broadcast", "multi-call", "ping", "nodes", "threads", "memory",
                "histogram", "reload", "loggers", "mbean", "broker", "demo", "completion")
                .contains("4   broker unreachable or access refused");
    }

    @Test
    void noSubcommandPrintsUsageAndExitsTwo() {
        CliRun r = run();

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("Usage: pidbox");
    }

    @Test
    void completionPrintsABashScriptForPidbox() {
        CliRun r = run("completion");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("complete -F _complete_pidbox").contains("multi-call").contains("--group-by");
    }

    @Test
    void outputOptionsWorkAfterTheSubcommandToo() throws IOException {
        CliRun r = run("ping", "--broker", closedPortUri(), "-o", "yaml");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("invalid output 'yaml'");
    }

    @Test
    void brokerWithABadPortIsAUsageError() {
        CliRun r = run("broker", "--port", "many");

        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--port");
    }

    @Test
    void demoHelpNamesTheAgentOption() {
        CliRun r = run("demo", "--help");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("Usage: pidbox demo").contains("--agent=PATH");
    }

    @Test
    void rolloutOptionsBelowOneAreAUsageError() throws IOException {
        CliRun r = run("--broker", closedPortUri(), "reload", "--canary", "0");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).contains("--canary and --batch must be at least 1");
    }
}
