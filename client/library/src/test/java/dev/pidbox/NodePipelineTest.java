package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.internal.node.Outbox;
import dev.pidbox.security.Keys;
import dev.pidbox.security.Policy;
import dev.pidbox.security.Signer;
import dev.pidbox.security.TrustedKeys;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal path of a node's pipeline, without a broker: requests are handed to the node as deliveries
 * ({@code Node.deliver}, what its consumer calls) and through the kombu-named in-process methods, and the replies it
 * publishes are captured instead of sent. Each outcome shows in the reply, the counters, the observers and the audit.
 */
class NodePipelineTest {
    private static final String NODE = "n1@test";
    private static final String REPLY_EXCHANGE = "reply.jvm.pidbox";

    @TempDir
    Path dir;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> replies = new CopyOnWriteArrayList<>();
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocking = new CountDownLatch(1);
    private final List<Node> nodes = new ArrayList<>();
    private Mailbox mailbox = Mailbox.builder("jvm").errorSink((m, c) -> errors.add(m)).build();
    private int ticket;

    @AfterEach
    void closeNodes() {
        release.countDown();
        nodes.forEach(Node::close);
    }

    // ---- what a node can run

    private static HandlerDefinition ping() {
        return HandlerDefinition.builder("ping").handler((ctx, args) -> Map.of("ok", "pong")).build();
    }

    private static HandlerDefinition tiered(String name, Tier tier) {
        return HandlerDefinition.builder(name).tier(tier).handler((ctx, args) -> "ran " + name).build();
    }

    private Node.Builder builder() {
        return mailbox.node(NODE).outbox(this::publish).observer((m, o, n) -> observed.add(m + ":" + o))
                .audit(audited::add).handler(ping())
                .handler(HandlerDefinition.builder("add")
                        .argument(ArgumentSpec.required("a", ArgType.INTEGER, "a number"))
                        .handler((ctx, args) -> args.get("a")).build())
                .handler(HandlerDefinition.builder("boom").handler((ctx, args) -> {
                    throw new IllegalStateException("it broke");
                }).build())
                .handler(HandlerDefinition.builder("slow").timeout(Duration.ofMillis(200)).handler((ctx, args) -> {
                    Thread.sleep(10_000);
                    return "late";
                }).build())
                .handler(HandlerDefinition.builder("block").handler((ctx, args) -> {
                    blocking.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return "released";
                }).build())
                .handler(HandlerDefinition.builder("big").handler((ctx, args) -> "x".repeat(5000)).build())
                .handler(HandlerDefinition.builder("limited").rateLimit(1, Duration.ofMinutes(1))
                        .handler((ctx, args) -> "ok").build())
                .handler(tiered("reload", Tier.MUTATE))
                .handler(tiered("secrets", Tier.READ));
    }

    private Node start(Node.Builder b) {
        Node n = b.build();
        nodes.add(n);
        return n;
    }

    private boolean publish(String exchange, String type, String routingKey, AMQP.BasicProperties props,
            byte[] body, Outbox.Done done) {
        if (exchange.equals(REPLY_EXCHANGE)) {
            Map<String, Object> reply;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> decoded = (Map<String, Object>) Json.decode(body);
                reply = decoded;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Object> r = new LinkedHashMap<>(reply);
            r.put("ticket", props.getHeaders().get(Wire.HEADER_TICKET));
            replies.add(r);
        }
        done.done(null);
        return true;
    }

    // ---- requests as the broker delivers them

    private Map<String, Object> call(String method, Map<String, Object> args, List<String> destination) {
        return Wire.requestBody(method, args, destination, null, null, "t-" + (++ticket), REPLY_EXCHANGE, "rk");
    }

    private static AMQP.BasicProperties props(Map<String, Object> extraHeaders) {
        AMQP.BasicProperties p = Wire.requestProperties(1, 0);
        Map<String, Object> headers = new HashMap<>(p.getHeaders());
        headers.putAll(extraHeaders);
        return p.builder().headers(headers).build();
    }

    private static byte[] bytes(Map<String, Object> body) {
        return Json.encode(body);
    }

    private void deliver(Node node, Map<String, Object> body) {
        node.deliver(props(Map.of()), bytes(body));
    }

