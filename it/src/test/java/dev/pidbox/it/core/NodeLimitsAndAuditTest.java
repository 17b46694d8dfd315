package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.pidbox.AuditEvent;
import dev.pidbox.CallResult;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Tier;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.security.Policy;
import dev.pidbox.spi.JsonValues;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limits, the policy on a library node, and audit events to a sink and to an exchange. */
@RabbitMQ.Required
class NodeLimitsAndAuditTest {
    private Connection connection;
    private Mailbox mailbox;
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void connect() {
        connection = RabbitMQ.connect("pidbox-it-limits");
        mailbox = Mailbox.builder(RabbitMQ.uniqueNamespace("limits")).build().bind(connection);
    }

    @AfterEach
    void close() throws Exception {
        nodes.forEach(Node::close);
        mailbox.close();
        connection.close();
    }

    private static HandlerDefinition handler(String name, Tier tier) {
        return HandlerDefinition.builder(name).tier(tier).handler((ctx, args) -> Map.of("ok", name)).build();
    }

    @Test
    void aRateLimitedHandlerRefusesCallsBeyondItsBudget() {
        HandlerDefinition heavy = HandlerDefinition.builder("heavy").rateLimit(2, Duration.ofMinutes(1))
                .handler((ctx, args) -> Map.of("ok", "done")).build();
        nodes.add(mailbox.node("a@host").handler(heavy).build().listen());

        List<Object> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(mailbox.call(List.of("a@host"), "heavy", Map.of(), Duration.ofSeconds(5)).byNode().get("a@host"));
        }

        assertThat(answers.subList(0, 2)).containsOnly(Map.of("ok", "done"));
        assertThat(((Map<?, ?>) answers.get(2)).get("error").toString())
                .startsWith("RateLimited('heavy runs at most 2 times per 60 s on this node; try again in ");
        assertThat(nodes.get(0).stats()).containsEntry("rate_limited", 1L);
    }

    @Test
    void aPolicyOnALibraryNodeRefusesWhatItDoesNotAllow() {
        Policy policy = Policy.parse(new StringReader("allow = tune\n"), "test");
        nodes.add(mailbox.node("a@host").policy(policy).handler(handler("look", Tier.READ))
                .handler(handler("tune", Tier.MUTATE)).handler(handler("wipe", Tier.MUTATE)).build().listen());

        Map<String, Object> replies = new java.util.LinkedHashMap<>();
        for (String m : List.of("look", "tune", "wipe")) {
            replies.put(m, mailbox.call(List.of("a@host"), m, Map.of(), Duration.ofSeconds(5)).byNode().get("a@host"));
        }

        assertThat(replies.get("look")).isEqualTo(Map.of("ok", "look"));
        assertThat(replies.get("tune")).isEqualTo(Map.of("ok", "tune"));
        assertThat(replies.get("wipe")).isEqualTo(Map.of("error",
                "forbidden: handler 'wipe' is mutate and the policy (test) does not allow mutate handlers"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAcceptedAndRefusedCommandIsAuditedToTheSinkAndTheExchange() throws Exception {
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        String exchange = mailbox.namespace() + ".audit";
        Channel ch = connection.createChannel();
        ch.exchangeDeclare(exchange, "fanout", false, false, false, Map.of());
        String queue = ch.queueDeclare("", false, true, true, Map.of()).getQueue();
        ch.queueBind(queue, exchange, "");
        nodes.add(mailbox.node("a@host").policy(Policy.defaults()).audit(events::add).auditExchange(exchange)
                .handler(handler("look", Tier.READ)).handler(handler("tune", Tier.MUTATE)).build().listen());

        mailbox.call(List.of("a@host"), "look", Map.of(), Duration.ofSeconds(5));
        mailbox.call(List.of("a@host"), "tune", Map.of(), Duration.ofSeconds(5));
        CallResult unknown = mailbox.call(dev.pidbox.Request.builder("nosuch").glob("a@*").timeout(Duration.ofSeconds(5))
                .expect(1).build(), null);

        assertThat(unknown.replies()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
        assertThat(events).extracting(AuditEvent::method, AuditEvent::outcome, AuditEvent::selector).containsExactly(
                org.assertj.core.groups.Tuple.tuple("look", "ok", "destination=[a@host]"),
                org.assertj.core.groups.Tuple.tuple("tune", "forbidden", "destination=[a@host]"),
                org.assertj.core.groups.Tuple.tuple("nosuch", "rejected", "glob=a@*"));
        assertThat(events.get(1).detail()).startsWith("forbidden: ");
        assertThat(events).allSatisfy(e -> assertThat(e.keyId()).isNull());
        List<Map<String, Object>> published = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (published.size() < 3 && System.nanoTime() < end) {
            GetResponse r = ch.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(20);
            } else {
                published.add((Map<String, Object>) JsonValues.decode(r.getBody()));
            }
        }
        assertThat(published).extracting(m -> m.get("method") + "/" + m.get("outcome"))
                .containsExactly("look/ok", "tune/forbidden", "nosuch/rejected");
        ch.exchangeDelete(exchange);
        ch.close();
    }
}
