package dev.pidbox.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code pidbox}: call, cast, broadcast and multi-call across a fleet of JVMs and Celery workers from the shell.
 * Exit codes: 0 all answered ok, 1 some answered with errors (or a rollout stopped), 2 usage error, 3 some
 * expected nodes missing, 4 broker unreachable or access refused, 5 the broker blocks publishes and nodes were silent.
 */
@Command(name = "pidbox", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "pidbox 0.1.0",
        description = "Ask one JVM or a whole fleet a question over RabbitMQ (kombu/Celery pidbox compatible).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every expected node answered ok",
            "1:some node answered with an error, or a rollout stopped",
            "2:usage error",
            "3:some expected node did not answer",
            "4:broker unreachable or access refused",
            "5:the broker is blocking publishes (a memory or disk alarm) and nodes stayed silent"},
        footer = {"", "Configuration: flags, then PIDBOX_BROKER/PIDBOX_NAMESPACE/PIDBOX_TYPE/PIDBOX_TIMEOUT/PIDBOX_KEY/"
                + "PIDBOX_ROUTED, then ~/.config/pidbox/config.properties (broker, namespace, type, timeout, key,"
                + " routed), then defaults. Colour only on a terminal, never with NO_COLOR set."},
        subcommands = {
            Commands.Call.class, Commands.Cast.class, Commands.Broadcast.class, Commands.MultiCall.class,
            Commands.Ping.class, Commands.Nodes.class, Commands.Stats.class, Commands.Threads.class,
            Commands.Memory.class, Commands.Histogram.class, Commands.Reload.class, Commands.Loggers.class,
            Commands.MBean.class, ProfileCommand.class, TopCommand.class, ConsoleCommand.class, ToolCommands.BrokerCommand.class, ToolCommands.DemoCommand.class,
            ToolCommands.Keygen.class, ToolCommands.Completion.class})
public final class PidboxCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options.Broker broker;

    @Mixin
    Options.Output output;

    final Settings settings;
    final BooleanSupplier terminal;

    /** The real environment, home directory and terminal. */
    public PidboxCli() {
        this(Settings.fromSystem());
    }

    /** Injected settings; the progress line is shown only when stderr is a terminal. */
    public PidboxCli(Settings settings) {
        this(settings, PidboxCli::interactive);
    }

    /**
     * Whether the standard streams are a terminal. Up to Java 21 a {@link Console} exists only then; from Java 22 one
     * may exist for redirected streams too, and its {@code isTerminal()} tells.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console));
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public PidboxCli(Settings settings, BooleanSupplier terminal) {
        this.settings = settings;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        return Render.USAGE;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PidboxCli()).execute(args));
    }
}
