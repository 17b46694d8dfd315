package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults DESIGN.md and the README promise. */
class DefaultsTest {
    @Test
    void theDefaultBrokerIsTheLocalGuestAccount() {
        assertThat(Defaults.BROKER).isEqualTo("amqp://guest:guest@localhost:5672/");
        assertThat(Brokers.DEFAULT_URI).isEqualTo(Defaults.BROKER);
    }

    @Test
    void theDefaultMailboxIsTheFanoutExchangeOfNamespaceJvm() {
        assertThat(Defaults.NAMESPACE).isEqualTo("jvm");
        assertThat(Defaults.TYPE).isEqualTo(ExchangeType.FANOUT);
    }

    @Test
    void aCallGathersForOneSecondByDefault() {
        assertThat(Defaults.TIMEOUT).isEqualTo(Duration.ofSeconds(1));
        assertThat(Request.DEFAULT_TIMEOUT).isEqualTo(Defaults.TIMEOUT);
        assertThat(Request.builder("ping").build().timeout()).isEqualTo(Defaults.TIMEOUT);
    }

    @Test
    void aNodeRunsHandlersOnTwoThreadsForAtMostThirtySeconds() {
        assertThat(Defaults.HANDLER_THREADS).isEqualTo(2);
        assertThat(Defaults.HANDLER_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }
}
