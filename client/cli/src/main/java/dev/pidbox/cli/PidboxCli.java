package dev.pidbox.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
                + " routed), then defaults. Colour only on a terminal, never with NO_COLOR set."})
public final class PidboxCli implements Callable<Integer> {
    /**
     * The subcommands' names, in the order the usage lists them. picocli reads a command's annotations when it is
     * added, which for all of them took most of a short command's start-up; {@link #commandLine} adds only the one
     * the arguments name (every one for the usage, an unknown name and {@code completion}), made by {@link #make}: a
     * switch rather than a table of constructor references, which would spin a lambda class for each at start.
     */
    static final List<String> SUBCOMMANDS = List.of("call", "cast", "broadcast", "multi-call", "ping", "nodes", "stats",
            "threads", "memory", "histogram", "reload", "loggers", "mbean", "profile", "top", "console", "broker",
            "demo", "keygen", "completion");
    /** The subcommands that need the whole tree. */
    private static final String WHOLE_TREE = "completion";

    static Object make(String name) {
        switch (name) {
            case "call": return new Commands.Call();
            case "cast": return new Commands.Cast();
            case "broadcast": return new Commands.Broadcast();
            case "multi-call": return new Commands.MultiCall();
            case "ping": return new Commands.Ping();
            case "nodes": return new Commands.Nodes();
            case "stats": return new Commands.Stats();
            case "threads": return new Commands.Threads();
            case "memory": return new Commands.Memory();
            case "histogram": return new Commands.Histogram();
            case "reload": return new Commands.Reload();
            case "loggers": return new Commands.Loggers();
            case "mbean": return new Commands.MBean();
            case "profile": return new ProfileCommand();
            case "top": return new TopCommand();
            case "console": return new ConsoleCommand();
            case "broker": return new ToolCommands.BrokerCommand();
            case "demo": return new ToolCommands.DemoCommand();
            case "keygen": return new ToolCommands.Keygen();
            case "completion": return new ToolCommands.Completion();
            default: throw new IllegalArgumentException("no subcommand " + name);
        }
    }

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
        PidboxCli root = new PidboxCli();
        EarlyConnect.start(root.settings, guessSubcommand(args), args);
        int code;
        try {
            code = commandLine(root, args).execute(args);
        } finally {
            EarlyConnect.discard();
        }
        System.exit(code);
    }

    /** The command line for {@code args}: {@code root} with the subcommand they name, or with all of them. */
    public static CommandLine commandLine(PidboxCli root, String... args) {
        CommandLine cli = new CommandLine(root);
        String wanted = subcommand(cli.getCommandSpec(), args);
        for (String name : SUBCOMMANDS) {
            if (wanted == null || wanted.equals(name)) {
                cli.addSubcommand(name, make(name));
            }
        }
        return cli;
    }

    /**
     * The subcommand {@code args} name: the first word that is neither an option of the root command nor the value of
     * one; null when that word is no subcommand (picocli then reports it, with suggestions), names one that needs the
     * whole tree, or is missing.
     */
    static String subcommand(CommandSpec root, String... args) {
        return subcommand(name -> {
            OptionSpec option = root.findOption(name);
            return option != null && option.arity().max() > 0;
        }, args);
    }

    /**
     * A guess at the subcommand before any command line is built, for {@link EarlyConnect}: every option before it
     * is taken to have a value. Only a flag before the subcommand ({@code --routed ping}) can make the guess wrong,
     * and then at most a connection is opened early and closed unused, or none is.
     */
    static String guessSubcommand(String... args) {
        return subcommand(name -> true, args);
    }

    private static String subcommand(Predicate<String> takesValue, String... args) {
        for (int i = 0; args != null && i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("-")) {
                if (!a.contains("=") && takesValue.test(a)) {
                    i++;
                }
                continue;
            }
            return SUBCOMMANDS.contains(a) && !WHOLE_TREE.equals(a) ? a : null;
        }
        return null;
    }
}
