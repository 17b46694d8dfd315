package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pidbox.CallResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command's table-mode output, rendered without colour from recorded replies of real JVMs and compared with
 * the golden text next to the recording (see {@link Golden}).
 */
class GoldenOutputTest {
    private static final class Case {
        final String name;
        final String fixture;
        final Supplier<GatherCommand> command;

        Case(String name, String fixture, Supplier<GatherCommand> command) {
            this.name = name;
            this.fixture = fixture;
            this.command = command;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, Supplier<GatherCommand> command) {
        add(name, name, command);
    }

    private static void add(String name, String fixture, Supplier<GatherCommand> command) {
        CASES.add(new Case(name, fixture, command));
    }

    static {
        add("ping-fleet", Commands.Ping::new);
        add("ping-one", Commands.Ping::new);
        add("nodes-fleet", Commands.Nodes::new);
        add("nodes-error", Commands.Nodes::new);
        add("memory-fleet", Commands.Memory::new);
        add("memory-one", Commands.Memory::new);
        add("memory-one-zgc", Commands.Memory::new);
        add("memory-error", Commands.Memory::new);
        add("histogram-fleet", () -> {
            Commands.Histogram h = new Commands.Histogram();
            h.top = 8;
            return h;
        });
        add("histogram-fleet-top3", "histogram-fleet", () -> {
            Commands.Histogram h = new Commands.Histogram();
            h.top = 3;
            return h;
        });
        add("histogram-one", Commands.Histogram::new);
        add("histogram-error", Commands.Histogram::new);
        add("loggers-fleet", Commands.Loggers::new);
        add("loggers-name", () -> {
            Commands.Loggers l = new Commands.Loggers();
            l.name = "com.example.*";
            return l;
        });
        add("loggers-one", Commands.Loggers::new);
        add("loggers-error", Commands.Loggers::new);
        add("mbean-get-fleet", Commands.MBeanGet::new);
        add("mbean-get-heap", Commands.MBeanGet::new);
        add("mbean-get-one", Commands.MBeanGet::new);
        add("mbean-get-all-fleet", Commands.MBeanGet::new);
        add("mbean-get-error", Commands.MBeanGet::new);
        add("threads-fleet", Commands.Threads::new);
        add("threads-one", Commands.Threads::new);
        add("threads-one-folded", Commands.Threads::new);
        add("threads-one-synchronizers", () -> threads("ledger-*", null));
        add("threads-own", () -> threads("pidbox-*", null));
        add("threads-top", Commands.Threads::new);
        add("threads-dump-fleet", () -> threads(null, "WAITING"));
        add("threads-error", Commands.Threads::new);
        add("call-fleet", Commands.Call::new);
        add("call-error", Commands.Call::new);
    }

    private static GatherCommand threads(String name, String state) {
        Commands.Threads t = new Commands.Threads();
        t.name = name;
        t.state = state;
        return t;
    }

    @TestFactory
    Stream<DynamicTest> colourChangesNoCharacterOfTheLayout() {
        return CASES.stream().map(c -> dynamicTest(c.name, () -> {
            CallResult result = Golden.load(c.fixture);
            String coloured = c.command.get().text(result, Style.ANSI);
            assertThat(Style.strip(coloured)).isEqualTo(c.command.get().text(result, Style.PLAIN));
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyViewRendersItsRecordedRepliesAsTheGoldenTextSays() {
        return CASES.stream().map(c -> dynamicTest(c.name, () -> {
            CallResult result = Golden.load(c.fixture);
            Golden.check(c.name, c.command.get().text(result, Style.PLAIN));
        }));
    }
}
