package dev.pidbox.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.pidbox.CallResult;
import dev.pidbox.LamportClock;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import dev.pidbox.internal.Json;
import dev.pidbox.internal.Wire;
import dev.pidbox.security.ReplyUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Reply routing without a broker: replies are handed to the router as its consumer would, with the properties and
 * bodies nodes publish, and land in the gather of their ticket or in the counters.
 */
class ReplyRouterTest {
    private static final String TICKET = "t-1";
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final LamportClock clock = new LamportClock();

    private ReplyRouter router(int maxReplySize, ReplyUsers replyUsers) {
        return new ReplyRouter("jvm", clock, maxReplySize, replyUsers, (message, cause) -> errors.add(message));
    }

    private ReplyRouter router() {
        return router(16 * 1024 * 1024, null);
    }

    private Gather pending(ReplyRouter router, Request.Builder request) {
        Gather g = new Gather(TICKET, request.build(), null, (message, cause) -> errors.add(message), "jvm");
        router.register(g);
        return g;
    }

    private static AMQP.BasicProperties props(String ticket) {
        return Wire.replyProperties(ticket, 7, null);
    }

    private static byte[] body(String node, Object value) {
        return Json.encode(Wire.replyBody(node, value));
    }

    @Test
    void aReplyReachesTheGatherOfItsTicket() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(LONG));

        router.onReply(props(TICKET), body("a@h", Map.of("ok", "pong")));

        assertThat(g.await().byNode()).containsEntry("a@h", Map.of("ok", "pong"));
        assertThat(router.staleReplies()).isZero();
        assertThat(router.malformedReplies()).isZero();
    }

    @Test
    void oneReplyNamingSeveralNodesCountsEachOfThem() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").destination("a@h", "b@h").timeout(LONG));
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("a@h", "pong");
        both.put("b@h", "pong");

        router.onReply(props(TICKET), Json.encode(both));

        assertThat(g.await().answered()).containsExactly("a@h", "b@h");
    }

    @Test
    void aReplyForAnotherTicketIsStaleAndNeverHandedToThePendingCall() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props("someone-elses"), body("a@h", "pong"));

        assertThat(router.staleReplies()).isEqualTo(1);
        assertThat(g.await().replies()).isEmpty();
    }

    @Test
    void aReplyWithoutTicketIsStale() {
        ReplyRouter router = router();
        pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props(null), body("a@h", "pong"));

        assertThat(router.staleReplies()).isEqualTo(1);
    }

    @Test
    void aLateReplyAfterTheCallReturnedIsCountedStale() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(LONG));
        router.onReply(props(TICKET), body("a@h", "pong"));
        CallResult result = g.await();
        router.unregister(g);

        router.onReply(props(TICKET), body("b@h", "late"));

        assertThat(router.staleReplies()).isEqualTo(1);
        assertThat(result.answered()).containsExactly("a@h");
    }

    @Test
    void aReplyPastTheLimitIsCountedStale() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").limit(1).timeout(LONG));

        router.onReply(props(TICKET), body("a@h", "pong"));
        router.onReply(props(TICKET), body("b@h", "pong"));

        assertThat(router.staleReplies()).isEqualTo(1);
        assertThat(g.await().answered()).containsExactly("a@h");
    }

    @Test
    void anExpiredReplyIsStaleEvenForAPendingCall() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").timeout(SHORT));
        Map<String, Object> expired = new HashMap<>();
        expired.put(Wire.HEADER_EXPIRES, System.currentTimeMillis() / 1000.0 - 60);

        router.onReply(Wire.replyProperties(TICKET, 1, expired), body("a@h", "pong"));

        assertThat(router.staleReplies()).isEqualTo(1);
        assertThat(g.await().replies()).isEmpty();
    }

    @Test
    void everyReplyMovesTheClockPastItsOwn() {
        ReplyRouter router = router();

        router.onReply(Wire.replyProperties("no-such-call", 41, null), body("a@h", "pong"));

        assertThat(clock.value()).isGreaterThan(41);
    }

    @Test
    void aReplyOverTheSizeLimitIsMalformedAndReported() {
        ReplyRouter router = router(64, null);
        Gather g = pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props(TICKET), body("a@h", "x".repeat(100)));

        assertThat(router.malformedReplies()).isEqualTo(1);
        assertThat(errors).singleElement().asString().startsWith("mailbox jvm: dropped a reply of ")
                .endsWith("bytes (limit 64) for ticket " + TICKET);
        assertThat(g.await().replies()).isEmpty();
    }

    @Test
    void aReplyOfAForeignContentTypeIsMalformedAndReported() {
        ReplyRouter router = router();
        pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props(TICKET).builder().contentType("application/x-python-serialize").build(),
                body("a@h", "pong"));

        assertThat(router.malformedReplies()).isEqualTo(1);
        assertThat(errors).containsExactly("mailbox jvm: refused a reply of content type "
                + "'application/x-python-serialize' for ticket " + TICKET);
    }

    @Test
    void anUndecodableReplyIsMalformedAndReported() {
        ReplyRouter router = router();
        pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props(TICKET), "{not json".getBytes(StandardCharsets.UTF_8));

        assertThat(router.malformedReplies()).isEqualTo(1);
        assertThat(errors).containsExactly("mailbox jvm: undecodable reply for ticket " + TICKET);
    }

    @Test
    void aReplyThatIsNotAnObjectIsMalformedAndReported() {
        ReplyRouter router = router();
        pending(router, Request.builder("ping").timeout(SHORT));

        router.onReply(props(TICKET), "[1, 2]".getBytes(StandardCharsets.UTF_8));

        assertThat(router.malformedReplies()).isEqualTo(1);
        assertThat(errors).containsExactly("mailbox jvm: reply for ticket " + TICKET + " is not an object");
    }

    @Test
    void aReplyFromAUserWhoMayNotAnswerForItsNodeIsAForgeryAndTheRealOneStillCounts() {
        ReplyRouter router = router(16 * 1024 * 1024, ReplyUsers.of(Map.of("node-a", List.of("a@*"))));
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(LONG));

        router.onReply(props(TICKET).builder().userId("mallory").build(), body("a@h", "forged"));
        router.onReply(props(TICKET).builder().userId("node-a").build(), body("a@h", "pong"));
        CallResult result = g.await();

        assertThat(result.byNode()).containsExactly(Map.entry("a@h", "pong"));
        assertThat(result.forgeries()).singleElement().satisfies(f -> {
            assertThat(f.node()).isEqualTo("a@h");
            assertThat(f.userId()).isEqualTo("mallory");
            assertThat(f.reason()).contains("'mallory'");
        });
        assertThat(router.staleReplies()).isZero();
    }

    @Test
    void aReplyWithoutUserIdIsAForgeryWhenTheMailboxNamesWhoMayAnswer() {
        ReplyRouter router = router(16 * 1024 * 1024, ReplyUsers.of(Map.of("node-a", List.of("a@*"))));
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(SHORT));

        router.onReply(props(TICKET), body("a@h", "pong"));
        CallResult result = g.await();

        assertThat(result.replies()).isEmpty();
        assertThat(result.forgeries()).extracting(CallResult.Forgery::userId).containsExactly((String) null);
        assertThat(result.missing()).containsExactly("a@h");
    }

    @Test
    void theReplyCarriesTheTimeSinceTheCallStarted() throws InterruptedException {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(LONG));
        Thread.sleep(20);

        router.onReply(props(TICKET), body("a@h", "pong"));

        assertThat(g.await().replies()).extracting(Reply::elapsed)
                .allSatisfy(e -> assertThat(e).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
    }

    @Test
    void aBrokerBlockReachesEveryPendingCall() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").timeout(SHORT));

        router.blocked("low on memory");

        assertThat(g.await().brokerBlocked()).isEqualTo("low on memory");
    }

    @Test
    void cancellingAllEndsEveryPendingWait() {
        ReplyRouter router = router();
        Gather g = pending(router, Request.builder("ping").destination("a@h").timeout(LONG));

        router.cancelAll();

        CallResult result = g.await();
        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.elapsed()).isLessThan(LONG);
    }
}
