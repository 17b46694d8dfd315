package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.broker.EmbeddedBroker;
import dev.pidbox.cli.demo.Demo;
import dev.pidbox.cli.demo.DemoViews;
import dev.pidbox.security.Keys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.CountDownLatch;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The subcommands that are tools rather than fleet operations: the embedded broker, the demo, keygen, completion. */
final class ToolCommands {
    private ToolCommands() {
    }


    @Command(name = "broker", description = "Run an embedded single-host AMQP broker (for the quick start; not for fleets).")
    static final class BrokerCommand extends Base {
        @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "address to listen on (default 127.0.0.1)")
        String bind;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "5672", description = "port (default 5672)")
        int port;

        @Override
        int run() {
            EmbeddedBroker broker;
            try {
                broker = EmbeddedBroker.start(bind, port);
            } catch (IllegalStateException e) {
                err().println("pidbox: " + e.getMessage());
                return Render.ERRORS;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                broker.close();
                stopped.countDown();
            }, "pidbox-broker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out().println("embedded broker listening at " + broker.uri());
            out().println("use it from another shell:  export PIDBOX_BROKER='" + broker.uri() + "'");
            out().println("then e.g.:                   pidbox ping");
            out().println("press Ctrl-C to stop");
            out().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // stopped in-process (tests, embedding): close now instead of at JVM exit
                Runtime.getRuntime().removeShutdownHook(hook);
                broker.close();
                out().println("embedded broker stopped");
            }
            return Render.OK;
        }
    }

    @Command(name = "demo", description = "Start the embedded broker (unless PIDBOX_BROKER/--broker names one), a sample JVM with"
            + " the agent attached, and show ping, threads, memory, a reload and a multi-call.")
    static final class DemoCommand extends Base {
        @Option(names = "--agent", paramLabel = "PATH", description = "the agent jar (default: found next to pidbox.jar)")
        Path agent;

        @Override
        int run() {
            String broker = root().settings.explicitBroker(root().broker.broker);
            Style style = style();
            return Demo.run(out(), err(), broker, agent, new DemoViews() {
                @Override
                public String threads(CallResult result) {
                    // the demo asks for its sample's demo-worker-* threads only
                    return ThreadsView.render(result, true, style);
                }

                @Override
                public String memory(CallResult result) {
                    return MemoryView.render(result, style);
                }
            });
        }
    }

    @Command(name = "keygen", description = "Write a key pair for signed commands: NAME.key (private) and NAME.pub.")
    static final class Keygen extends Base {
        @Option(names = "--name", paramLabel = "NAME", defaultValue = "pidbox", description = "file name (default pidbox)")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", description = "where to write (default ~/.config/pidbox)")
        Path dir;

        @Option(names = "--algorithm", paramLabel = "ec-p256|ed25519", defaultValue = "ec-p256",
                description = "ec-p256 (default, any Java 11+) or ed25519 (Java 15+)")
        String algorithm;

        @Override
        int run() throws Exception {
            Path target = dir != null ? dir : root().settings.keyDirectory();
            KeyPair pair = Keys.writeKeyPair(target, name, Keys.Algorithm.parse(algorithm));
            out().println("wrote " + target.resolve(name + ".key") + " (private, mode 600) and "
                    + target.resolve(name + ".pub") + " (key id " + Keys.keyId(pair.getPublic()) + ")");
            out().println("give nodes the .pub (agent option trusted-keys=FILE); sign with --key "
                    + target.resolve(name + ".key"));
            return Render.OK;
        }
    }

    @Command(name = "completion", description = "Print a bash/zsh completion script: source <(pidbox completion)")
    static final class Completion extends Base {
        @Override
        int run() {
            out().print(AutoComplete.bash("pidbox", spec.root().commandLine()));
            return Render.OK;
        }
    }
}
