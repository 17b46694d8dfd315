package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.PidboxException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The early connection is started only where it is the session's own, and a failure surfaces as connecting's. */
class EarlyConnectTest {
    /** A port nothing listens on: connecting is refused at once. */
    private final Settings refused = new Settings(Map.of("PIDBOX_BROKER", "amqp://guest:guest@127.0.0.1:1/")::get,
            Path.of("/nonexistent"));

    @AfterEach
    void discard() {
        EarlyConnect.discard();
    }

    @Test
    void theGuessSkipsOptionsAndTheirValuesAndNamesOnlyKnownSubcommands() {
        assertThat(PidboxCli.guessSubcommand("ping", "--timeout", "1s")).isEqualTo("ping");
        assertThat(PidboxCli.guessSubcommand("-o", "json", "memory")).isEqualTo("memory");
        assertThat(PidboxCli.guessSubcommand("--namespace=x", "nodes")).isEqualTo("nodes");
        assertThat(PidboxCli.guessSubcommand("pnig")).isNull();
        assertThat(PidboxCli.guessSubcommand("completion")).isNull();
        assertThat(PidboxCli.guessSubcommand()).isNull();
    }

    @Test
    void aFailedEarlyConnectionIsThrownAsConnectingWouldThrowIt() {
        EarlyConnect.start(refused, "ping", new String[] {"ping"});
        assertThatThrownBy(() -> EarlyConnect.take(new Options.Broker())).isInstanceOf(PidboxException.class);
    }

    @Test
    void aBrokerOrTlsFlagAmongTheArgumentsOrAHelpFlagStartsNothing() {
        for (String[] args : new String[][] {{"ping", "--broker", "amqp://h/"}, {"--broker=amqp://h/", "ping"},
                {"ping", "--tls-ca", "ca.pem"}, {"ping", "--help"}, {"ping", "-V"}}) {
            EarlyConnect.start(refused, "ping", args);
            assertThat(EarlyConnect.take(new Options.Broker())).as("%s", (Object) args).isNull();
        }
        EarlyConnect.start(refused, "keygen", new String[] {"keygen"});
        assertThat(EarlyConnect.take(new Options.Broker())).as("a subcommand that does not connect").isNull();
    }

    @Test
    void aSessionWithItsOwnBrokerFlagDoesNotTakeTheEarlyConnection() {
        EarlyConnect.start(refused, "ping", new String[] {"ping"});
        Options.Broker flags = new Options.Broker();
        flags.broker = "amqp://elsewhere/";
        assertThat(EarlyConnect.take(flags)).isNull();
    }

    @Test
    void aUsageErrorDoesNotWaitForABrokerThatNeverAnswers() throws Exception {
        // accepts the TCP connection and never speaks AMQP: connecting would wait for the 5 s handshake timeout
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Settings mute = new Settings(Map.of("PIDBOX_BROKER", "amqp://guest:guest@127.0.0.1:"
                    + silent.getLocalPort() + "/")::get, Path.of("/nonexistent"));
            EarlyConnect.start(mute, "ping", new String[] {"ping"});
            long t = System.nanoTime();
            EarlyConnect.discard();
            long waitedMs = (System.nanoTime() - t) / 1_000_000;
            assertThat(waitedMs).as("discard waits about %d ms, never the handshake's 5 s",
                    EarlyConnect.DISCARD_WAIT_MILLIS).isLessThan(1500);
        }
    }
}
