package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line adds only the subcommand the arguments name, and every one when they name none or an unknown one. */
class LazySubcommandsTest {
    private static PidboxCli root() {
        return new PidboxCli(new Settings(Map.<String, String>of()::get, Path.of("/nonexistent")), () -> false);
    }

    @Test
    void eachNameInTheTableIsTheNameItsCommandDeclares() {
        for (String name : PidboxCli.SUBCOMMANDS) {
            assertThat(new CommandLine(PidboxCli.make(name)).getCommandName()).as("the table's %s", name)
                    .isEqualTo(name);
        }
    }

    @Test
    void theNamedSubcommandAloneIsAddedPastTheRootsOptionsAndTheirValues() {
        assertThat(PidboxCli.commandLine(root(), "ping", "--timeout", "1s").getSubcommands()).containsOnlyKeys("ping");
        assertThat(PidboxCli.commandLine(root(), "--broker", "amqp://h/", "-o", "json", "memory", "n1")
                .getSubcommands()).containsOnlyKeys("memory");
        assertThat(PidboxCli.commandLine(root(), "--namespace=ping", "nodes").getSubcommands()).containsOnlyKeys("nodes");
        assertThat(PidboxCli.commandLine(root(), "--namespace", "ping", "nodes").getSubcommands())
                .containsOnlyKeys("nodes");
    }

    @Test
    void noNameAnUnknownNameAndCompletionGetTheWholeTree() {
        for (String[] args : new String[][] {{}, {"--help"}, {"pnig"}, {"completion"}, {"--", "ping"}}) {
            assertThat(PidboxCli.commandLine(root(), args).getSubcommands()).as("%s", (Object) args)
                    .containsOnlyKeys(PidboxCli.SUBCOMMANDS.toArray(new String[0]));
        }
    }

    @Test
    void anUnknownNameIsStillReportedWithASuggestion() {
        CliRun r = CliRun.run(Map.of(), Path.of("/nonexistent"), "pnig");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("pnig").contains("ping");
    }
}
