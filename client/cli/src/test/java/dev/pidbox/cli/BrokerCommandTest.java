package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pidbox broker}: starts the embedded broker, prints its URI and how to use it, runs until stopped. */
class BrokerCommandTest {
    @TempDir
    Path home;

    @Test
    void brokerPrintsAUriThatAcceptsConnectionsAndStopsWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PidboxCli.commandLine(new PidboxCli(new Settings(Map.<String, String>of()::get, home), () -> false))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread runner = new Thread(() -> exit.set(cli.execute("broker", "--port", "0")), "broker-command");
        runner.start();

        Matcher uri = null;
        for (int i = 0; i < 600 && uri == null; i++) {
            Matcher m = Pattern.compile("listening at (amqp://\\S+)").matcher(out.toString());
            uri = m.find() ? m : null;
            if (uri == null) {
                Thread.sleep(50);
            }
        }
        assertThat(uri).as("out: %s%nerr: %s", out, err).isNotNull();
        assertThat(out.toString()).contains("export PIDBOX_BROKER='" + uri.group(1) + "'").contains("pidbox ping");
        try (Connection c = Brokers.connect(uri.group(1), "broker-command-test")) {
            assertThat(c.isOpen()).isTrue();
        }

        runner.interrupt();
        runner.join(30_000);

        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("embedded broker stopped");
    }
}