    /** The error text of the one reply for the last ticket, waiting for it (handlers run on the node's pool). */
    private Object lastReply() throws InterruptedException {
        String t = "t-" + ticket;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (Map<String, Object> r : replies) {
                if (t.equals(r.get("ticket"))) {
                    return r.get(NODE);
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no reply for " + t + " in " + replies);
    }

    private static String error(Object reply) {
        assertThat(reply).as("an error reply").isInstanceOf(Map.class);
        return (String) ((Map<?, ?>) reply).get("error");
    }

    private Policy policy(String text) {
        return Policy.parse(new StringReader(text), "test");
    }

    // ---- deliveries

    @Test
    void aRequestForAnotherNodeIsNotAnsweredNorRun() throws Exception {
        Node node = start(builder());

        deliver(node, call("ping", Map.of(), List.of("other@test")));
        deliver(node, call("ping", Map.of(), List.of(NODE)));

        assertThat(lastReply()).isEqualTo(Map.of("ok", "pong"));
        assertThat(replies).hasSize(1);
        assertThat(node.stats()).containsEntry("received", 2L).containsEntry("selected", 1L)
                .containsEntry("dispatched", 1L);
    }

    @Test
    void aGlobThatDoesNotMatchLeavesTheRequestAlone() throws Exception {
        Node node = start(builder());
        Map<String, Object> body = call("ping", Map.of(), null);
        body.put("pattern", "web*");
        body.put("matcher", "glob");

        deliver(node, body);

        assertThat(node.stats()).containsEntry("selected", 0L);
        assertThat(replies).isEmpty();
    }

    @Test
    void anUnknownMethodIsAKeyErrorAndRejected() throws Exception {
        Node node = start(builder());

        deliver(node, call("nope", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("KeyError('nope')");
        assertThat(node.stats()).containsEntry("rejected", 1L).containsEntry("dispatched", 0L);
        assertThat(observed).containsExactly("nope:rejected");
        assertThat(audited).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("rejected"));
    }

    @Test
    void badArgumentsAreATypeErrorNamingTheArgument() throws Exception {
        Node node = start(builder());

        deliver(node, call("add", Map.of("a", "one"), null));

        assertThat(error(lastReply())).startsWith("TypeError(").contains("'a'").contains("integer");
        assertThat(node.stats()).containsEntry("rejected", 1L);
        assertThat(observed).containsExactly("add:rejected");
    }

    @Test
    void argumentsThatAreNotAnObjectAreATypeError() throws Exception {
        Node node = start(builder());
        Map<String, Object> body = call("add", Map.of(), null);
        body.put("arguments", List.of(1, 2));

        deliver(node, body);

        assertThat(error(lastReply())).isEqualTo("TypeError('add() arguments must be an object, got list')");
    }

    @Test
    void aHandlerThatThrowsIsAnErrorReplyAndCountsAsFailed() throws Exception {
        Node node = start(builder());

        deliver(node, call("boom", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("IllegalStateException('it broke')");
        assertThat(node.stats()).containsEntry("dispatched", 1L).containsEntry("failed", 1L);
        assertThat(observed).containsExactly("boom:error");
    }

    @Test
    void aHandlerPastItsTimeLimitIsATimeoutErrorAndIsInterrupted() throws Exception {
        Node node = start(builder());

        deliver(node, call("slow", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("TimeoutError('slow exceeded its time limit of 200 ms')");
        assertThat(node.stats()).containsEntry("timed_out", 1L);
        assertThat(observed).contains("slow:timeout");
        assertThat(errors).anyMatch(e -> e.contains("ran past 200 ms and was interrupted"));
    }

    @Test
    void aReplyOverTheSizeLimitBecomesAnErrorSayingSo() throws Exception {
        mailbox = Mailbox.builder("jvm").maxReplySize(4096).errorSink((m, c) -> errors.add(m)).build();
        Node node = start(builder());

        deliver(node, call("big", Map.of(), null));

        assertThat(error(lastReply())).startsWith("ValueError('reply of ").endsWith("bytes exceeds the limit of 4096 bytes')");
    }

    @Test
    void aFullPoolRefusesWithBusy() throws Exception {
        Node node = start(builder().handlerThreads(1).queueCapacity(1));

        deliver(node, call("block", Map.of(), null)); // runs
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        deliver(node, call("block", Map.of(), null)); // waits in the queue
        deliver(node, call("ping", Map.of(), null)); // no room

        assertThat(error(lastReply())).isEqualTo("RuntimeError('node busy: 1 commands already queued, try again later')");
        assertThat(node.stats()).containsEntry("busy", 1L);
        assertThat(observed).contains("ping:busy");
    }

    @Test
    void aSecondCallInsideTheRateWindowIsRateLimited() throws Exception {
        Node node = start(builder());

        deliver(node, call("limited", Map.of(), null));
        assertThat(lastReply()).isEqualTo("ok");
        deliver(node, call("limited", Map.of(), null));

        assertThat(error(lastReply())).startsWith("RateLimited('limited runs at most 1 times per 60 s on this node");
        assertThat(node.stats()).containsEntry("rate_limited", 1L);
    }

    @Test
    void thePolicyForbidsByTier() throws Exception {
        Node node = start(builder().policy(Policy.defaults()));

        deliver(node, call("reload", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("forbidden: handler 'reload' is mutate and the policy (defaults)"
                + " does not allow mutate handlers");
        assertThat(node.stats()).containsEntry("forbidden", 1L).containsEntry("dispatched", 0L);
        assertThat(audited).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("forbidden"));
    }

    @Test
    void thePolicyForbidsByName() throws Exception {
        Node node = start(builder().policy(policy("deny = secrets\n")));

        deliver(node, call("secrets", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("forbidden: handler 'secrets' is denied by policy");
    }

    @Test
    void undecodableInputIsAValueErrorAnsweredWhenReplyToCanBeRead() throws Exception {
        Node node = start(builder());
        String body = "{\"method\": \"ping\", \"ticket\": \"t-" + (++ticket) + "\", \"reply_to\": {\"exchange\": \""
                + REPLY_EXCHANGE + "\", \"routing_key\": \"rk\"}, \"arguments\": {";

        node.deliver(props(Map.of()), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(error(lastReply())).startsWith("ValueError('message body is not valid JSON");
        assertThat(node.stats()).containsEntry("rejected", 1L);
    }

    // ---- signatures

    private Signer signer() throws IOException {
        Keys.writeKeyPair(dir, "ops", Keys.Algorithm.EC_P256);
        return Signer.load(dir.resolve("ops"));
    }

    private TrustedKeys trusted() throws IOException {
        return TrustedKeys.parse(Files.readString(dir.resolve("ops.pub")), "test");
    }

    @Test
    void anUnsignedRequestToANodeThatRequiresSignaturesIsUnauthorized() throws Exception {
        signer();
        Node node = start(builder().trustedKeys(trusted()));

        deliver(node, call("ping", Map.of(), null));

        assertThat(error(lastReply())).isEqualTo("unauthorized: unsigned request");
        assertThat(node.stats()).containsEntry("unauthorized", 1L).containsEntry("dispatched", 0L);
    }

    @Test
    void aSignedRequestRunsOnceAndItsReplayIsUnauthorized() throws Exception {
        Signer ops = signer();
        Node node = start(builder().trustedKeys(trusted()));
        byte[] body = bytes(call("ping", Map.of(), null));
        AMQP.BasicProperties p = props(ops.sign("jvm", body, System.currentTimeMillis() + 60_000));

        node.deliver(p, body);
        assertThat(lastReply()).isEqualTo(Map.of("ok", "pong"));
        replies.clear();
        node.deliver(p, body);

        assertThat(error(lastReply())).isEqualTo("unauthorized: replayed request (nonce seen before)");
        assertThat(audited).extracting(AuditEvent::keyName).containsExactly("ops", null);
    }

    @Test
    void aForgedBodyIsUnauthorized() throws Exception {
        Signer ops = signer();
        Node node = start(builder().trustedKeys(trusted()));
        Map<String, Object> call = call("ping", Map.of(), null);
        AMQP.BasicProperties p = props(ops.sign("jvm", bytes(call), System.currentTimeMillis() + 60_000));
        call.put("method", "reload");

        node.deliver(p, bytes(call));

        assertThat(error(lastReply())).isEqualTo("unauthorized: bad signature for key ops");
    }

    @Test
    void anExpiredSignatureIsUnauthorized() throws Exception {
        Signer ops = signer();
        Node node = start(builder().trustedKeys(trusted()));
        byte[] body = bytes(call("ping", Map.of(), null));

        node.deliver(props(ops.sign("jvm", body, System.currentTimeMillis() - 5_000)), body);

        assertThat(error(lastReply())).startsWith("unauthorized: expired ");
    }

    // ---- the same outcomes through the kombu-named methods

    @Test
    void handleMessageAppliesTheAddressFilter() {
        Node node = start(builder());

        assertThat(node.handleMessage(call("ping", Map.of(), List.of("other@test")), null)).isNull();
        assertThat(node.handleMessage(call("ping", Map.of(), List.of(NODE)), null)).isEqualTo(Map.of("ok", "pong"));
        assertThat(replies).hasSize(1);
    }

    @Test
    void theKombuMethodsGiveTheSameErrorsAsDeliveries() {
        Node node = start(builder());

        assertThat(error(node.handleCall("nope", Map.of()))).isEqualTo("KeyError('nope')");
        assertThat(error(node.handleCall("add", Map.of("a", "one")))).startsWith("TypeError(").contains("'a'");
        assertThat(error(node.handleCall("boom", Map.of()))).isEqualTo("IllegalStateException('it broke')");
        assertThat(error(node.handleCall("slow", Map.of())))
                .isEqualTo("TimeoutError('slow exceeded its time limit of 200 ms')");
        assertThat(node.stats()).containsEntry("rejected", 2L).containsEntry("timed_out", 1L);
        // boom failed; slow, interrupted at its limit, counts as failed too once its thread ends (soon, or not yet)
        assertThat(node.stats().get("failed")).isBetween(1L, 2L);
        assertThat(observed).containsExactly("nope:rejected", "add:rejected", "boom:error", "slow:timeout");
    }

    @Test
    void aReplyOverTheSizeLimitFromDispatchBecomesAnError() throws Exception {
        mailbox = Mailbox.builder("jvm").maxReplySize(4096).errorSink((m, c) -> errors.add(m)).build();
        Node node = start(builder());

        Object value = node.dispatch("big", Map.of(), REPLY_EXCHANGE, "rk", "t-" + (++ticket));

        assertThat(value).isEqualTo("x".repeat(5000));
        assertThat(error(lastReply())).startsWith("ValueError('reply of ").endsWith("exceeds the limit of 4096 bytes')");
    }

    @Test
    void theKombuMethodsAreForbiddenRateLimitedAndBusyLikeDeliveries() throws Exception {
        Node node = start(builder().policy(policy("deny = secrets\n")).handlerThreads(1).queueCapacity(1));

        assertThat(error(node.handleCall("reload", Map.of()))).startsWith("forbidden: handler 'reload' is mutate");
        assertThat(error(node.dispatch("secrets", Map.of(), null, null, null)))
                .isEqualTo("forbidden: handler 'secrets' is denied by policy");
        assertThat(node.handleCall("limited", Map.of())).isEqualTo("ok");
        assertThat(error(node.handleCall("limited", Map.of()))).startsWith("RateLimited(");
        deliver(node, call("block", Map.of(), null)); // takes the one handler thread
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
        deliver(node, call("block", Map.of(), null)); // takes the one queue slot
        Object busy = node.handleCall("ping", Map.of());
        release.countDown();

        assertThat(error(busy)).isEqualTo("RuntimeError('node busy: 1 commands already queued, try again later')");
        assertThat(node.stats()).containsEntry("forbidden", 2L).containsEntry("rate_limited", 1L)
                .containsEntry("busy", 1L);
    }

    @Test
    void theKombuMethodsOnANodeThatRequiresSignaturesCheckThem() throws Exception {
        Signer ops = signer();
        Node node = start(builder().trustedKeys(trusted()));
        Map<String, Object> body = call("ping", Map.of(), null);
        AMQP.BasicProperties signed = props(ops.sign("jvm", bytes(body), System.currentTimeMillis() + 60_000));

        assertThat(error(node.handleCall("ping", Map.of()))).isEqualTo("unauthorized: unsigned request");
        assertThat(node.handleMessage(body, signed)).isEqualTo(Map.of("ok", "pong"));
        assertThat(error(node.handleMessage(body, signed))).isEqualTo("unauthorized: replayed request (nonce seen before)");
        Map<String, Object> forged = new LinkedHashMap<>(body);
        forged.put("method", "reload");
        assertThat(error(node.dispatchFromMessage(forged, props(ops.sign("jvm", bytes(body),
                System.currentTimeMillis() + 60_000))))).isEqualTo("unauthorized: bad signature for key ops");
        assertThat(error(node.handleMessage(body, props(ops.sign("jvm", bytes(body),
                System.currentTimeMillis() - 5_000))))).startsWith("unauthorized: expired ");
    }

    @Test
    void handleLetsTheHandlersExceptionThroughAndThrowsForRefusals() {
        Node node = start(builder().policy(Policy.defaults()));

        assertThatThrownBy(() -> node.handle("boom", Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessage("it broke");
        assertThatThrownBy(() -> node.handle("nope", Map.of())).isInstanceOf(ArgumentException.class)
                .hasMessage("KeyError('nope')");
        assertThatThrownBy(() -> node.handle("reload", Map.of())).isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("forbidden: ")
                .satisfies(e -> assertThat(((RefusedException) e).outcome()).isEqualTo(CallObserver.FORBIDDEN));
    }

    @Test
    void aNodeOfAnUnboundMailboxCannotListen() {
        Node node = start(builder());

        assertThatThrownBy(node::listen).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not bound to a connection");
    }
}
