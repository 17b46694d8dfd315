package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A mailbox without a broker: its settings, its queues, and what an unbound or closed mailbox says. */
class MailboxTest {
    private final Mailbox mailbox = Mailbox.builder("jvm").build();

    @Test
    void anUnboundMailboxRefusesToCallAndSaysHowToBindIt() {
        assertThatThrownBy(() -> mailbox.call(List.of("a@h"), "ping", Map.of(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("mailbox 'jvm' is not bound to a connection: use mailbox.bind(connection)");
    }

    @Test
    void anUnboundMailboxRefusesToCast() {
        assertThatThrownBy(() -> mailbox.abcast("reload", Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not bound to a connection");
    }

    @Test
    void closingAnUnboundMailboxTwiceIsFine() {
        mailbox.close();
        mailbox.close();

        assertThat(mailbox.staleReplies()).isZero();
        assertThat(mailbox.malformedReplies()).isZero();
        assertThat(mailbox.isBlocked()).isFalse();
    }

    @Test
    void theReplyQueueIsNamedAfterTheOidAndBoundWithIt() {
        QueueSpec q = mailbox.getReplyQueue();

        assertThat(q.name()).isEqualTo(mailbox.oid() + ".reply.jvm.pidbox");
        assertThat(q.exchange()).isEqualTo("reply.jvm.pidbox");
        assertThat(q.routingKey()).isEqualTo(mailbox.oid());
        assertThat(q.arguments()).containsEntry("x-expires", 10_000).containsEntry("x-message-ttl", 300_000);
    }

    @Test
    void aNodeQueueCarriesTheConfiguredExpiryAndNoTimeToLiveWhenUnset() {
        Mailbox m = Mailbox.builder("celery").queueTtl(null).queueExpires(Duration.ofSeconds(20)).build();

        QueueSpec q = m.getQueue("a@h");

        assertThat(q.name()).isEqualTo("a@h.celery.pidbox");
        assertThat(q.exchange()).isEqualTo("celery.pidbox");
        assertThat(q.arguments()).containsExactly(Map.entry("x-expires", 20_000));
    }

    @Test
    void aRoutedMailboxNamesItsRoutedExchange() {
        Mailbox m = Mailbox.builder("jvm").routed(true).build();

        assertThat(m.isRouted()).isTrue();
        assertThat(m.routedExchange()).isEqualTo("jvm.pidbox.routed");
    }

    @Test
    void aQueueDurationOutOfRangeIsRefusedWhenBuilding() {
        assertThatThrownBy(() -> Mailbox.builder("jvm").replyQueueExpires(Duration.ofNanos(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queue duration out of range");
    }
}
