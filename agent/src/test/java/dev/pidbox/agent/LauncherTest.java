package dev.pidbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.agent.internal.AgentOptions;
import dev.pidbox.agent.internal.AgentRuntime;
import dev.pidbox.agent.internal.Attacher;
import dev.pidbox.agent.internal.Jvms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The launcher's decisions (exit codes, messages, what it loads), with the JVMs given by the test, not attached. */
class LauncherTest {
    private final FakeJvms jvms = new FakeJvms();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Launcher.run(args, new PrintStream(outBytes, true), new PrintStream(errBytes, true), jvms);
    }

    private String out() {
        return new String(outBytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private String err() {
        return new String(errBytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static Map<String, String> agent(String state, String node, String broker) {
        Map<String, String> props = new HashMap<>();
        props.put(AgentRuntime.PROP_STATE, state);
        if (node != null) {
            props.put(AgentRuntime.PROP_NODE, node);
            props.put(AgentRuntime.PROP_BROKER, broker);
        }
        return props;
    }

    @Test
    void noArgumentsPrintUsageToStderrAndExitTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).startsWith("usage: java -jar pidbox-agent.jar <command>");
        assertThat(out()).isEmpty();
    }

    @Test
    void helpPrintsUsageToStdoutAndExitsZero() {
        for (String help : new String[] {"-h", "--help", "help"}) {
            outBytes.reset();
            assertThat(run(help)).isEqualTo(0);
            assertThat(out()).startsWith("usage: java -jar pidbox-agent.jar <command>");
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void theUsageListsEveryOptionWithItsDescription() {
        run("help");

        for (Map.Entry<String, String> e : AgentOptions.KEYS.entrySet()) {
            assertThat(out()).contains(String.format("  %-22s %s%n", e.getKey(), e.getValue()));
        }
        assertThat(out()).contains("PIDBOX_<KEY> variables, or config=FILE");
    }

    @Test
    void anUnknownCommandIsNamedThenTheUsageFollowsWithExitTwo() {
        assertThat(run("frobnicate", "123")).isEqualTo(2);
        assertThat(err()).startsWith("pidbox-agent: unknown command 'frobnicate'")
                .contains("usage: java -jar pidbox-agent.jar <command>");
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void aCommandWithoutAPidSaysItNeedsOne() {
        for (String command : new String[] {"attach", "detach", "status"}) {
            errBytes.reset();
            assertThat(run(command)).isEqualTo(2);
            assertThat(err()).isEqualTo("pidbox-agent: " + command + " needs a pid (see `list`)" + System.lineSeparator());
        }
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void aPidThatIsNotANumberIsAUsageError() {
        assertThat(run("attach", "12a")).isEqualTo(2);
        assertThat(err()).contains("pidbox-agent: '12a' is not a pid");
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void attachJoinsTheOptionsWithCommasAndLoadsThemIntoThePid() {
        jvms.state = agent("listening", "app.42@host", "amqp://guest:***@rabbit:5672/");

        run("attach", "42", "namespace=ops", "tags=env=prod;team=orders");

        assertThat(jvms.loads).containsExactly("42 namespace=ops,tags=env=prod;team=orders");
    }

    @Test
    void attachWithNoOptionsLoadsAnEmptyArgumentString() {
        jvms.state = agent("listening", "app.42@host", "amqp://rabbit/");

        run("attach", "42");

        assertThat(jvms.loads).containsExactly("42 ");
    }

    @Test
    void attachRefusesABadOptionBeforeLoadingAnything() {
        assertThat(run("attach", "42", "handler-threads=0")).isEqualTo(2);
        assertThat(err()).isEqualTo("pidbox-agent: handler-threads must be a number from 1 to 64, got '0'"
                + System.lineSeparator());
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void attachRefusesAnUnknownOptionBeforeLoadingAnything() {
        assertThat(run("attach", "42", "bogus=1")).isEqualTo(2);
        assertThat(err()).startsWith("pidbox-agent: unknown option 'bogus' (known: broker, ");
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void attachRefusesAMalformedBrokerUriBeforeLoadingAnything() {
        assertThat(run("attach", "42", "broker=http://guest:s3cret@rabbit/")).isEqualTo(2);
        assertThat(err()).isEqualTo("pidbox-agent: invalid broker URI 'http://guest:***@rabbit/': expected"
                + " amqp://user:password@host:port/vhost" + System.lineSeparator());
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void optionsOnlyTheAgentRefusesAreAUsageErrorWithItsReason() {
        jvms.state = agent("failed: invalid options: invalid broker URI 'amqp://h/?heartbeat=soon': expected"
                + " amqp://user:password@host:port/vhost", null, null);

        assertThat(run("attach", "42", "broker=amqp://h/?heartbeat=soon")).isEqualTo(2);
        assertThat(jvms.loads).containsExactly("42 broker=amqp://h/?heartbeat=soon");
        assertThat(err()).isEqualTo("pidbox-agent: invalid broker URI 'amqp://h/?heartbeat=soon': expected"
                + " amqp://user:password@host:port/vhost" + System.lineSeparator());
    }

    @Test
    void aListeningNodeIsReportedWithItsNameAndBroker() {
        jvms.state = agent("listening", "app.42@host", "amqp://guest:***@rabbit:5672/");

        assertThat(run("attach", "42")).isEqualTo(0);
        assertThat(out()).isEqualTo("attached to 42: node app.42@host listening on amqp://guest:***@rabbit:5672/"
                + System.lineSeparator());
    }

    @Test
    void aNodeWaitingForItsBrokerIsAttachedAndSaysWhatItWaitsFor() {
        jvms.state = agent("waiting for broker: Connection refused", "app.42@host", "amqp://rabbit/");

        assertThat(run("attach", "42")).isEqualTo(0);
        assertThat(out()).isEqualTo("attached to 42: node app.42@host waiting for broker: Connection refused"
                + System.lineSeparator());
    }

    @Test
    void aNodeThatFailedToStartExitsOneWithItsState() {
        jvms.state = agent("failed: duplicate node name app.42@host", null, null);

        assertThat(run("attach", "42")).isEqualTo(1);
        assertThat(err()).isEqualTo("pidbox-agent: attached to 42 but the node did not start: failed: duplicate node"
                + " name app.42@host" + System.lineSeparator());
    }

    @Test
    void anUnreadableStateAfterLoadingIsStillASuccess() {
        jvms.state = Collections.emptyMap();

        assertThat(run("attach", "42")).isEqualTo(0);
        assertThat(out()).startsWith("agent loaded into 42 (its state could not be read");
    }

    @Test
    void attachWaitsUntilTheNodeListensFailsOrWaitsForTheBroker() {
        jvms.state = agent("listening", "n", "b");

        run("attach", "42");

        assertThat(jvms.awaitMillis).isEqualTo(15_000);
        assertThat(jvms.done.test("listening")).isTrue();
        assertThat(jvms.done.test("failed: x")).isTrue();
        assertThat(jvms.done.test("waiting for broker: x")).isTrue();
        assertThat(jvms.done.test("starting")).isFalse();
    }

    @Test
    void aTargetThatCannotBeAttachedExitsOneWithTheExplanation() {
        jvms.failure = new Attacher.AttachFailure("no process with pid 42 (see `java -jar pidbox-agent.jar list`)", null);

        assertThat(run("attach", "42")).isEqualTo(1);
        assertThat(err()).isEqualTo("pidbox-agent: no process with pid 42 (see `java -jar pidbox-agent.jar list`)"
                + System.lineSeparator());
    }

    @Test
    void detachLoadsTheStopCommandAndReportsTheStoppedNode() {
        jvms.state = agent("stopped", null, null);

        assertThat(run("detach", "42")).isEqualTo(0);
        assertThat(jvms.loads).containsExactly("42 command=stop");
        assertThat(jvms.awaitMillis).isEqualTo(10_000);
        assertThat(jvms.done.test("stopped")).isTrue();
        assertThat(jvms.done.test("listening")).isFalse();
        assertThat(out()).isEqualTo("detached from 42: node stopped, its queue deleted, its threads ended"
                + System.lineSeparator());
    }

    @Test
    void aNodeThatDoesNotStopExitsOneWithItsState() {
        jvms.state = agent("listening", "app.42@host", "amqp://rabbit/");

        assertThat(run("detach", "42")).isEqualTo(1);
        assertThat(err()).isEqualTo("pidbox-agent: asked 42 to stop; its state is still: listening"
                + System.lineSeparator());
    }

    @Test
    void detachWithAnUnreadableStateReportsTheNodeStopped() {
        jvms.state = Collections.emptyMap();

        assertThat(run("detach", "42")).isEqualTo(0);
        assertThat(out()).startsWith("detached from 42");
    }

    @Test
    void statusOfAJvmWithoutTheAgentSaysSo() {
        jvms.state = Collections.singletonMap("java.version", "17.0.9");

        assertThat(run("status", "42")).isEqualTo(0);
        assertThat(out()).isEqualTo("42: no pidbox agent" + System.lineSeparator());
        assertThat(jvms.loads).isEmpty();
    }

    @Test
    void statusShowsTheStateNodeAndBroker() {
        jvms.state = agent("listening", "app.42@host", "amqp://rabbit/");

        assertThat(run("status", "42")).isEqualTo(0);
        assertThat(out()).isEqualTo("42: listening, node app.42@host on amqp://rabbit/" + System.lineSeparator());
    }

    @Test
    void statusOfAnAgentWithoutANodeShowsTheStateOnly() {
        jvms.state = agent("stopped", null, null);

        assertThat(run("status", "42")).isEqualTo(0);
        assertThat(out()).isEqualTo("42: stopped" + System.lineSeparator());
    }

    @Test
    void listWithNoJvmsPrintsTheHeaderOnly() {
        assertThat(run("list")).isEqualTo(0);
        assertThat(out()).isEqualTo(String.format("%-8s %-40s %s%n", "PID", "MAIN", "PIDBOX NODE"));
    }

    @Test
    void listShowsEachJvmWithAQuestionMarkForAnUnknownMain() {
        jvms.jvms.add(new Attacher.Jvm("42", "com.example.App", "app.42@host (listening)"));
        jvms.jvms.add(new Attacher.Jvm("43", "", "-"));

        assertThat(run("list")).isEqualTo(0);
        assertThat(out().split(System.lineSeparator())).containsExactly(
                String.format("%-8s %-40s %s", "PID", "MAIN", "PIDBOX NODE"),
                String.format("%-8s %-40s %s", "42", "com.example.App", "app.42@host (listening)"),
                String.format("%-8s %-40s %s", "43", "?", "-"));
    }

    @Test
    void listWhereJvmsCannotBeListedExitsOne() {
        jvms.failure = new Attacher.AttachFailure("`list` needs the jdk.attach module (a JDK) or Java 16+ on Linux", null);

        assertThat(run("list")).isEqualTo(1);
        assertThat(err()).contains("`list` needs the jdk.attach module");
    }

    /** JVMs as the test says they are; records what the launcher loads. */
    private static final class FakeJvms implements Jvms {
        final List<String> loads = new ArrayList<>();
        final List<Attacher.Jvm> jvms = new ArrayList<>();
        Map<String, String> state = Collections.emptyMap();
        Attacher.AttachFailure failure;
        long awaitMillis;
        Predicate<String> done;

        @Override
        public void load(String pid, String arguments) {
            if (failure != null) {
                throw failure;
            }
            loads.add(pid + " " + arguments);
        }

        @Override
        public Map<String, String> systemProperties(String pid) {
            return state;
        }

        @Override
        public Map<String, String> awaitState(String pid, long millis, Predicate<String> done) {
            this.awaitMillis = millis;
            this.done = done;
            return state;
        }

        @Override
        public List<Attacher.Jvm> list() {
            if (failure != null) {
                throw failure;
            }
            return jvms;
        }
    }
}
