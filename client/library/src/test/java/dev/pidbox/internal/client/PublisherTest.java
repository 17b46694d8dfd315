package dev.pidbox.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.pidbox.BrokerBlockedException;
import dev.pidbox.LamportClock;
import dev.pidbox.PidboxException;
import dev.pidbox.Request;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.security.Keys;
import dev.pidbox.security.Signer;
import dev.pidbox.security.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing without a broker: what the publisher hands its sender (exchange, routing key, mandatory flag,
 * properties, body) is what a node or the broker receives.
 */
class PublisherTest {
    private static final String ROUTED = "jvm.pidbox.routed";

    /** One publish as the sender saw it. */
    private static final class Sent {
        final String exchange;
        final String routingKey;
        final boolean mandatory;
        final AMQP.BasicProperties props;
        final byte[] body;

        Sent(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body) {
            this.exchange = exchange;
            this.routingKey = routingKey;
            this.mandatory = mandatory;
            this.props = props;
            this.body = body;
        }

        Map<String, Object> decoded() throws IOException {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) Json.decode(body);
            return map;
        }
    }

    @TempDir
    Path dir;

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<String> blocks = new CopyOnWriteArrayList<>();
    private final LamportClock clock = new LamportClock(10);

    private Publisher publisher(Signer signer, String routedExchange) {
        return new Publisher((ex, key, mandatory, props, body) -> sent.add(new Sent(ex, key, mandatory, props, body)),
                "jvm", clock, signer, routedExchange, blocks::add);
    }

    private Publisher publisher() {
        return publisher(null, null);
    }

    private static Request.Builder ping() {
        return Request.builder("ping").timeout(Duration.ofSeconds(2));
    }

    @Test
    void aCallAsksForRepliesWithItsTicketToTheReplyExchangeUnderTheOid() throws IOException {
        publisher().call(ping().destination("a@h").build(), "t-1", "reply.jvm.pidbox", "oid-1");

        Map<String, Object> body = sent.get(0).decoded();
        assertThat(body).containsEntry("method", "ping").containsEntry("ticket", "t-1")
                .containsEntry("destination", List.of("a@h"))
                .containsEntry("reply_to", Map.of("exchange", "reply.jvm.pidbox", "routing_key", "oid-1"));
    }

    @Test
    void aCastAsksForNoReply() throws IOException {
        publisher().cast(ping().reply(false).build());

        assertThat(sent.get(0).decoded()).doesNotContainKeys("ticket", "reply_to").containsEntry("destination", null);
    }

    @Test
    void aRequestGoesToTheMailboxExchangeAsKombuSendsIt() {
        publisher().call(ping().destination("a@h", "b@h").build(), "t-1", "reply.jvm.pidbox", "oid-1");

        Sent s = sent.get(0);
        assertThat(s.exchange).isEqualTo("jvm.pidbox");
        assertThat(s.routingKey).isEmpty();
        assertThat(s.mandatory).isFalse();
        assertThat(s.props.getContentType()).isEqualTo(Wire.CONTENT_TYPE);
        assertThat(s.props.getHeaders()).doesNotContainKey("CC");
    }

    @Test
    void aRequestCarriesTheForwardedClockAndItsExpiry() {
        long before = System.currentTimeMillis() / 1000;
        publisher().call(ping().build(), "t-1", "reply.jvm.pidbox", "oid-1");

        Map<String, Object> headers = sent.get(0).props.getHeaders();
        assertThat(headers.get(Wire.HEADER_CLOCK)).isEqualTo(11);
        assertThat((Double) headers.get(Wire.HEADER_EXPIRES)).isBetween(before + 1.0, before + 4.0);
        assertThat(clock.value()).isEqualTo(11);
    }

    @Test
    void aRoutedCallToNamedNodesGoesOnceToTheRoutedExchangeWithTheOthersInCc() {
        publisher(null, ROUTED).call(ping().destination("a@h", "b@h", "c@h").build(), "t-1", "reply.jvm.pidbox",
                "oid-1");

        Sent s = sent.get(0);
        assertThat(sent).hasSize(1);
        assertThat(s.exchange).isEqualTo(ROUTED);
        assertThat(s.routingKey).isEqualTo("a@h");
        assertThat(s.mandatory).isTrue();
        assertThat(s.props.getHeaders()).containsEntry("CC", List.of("b@h", "c@h"));
    }

    @Test
    void aRoutedCallToOneNodeHasNoCcHeader() {
        publisher(null, ROUTED).call(ping().destination("a@h").build(), "t-1", "reply.jvm.pidbox", "oid-1");

        assertThat(sent.get(0).routingKey).isEqualTo("a@h");
        assertThat(sent.get(0).props.getHeaders()).doesNotContainKey("CC");
    }

    @Test
    void aRoutedMailboxStillBroadcastsAndSelectsByPatternThroughTheMailboxExchange() {
        Publisher p = publisher(null, ROUTED);
        p.call(ping().build(), "t-1", "reply.jvm.pidbox", "oid-1");
        p.call(ping().glob("a@*").build(), "t-2", "reply.jvm.pidbox", "oid-1");

        assertThat(sent).allSatisfy(s -> {
            assertThat(s.exchange).isEqualTo("jvm.pidbox");
            assertThat(s.mandatory).isFalse();
        });
    }

    @Test
    void aSignedRequestIsAcceptedByANodeThatTrustsTheKey() throws Exception {
        Keys.writeKeyPair(dir, "ops", Keys.Algorithm.EC_P256);
        TrustedKeys trusted = TrustedKeys.parse(Files.readString(dir.resolve("ops.pub")), "test");

        publisher(Signer.load(dir.resolve("ops")), null).cast(ping().reply(false).build());

        Sent s = sent.get(0);
        TrustedKeys.Verdict verdict = trusted.verify("jvm", s.body, s.props.getHeaders(), System.currentTimeMillis());
        assertThat(verdict.accepted()).as(verdict.refusal()).isTrue();
        assertThat(s.props.getHeaders()).containsKey(Wire.HEADER_CLOCK);
    }

    @Test
    void anUnsignedMailboxSendsNoSignature() {
        publisher().cast(ping().reply(false).build());

        assertThat(sent.get(0).props.getHeaders()).containsOnlyKeys(Wire.HEADER_CLOCK, Wire.HEADER_EXPIRES);
    }

    @Test
    void aCastIsRefusedWhileTheBrokerBlocksAndSentOnceItUnblocks() {
        Publisher p = publisher();
        p.handleBlocked("low on memory");

        assertThatThrownBy(() -> p.cast(ping().reply(false).build())).isInstanceOf(BrokerBlockedException.class)
                .hasMessageContaining("low on memory");
        assertThat(sent).isEmpty();

        p.handleUnblocked();
        p.cast(ping().reply(false).build());
        assertThat(sent).hasSize(1);
        assertThat(p.isBlocked()).isFalse();
    }

    @Test
    void aBlockIsPassedOnWithTheBrokersReasonOrResourceAlarmWhenItGaveNone() {
        Publisher p = publisher();
        p.handleBlocked("low on disk");
        p.handleBlocked("");

        assertThat(blocks).containsExactly("low on disk", "resource alarm");
        assertThat(p.blockedReason()).isEqualTo("resource alarm");
    }

    @Test
    void aBrokerFailureNamesTheMailboxAndTheExchange() {
        Publisher p = new Publisher((ex, key, mandatory, props, body) -> {
            throw new IOException("connection reset");
        }, "jvm", clock, null, null, blocks::add);

        assertThatThrownBy(() -> p.cast(ping().reply(false).build())).isInstanceOf(PidboxException.class)
                .hasMessage("mailbox jvm: could not publish to exchange 'jvm.pidbox': java.io.IOException: "
                        + "connection reset");
    }
}
