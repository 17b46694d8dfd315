package dev.pidbox.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The gather of one call without a broker: replies are offered as the reply router would, and the result is what
 * the caller of {@code Mailbox.call} gets.
 */
class GatherTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Reply> heard = new CopyOnWriteArrayList<>();

    private Gather gather(Request.Builder request) {
        return new Gather("t-1", request.build(), heard::add, (message, cause) -> errors.add(message), "jvm");
    }

    private static Request.Builder ping() {
        return Request.builder("ping");
    }

    private static Reply reply(String node) {
        return new Reply(node, "pong", Duration.ZERO);
    }

    @Test
    void theDeadlinePassesWithTheNamedNodesThatDidNotAnswerReportedMissing() {
        Gather g = gather(ping().destination("a@h", "b@h", "c@h").timeout(SHORT));
        g.offer(reply("a@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.answered()).containsExactly("a@h");
        assertThat(result.missing()).containsExactlyInAnyOrder("b@h", "c@h");
        assertThat(result.expected()).isEqualTo(3);
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(SHORT);
    }

    @Test
    void theDeadlineIsOneTotalTimeNotAGapBetweenReplies() {
        Gather g = gather(ping().timeout(Duration.ofMillis(300)));
        long start = System.nanoTime();
        new Thread(() -> {
            for (int i = 0; i < 20; i++) {
                g.offer(reply("n" + i + "@h"));
                sleep(100);
            }
        }).start();

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(result.replies()).hasSizeLessThan(20);
    }

    @Test
    void aBroadcastWithoutLimitOrExpectWaitsForTheWholeDeadlineAndKnowsNoExpectedCount() {
        Gather g = gather(ping().timeout(SHORT));
        g.offer(reply("a@h"));
        g.offer(reply("b@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.replies()).hasSize(2);
        assertThat(result.expected()).isEqualTo(-1);
        assertThat(result.missing()).isEmpty();
    }

    @Test
    void reachingTheLimitEndsTheGatherAtOnce() {
        Gather g = gather(ping().limit(2).timeout(LONG));
        g.offer(reply("a@h"));
        g.offer(reply("b@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.elapsed()).isLessThan(LONG);
        assertThat(result.answered()).containsExactly("a@h", "b@h");
    }

    @Test
    void aReplyPastTheLimitIsRefusedAndNeverCounted() {
        Gather g = gather(ping().limit(1).timeout(LONG));

        assertThat(g.offer(reply("a@h"))).isTrue();
        assertThat(g.offer(reply("b@h"))).isFalse();

        assertThat(g.await().replies()).extracting(Reply::node).containsExactly("a@h");
    }

    @Test
    void everyNamedNodeAnsweringEndsTheGatherBeforeTheDeadline() {
        Gather g = gather(ping().destination("a@h", "b@h").timeout(LONG));
        g.offer(reply("b@h"));
        g.offer(reply("a@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.isComplete()).isTrue();
        assertThat(result.elapsed()).isLessThan(LONG);
    }

    @Test
    void theExpectedCountOfNodesAnsweringEndsTheGatherBeforeTheDeadline() {
        Gather g = gather(ping().expect(2).timeout(LONG));
        g.offer(reply("a@h"));
        g.offer(reply("b@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.expected()).isEqualTo(2);
        assertThat(result.missingCount()).isZero();
    }

    @Test
    void tooFewNodesForTheExpectedCountReportTheShortfallAtTheDeadline() {
        Gather g = gather(ping().expect(3).timeout(SHORT));
        g.offer(reply("a@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.missingCount()).isEqualTo(2);
    }

    @Test
    void aSecondReplyFromOneNodeIsKeptButDoesNotCountAsAnotherNode() {
        Gather g = gather(ping().expect(2).timeout(SHORT));

        assertThat(g.offer(reply("a@h"))).isTrue();
        assertThat(g.offer(reply("a@h"))).isTrue();
        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.replies()).extracting(Reply::node).containsExactly("a@h", "a@h");
        assertThat(result.answered()).containsExactly("a@h");
    }

    @Test
    void aSecondReplyFromOneNamedNodeDoesNotStandInForAnother() {
        Gather g = gather(ping().destination("a@h", "b@h").timeout(SHORT));
        g.offer(reply("a@h"));
        g.offer(reply("a@h"));

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.missing()).containsExactly("b@h");
    }

    @Test
    void aNodeNamedTwiceIsExpectedOnce() {
        Gather g = gather(ping().destination("a@h", "a@h").timeout(LONG));
        g.offer(reply("a@h"));

        CallResult result = g.await();

        assertThat(result.expected()).isEqualTo(1);
        assertThat(result.deadlineReached()).isFalse();
    }

    @Test
    void aReplyArrivingWhileTheCallerWaitsWakesIt() {
        Gather g = gather(ping().destination("a@h").timeout(LONG));
        new Thread(() -> {
            sleep(100);
            g.offer(reply("a@h"));
        }).start();

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theListenerHearsEachCountedReplyInOrderOfArrival() {
        Gather g = gather(ping().limit(2).timeout(LONG));
        g.offer(reply("a@h"));
        g.offer(reply("b@h"));
        g.offer(reply("c@h"));

        assertThat(heard).extracting(Reply::node).containsExactly("a@h", "b@h");
    }

    @Test
    void aFailingListenerIsReportedAndTheReplyStillCounts() {
        Gather g = new Gather("t-1", ping().destination("a@h").timeout(LONG).build(), r -> {
            throw new IllegalStateException("listener broke");
        }, (message, cause) -> errors.add(message + " / " + cause.getMessage()), "jvm");

        assertThat(g.offer(reply("a@h"))).isTrue();

        assertThat(errors).containsExactly("mailbox jvm: reply callback failed / listener broke");
        assertThat(g.await().answered()).containsExactly("a@h");
    }

    @Test
    void aForgeryIsReportedAndNeverCountedSoItsNodeStaysMissing() {
        Gather g = gather(ping().destination("a@h").timeout(SHORT));
        g.forged(new CallResult.Forgery("a@h", "mallory", "user mallory may not answer for a@h"));

        CallResult result = g.await();

        assertThat(result.forgeries()).extracting(CallResult.Forgery::userId).containsExactly("mallory");
        assertThat(result.replies()).isEmpty();
        assertThat(result.missing()).containsExactly("a@h");
        assertThat(heard).isEmpty();
    }

    @Test
    void aBrokerBlockWhileWaitingIsCarriedInTheResult() {
        Gather g = gather(ping().timeout(SHORT));
        g.blocked("low on memory");

        assertThat(g.await().brokerBlocked()).isEqualTo("low on memory");
    }

    @Test
    void aCallNotSentForABlockedBrokerHasNoRepliesAndSaysWhy() {
        Gather g = gather(ping().destination("a@h", "b@h").timeout(LONG));

        CallResult result = g.notSent("low on disk");

        assertThat(result.brokerBlocked()).isEqualTo("low on disk");
        assertThat(result.replies()).isEmpty();
        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.missing()).containsExactlyInAnyOrder("a@h", "b@h");
        assertThat(result.ticket()).isEqualTo("t-1");
    }

    @Test
    void cancellingEndsTheWaitAtOnceAsIfTheDeadlinePassed() {
        Gather g = gather(ping().destination("a@h").timeout(LONG));
        g.offer(reply("b@h"));
        new Thread(() -> {
            sleep(100);
            g.cancel();
        }).start();

        CallResult result = g.await();

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(10));
        assertThat(result.replies()).extracting(Reply::node).containsExactly("b@h");
    }

    @Test
    void anInterruptedWaitReturnsWhatArrivedAndKeepsTheInterrupt() {
        Gather g = gather(ping().destination("a@h", "b@h").timeout(LONG));
        g.offer(reply("a@h"));
        Thread.currentThread().interrupt();

        CallResult result;
        try {
            result = g.await();
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }

        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.answered()).containsExactly("a@h");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
