package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.ReplyQueue;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.security.Keys;
import dev.pidbox.security.Signer;
import dev.pidbox.spi.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The node-side policy and signature checks, cell by cell, in the manner of Jolokia's restrictor tests:
 * each tier x allowed or denied by policy x signed, unsigned, forged, expired or replayed, against two
 * real child JVMs with the agent (one whose policy allows every tier, one whose policy denies every tier),
 * both trusting only the key {@code ops}.
 */
@RabbitMQ.Required
class PolicyMatrixTest {
    enum Auth { SIGNED, UNSIGNED, FORGED, EXPIRED, REPLAYED }

    private static final String ALLOWING = "allowing@matrix";
    private static final String DENYING = "denying@matrix";

    @TempDir
    static Path dir;

    private static Connection connection;
    private static Channel channel;
    private static String namespace;
    private static ReplyQueue replies;
    private static Signer ops;
    private static Signer intruder;
    private static final List<TargetJvm> targets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Keys.writeKeyPair(dir, "ops", Keys.Algorithm.EC_P256);
        Keys.writeKeyPair(dir, "intruder", Keys.Algorithm.EC_P256);
        ops = Signer.load(dir.resolve("ops"));
        intruder = Signer.load(dir.resolve("intruder"));
        Path allow = dir.resolve("allow.properties");
        Files.writeString(allow, "tier.read = allow\ntier.mutate = allow\ntier.dangerous = allow\n"
                + "key.ops.tiers = read, mutate, dangerous\n");
        Path deny = dir.resolve("deny.properties");
        Files.writeString(deny, "tier.read = deny\ntier.mutate = deny\ntier.dangerous = deny\n"
                + "key.ops.tiers = read, mutate, dangerous\n");
        namespace = RabbitMQ.uniqueNamespace("matrix");
        for (String[] n : new String[][] {{ALLOWING, allow.toString()}, {DENYING, deny.toString()}}) {
            String args = "broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + n[0] + ",trusted-keys="
                    + dir.resolve("ops.pub") + ",policy=" + n[1];
            TargetJvm t = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                    List.of("-javaagent:" + TargetJvm.agentJar() + "=" + args), "dev.pidbox.it.target.SleeperApp", "stdin");
            targets.add(t);
            t.awaitReady();
        }
        connection = RabbitMQ.connect("pidbox-it-matrix");
        channel = connection.createChannel();
        channel.exchangeDeclare(namespace + ".pidbox", "fanout", false, false, false, Map.of());
        replies = ReplyQueue.declare(channel, replyExchange());
        Mailbox signed = Mailbox.builder(namespace).signer(ops).build().bind(connection);
        for (String node : List.of(ALLOWING, DENYING)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !signed.call(List.of(node), "ping", Map.of(),
                    Duration.ofMillis(500)).replies().isEmpty());
        }
        signed.close();
    }

    @AfterAll
    static void stop() throws Exception {
        targets.forEach(TargetJvm::close);
        if (connection != null) {
            connection.close();
        }
    }

    /** read: memory; mutate: set_logger; dangerous: mbean.invoke of the Memory MBean's gc. */
    private static Map<String, Object> command(String tier) {
        switch (tier) {
            case "read":
                return Map.of("method", "memory", "arguments", Map.of());
            case "mutate":
                return Map.of("method", "set_logger", "arguments", Map.of("name", "pbt.matrix", "level", "FINE"));
            default:
                return Map.of("method", "mbean.invoke", "arguments", Map.of("name", "java.lang:type=Memory",
                        "operation", "gc"));
        }
    }

    /** {@code reply.NS.pidbox}, kombu's reply exchange. */
    private static String replyExchange() {
        return "reply." + namespace + ".pidbox";
    }

    /** A kombu request body for one node, as a peer writes it (docs/protocol.md). */
    private static Map<String, Object> requestBody(String method, Map<String, Object> arguments, String node,
            String ticket) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", method);
        body.put("arguments", arguments);
        body.put("destination", List.of(node));
        body.put("pattern", null);
        body.put("matcher", null);
        body.put("ticket", ticket);
        body.put("reply_to", Map.of("exchange", replyExchange(), "routing_key", replies.routingKey()));
        return body;
    }

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (String tier : List.of("read", "mutate", "dangerous")) {
            for (boolean allowed : new boolean[] {true, false}) {
                for (Auth auth : Auth.values()) {
                    out.add(Arguments.of(tier, allowed, auth));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} handler, policy {1}, {2}")
    @MethodSource("cells")
    void eachCellHasItsExactOutcome(String tier, boolean allowed, Auth auth) throws Exception {
        String node = allowed ? ALLOWING : DENYING;
        Map<String, Object> cmd = command(tier);
        String ticket = UUID.randomUUID().toString();
        @SuppressWarnings("unchecked")
        byte[] body = JsonValues.encode(requestBody((String) cmd.get("method"), (Map<String, Object>) cmd.get("arguments"),
                node, ticket));
        long now = System.currentTimeMillis();
        Map<String, Object> headers = new HashMap<>();
        headers.put("clock", 1);
        switch (auth) {
            case SIGNED:
            case REPLAYED:
                headers.putAll(ops.sign(namespace, body, now + 30_000));
                break;
            case FORGED:
                headers.putAll(intruder.sign(namespace, body, now + 30_000));
                headers.put(Signer.HEADER_KEY, ops.keyId());
                break;
            case EXPIRED:
                headers.putAll(ops.sign(namespace, body, now - 1_000));
                break;
            default:
                break;
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .contentEncoding("utf-8").deliveryMode(2).headers(headers).build();

        channel.basicPublish(namespace + ".pidbox", "", props, body);
        Object first = replyFor(ticket, node);
        Object outcome = first;
        if (auth == Auth.REPLAYED) {
            channel.basicPublish(namespace + ".pidbox", "", props, body);
            outcome = replyFor(ticket, node);
        }

        String error = outcome instanceof Map ? (String) ((Map<?, ?>) outcome).get("error") : null;
        switch (auth) {
            case SIGNED:
                if (allowed) {
                    assertThat(error).as("signed, allowed %s call: %s", tier, outcome).isNull();
                } else {
                    assertThat(error).startsWith("forbidden: ").contains("does not allow " + tier + " handlers");
                }
                break;
            case UNSIGNED:
                assertThat(error).isEqualTo("unauthorized: unsigned request");
                break;
            case FORGED:
                assertThat(error).isEqualTo("unauthorized: bad signature for key ops");
                break;
            case EXPIRED:
                assertThat(error).startsWith("unauthorized: expired ");
                break;
            case REPLAYED:
                assertThat(error).isEqualTo("unauthorized: replayed request (nonce seen before)");
                break;
            default:
                throw new AssertionError(auth);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void refusalsAreCountedOnTheNode() throws Exception {
        Mailbox signed = Mailbox.builder(namespace).signer(ops).build().bind(connection);
        Mailbox unsigned = Mailbox.builder(namespace).build().bind(connection);
        unsigned.call(List.of(ALLOWING), "memory", Map.of(), Duration.ofSeconds(5));

        Map<String, Object> bean = (Map<String, Object>) signed.call(List.of(ALLOWING), "mbean.get",
                Map.of("name", "dev.pidbox:type=Node", "attribute", "Counts"), Duration.ofSeconds(10)).byNode().get(ALLOWING);

        assertThat(bean.toString()).contains("unauthorized");
        Map<String, Object> counts = (Map<String, Object>) bean.get("value");
        assertThat(((Number) counts.get("unauthorized")).longValue()).isGreaterThanOrEqualTo(1);
        signed.close();
        unsigned.close();
    }

    /** The reply carrying {@code ticket} from {@code node}; fails after 10 s. */
    private static Object replyFor(String ticket, String node) throws Exception {
        return replies.replyFor(ticket, node, Duration.ofSeconds(10));
    }
}
