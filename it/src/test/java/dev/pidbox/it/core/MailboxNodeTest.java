package dev.pidbox.it.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.ExchangeType;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TestNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java Mailbox and Node against the real RabbitMQ: selection, gathering, errors and the clock. */
@RabbitMQ.Required
class MailboxNodeTest {
    private static Connection connection;

    private final List<Node> nodes = new ArrayList<>();
    private final List<Map<String, Object>> recorded = TestNodes.newSink();
    private final List<String> sinkReports = new CopyOnWriteArrayList<>();
    private Mailbox unbound;
    private Mailbox mailbox;

    @BeforeAll
    static void connect() {
        connection = RabbitMQ.connect("pidbox-it-core");
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    @BeforeEach
    void newNamespace() {
        unbound = Mailbox.builder(RabbitMQ.uniqueNamespace("core"))
                .errorSink((message, cause) -> sinkReports.add(message)).build();
        mailbox = unbound.bind(connection);
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
        mailbox.close();
    }

    private Node startNode(String name) {
        Node node = mailbox.node(name).handlers(TestNodes.standard(recorded)).build().listen();
        nodes.add(node);
        return node;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    @Test
    void callReturnsTheNamedNodesReply() {
        startNode("a@host");
        startNode("b@host");

        CallResult result = mailbox.call(List.of("a@host"), "ping", Map.of(), seconds(5));

        assertThat(result.asKombuList()).containsExactly(Map.of("a@host", Map.of("ok", "pong")));
        assertThat(result.missing()).isEmpty();
        assertThat(result.deadlineReached()).isFalse();
    }

    @Test
    void callReturnsAsSoonAsEveryNamedNodeAnswered() {
        startNode("a@host");
        startNode("b@host");
        startNode("c@host");

        CallResult result = mailbox.call(List.of("a@host", "c@host"), "ping", Map.of(), seconds(30));

        assertThat(result.answered()).containsExactlyInAnyOrder("a@host", "c@host");
        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.elapsed()).isLessThan(seconds(30));
    }

    @Test
    void argumentsTravelAsJsonAndComeBackUnchanged() {
        startNode("a@host");
        Map<String, Object> args = Map.of("x", 1, "y", List.of(1, 2), "s", "héllo \"q\"", "n", 2.5, "b", true);

        CallResult result = mailbox.call(List.of("a@host"), "echo", args, seconds(5));

        assertThat(result.byNode()).containsEntry("a@host", Map.of("ok", args));
    }

    @Test
    void multiCallGathersEveryNodeUntilTheDeadline() {
        startNode("a@host");
        startNode("b@host");
        startNode("c@host");

        CallResult result = mailbox.multiCall("ping", Map.of(), seconds(1.5), null);

        assertThat(result.answered()).containsExactlyInAnyOrder("a@host", "b@host", "c@host");
        assertThat(result.deadlineReached()).isTrue();
        assertThat(result.expected()).isEqualTo(-1);
    }

    @Test
    void multiCallStopsAtItsLimit() {
        startNode("a@host");
        startNode("b@host");
        startNode("c@host");

        CallResult result = mailbox.multiCall("ping", Map.of(), seconds(30), 2);

        assertThat(result.replies()).hasSize(2);
        assertThat(result.deadlineReached()).isFalse();
    }

    @Test
    void expectReturnsAsSoonAsEnoughNodesAnswered() {
        startNode("a@host");
        startNode("b@host");

        CallResult result = mailbox.call(Request.builder("ping").expect(2).timeout(seconds(30)).build(), null);

        assertThat(result.answered()).hasSize(2);
        assertThat(result.deadlineReached()).isFalse();
        assertThat(result.missingCount()).isZero();
    }

    @Test
    void expectReportsTheShortfallWhenTooFewAnswer() {
        startNode("a@host");

        CallResult result = mailbox.call(Request.builder("ping").expect(3).timeout(seconds(1)).build(), null);

        assertThat(result.answered()).containsExactly("a@host");
        assertThat(result.missingCount()).isEqualTo(2);
        assertThat(result.isComplete()).isFalse();
    }

    @Test
    void missingNamedNodesAreReported() {
        startNode("a@host");

        CallResult result = mailbox.call(List.of("a@host", "ghost@nowhere"), "ping", Map.of(), seconds(1));

        assertThat(result.answered()).containsExactly("a@host");
        assertThat(result.missing()).containsExactly("ghost@nowhere");
        assertThat(result.deadlineReached()).isTrue();
    }

    @Test
    void destinationListSelectsExactlyTheNamedNodes() {
        startNode("a@host");
        startNode("b@host");
        startNode("ab@host");

        mailbox.cast(List.of("a@host", "ab@host"), "record", Map.of("k", "v"));

        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() >= 2);
        CallResult sync = mailbox.multiCall("ping", Map.of(), seconds(1), null);
        assertThat(sync.answered()).hasSize(3);
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactlyInAnyOrder("a@host", "ab@host");
    }

    @Test
    void castRunsTheHandlerAndNoReplyComesBack() {
        startNode("a@host");

        mailbox.cast(List.of("a@host"), "record", Map.of("n", 7));

        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() == 1);
        assertThat(recorded.get(0)).containsEntry("n", 7);
        CallResult after = mailbox.call(List.of("a@host"), "ping", Map.of(), seconds(5));
        assertThat(after.replies()).hasSize(1);
        assertThat(mailbox.staleReplies()).isZero();
        assertThat(nodes.get(0).stats()).containsEntry("replied", 1L);
    }

    @Test
    void abcastReachesEveryNode() {
        startNode("a@host");
        startNode("b@host");
        startNode("c@host");

        mailbox.abcast("record", Map.of());

        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() == 3);
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactlyInAnyOrder("a@host", "b@host", "c@host");
    }

    @Test
    void globMatchesWholeNamesOnly() {
        startNode("web1@dc1");
        startNode("web2@dc1");
        startNode("db1@dc1");
        startNode("xweb3@dc1");

        CallResult result = mailbox.call(Request.builder("ping").glob("web?@*").timeout(seconds(1)).build(), null);

        assertThat(result.answered()).containsExactlyInAnyOrder("web1@dc1", "web2@dc1");
    }

    @Test
    void pcreIsAnchoredAtTheStartOnly() {
        startNode("node1@probe");
        startNode("node2@probe");

        CallResult none = mailbox.call(Request.builder("ping").pcre("probe").timeout(seconds(1)).build(), null);
        CallResult second = mailbox.call(Request.builder("ping").pcre(".*2@").timeout(seconds(1)).build(), null);
        CallResult prefix = mailbox.call(Request.builder("ping").pcre("node").timeout(seconds(1)).build(), null);

        assertThat(none.replies()).isEmpty();
        assertThat(second.answered()).containsExactly("node2@probe");
        assertThat(prefix.answered()).containsExactlyInAnyOrder("node1@probe", "node2@probe");
    }

    @Test
    void destinationWinsOverPattern() {
        startNode("a@host");
        startNode("b@host");

        CallResult result = mailbox.call(Request.builder("ping").destination("b@host").glob("a*").timeout(seconds(5))
                .build(), null);

        assertThat(result.answered()).containsExactly("b@host");
    }

    @Test
    void aRemovedHandlerAnswersKeyErrorAndTheOthersStillRun() {
        Node node = startNode("a@host");
        assertThat(node.handlers()).containsKey("echo");

        assertThat(node.removeHandler("echo")).isTrue();
        assertThat(node.removeHandler("echo")).isFalse();

        CallResult removed = mailbox.call(List.of("a@host"), "echo", Map.of("q", 1), seconds(5));
        assertThat(removed.byNode()).containsEntry("a@host", Map.of("error", "KeyError('echo')"));
        assertThat(node.handlers()).doesNotContainKey("echo").containsKey("ping");
        assertThat(mailbox.call(List.of("a@host"), "ping", Map.of(), seconds(5)).byNode()).containsKey("a@host");
    }

    @Test
    void unknownMethodAnswersKeyErrorLikeKombu() {
        startNode("a@host");

        CallResult result = mailbox.call(List.of("a@host"), "nosuch", Map.of("q", 1), seconds(5));

        assertThat(result.byNode()).containsEntry("a@host", Map.of("error", "KeyError('nosuch')"));
        assertThat(result.errors()).hasSize(1);
        assertThat(result.isComplete()).isFalse();
    }

    @Test
    void failingHandlerAnswersItsExceptionAsAnError() {
        startNode("a@host");

        CallResult result = mailbox.call(List.of("a@host"), "fail", Map.of(), seconds(5));

        assertThat(result.replies()).singleElement().satisfies(r -> {
            assertThat(r.isError()).isTrue();
            assertThat(r.error()).isEqualTo("IllegalStateException('boom')");
        });
    }

    @Test
    void argumentsOfTheWrongTypeAnswerTypeError() {
        startNode("a@host");

        CallResult wrong = mailbox.call(List.of("a@host"), "add", Map.of("a", 1, "b", "two"), seconds(5));
        CallResult missing = mailbox.call(List.of("a@host"), "add", Map.of("a", 1), seconds(5));
        CallResult right = mailbox.call(List.of("a@host"), "add", Map.of("a", 1, "b", 2), seconds(5));

        assertThat(wrong.replies().get(0).error()).isEqualTo("TypeError(\"add() argument 'b' must be an integer, got string\")");
        assertThat(missing.replies().get(0).error()).startsWith("TypeError(").contains("missing required argument 'b'");
        assertThat(right.byNode()).containsEntry("a@host", 3);
    }

    @Test
    void handlerReturningNothingStillAnswersNull() {
        startNode("a@host");

        CallResult result = mailbox.call(List.of("a@host"), "record", Map.of(), seconds(5));

        assertThat(result.asKombuList()).hasSize(1);
        assertThat(result.replies().get(0).value()).isNull();
        assertThat(result.missing()).isEmpty();
    }

    @Test
    void theTimeoutIsOneDeadlineForTheWholeGather() {
        // Replies arrive 0.0, 0.5, 2.5 and 3.0 s after the request: every gap is under the timeout, so
        // kombu's per-reply gap would gather all four. A total deadline of 1.5 s gathers the first two.
        Map<String, Integer> delays = Map.of("n0@host", 0, "n1@host", 500, "n2@host", 2500, "n3@host", 3000);
        delays.forEach((name, ms) -> nodes.add(mailbox.node(name).handler(HandlerDefinition.builder("lag")
                .handler((ctx, args) -> {
                    Thread.sleep(ms);
                    return Map.of("slept", ms);
                }).build()).build().listen()));

        long start = System.nanoTime();
        CallResult result = mailbox.call(Request.builder("lag").timeout(seconds(1.5)).build(), null);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.answered()).containsExactlyInAnyOrder("n0@host", "n1@host");
        assertThat(result.deadlineReached()).isTrue();
        assertThat(elapsed).isLessThan(Duration.ofMillis(2400));
    }

    @Test
    void aLateReplyIsNeverHandedToALaterCall() {
        startNode("slow@host");

        CallResult first = mailbox.call(List.of("slow@host"), "sleep", Map.of("ms", 1500, "seq", 1), seconds(0.5));
        CallResult second = mailbox.call(List.of("slow@host"), "sleep", Map.of("ms", 1500, "seq", 2), seconds(5));

        assertThat(first.replies()).isEmpty();
        assertThat(first.missing()).containsExactly("slow@host");
        assertThat(second.replies()).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(Map.of("slept", 1500, "seq", 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> mailbox.staleReplies() >= 1);
    }

    @Test
    void repliesStreamToTheCallbackBeforeTheCallReturns() {
        startNode("a@host");
        startNode("b@host");
        List<Reply> streamed = new CopyOnWriteArrayList<>();
        List<Long> streamedAt = new CopyOnWriteArrayList<>();

        CallResult result = mailbox.multiCall("ping", Map.of(), seconds(1.5), null, r -> {
            streamed.add(r);
            streamedAt.add(System.nanoTime());
        });
        long returnedAt = System.nanoTime();

        assertThat(streamed).extracting(Reply::node).containsExactlyInAnyOrder("a@host", "b@host");
        assertThat(streamedAt).allSatisfy(t -> assertThat(returnedAt - t).isGreaterThan(Duration.ofMillis(500).toNanos()));
        assertThat(result.replies()).hasSize(2);
    }

    @Test
    void theLamportClockAdvancesAcrossACall() {
        startNode("a@host");
        long before = mailbox.clock().value();

        mailbox.call(List.of("a@host"), "ping", Map.of(), seconds(5));

        // request forward (+1), node adjust (+1) and forward (+1), client adjust (+1)
        assertThat(mailbox.clock().value()).isGreaterThanOrEqualTo(before + 2);
    }

    @Test
    void directMailboxesWorkTheSameWay() {
        mailbox.close();
        Mailbox direct = Mailbox.builder(RabbitMQ.uniqueNamespace("direct")).type(ExchangeType.DIRECT).build()
                .bind(connection);
        mailbox = direct;
        startNode("a@host");
        startNode("b@host");

        CallResult one = direct.call(List.of("b@host"), "ping", Map.of(), seconds(5));
        CallResult all = direct.multiCall("ping", Map.of(), seconds(1), null);

        assertThat(one.answered()).containsExactly("b@host");
        assertThat(all.answered()).containsExactlyInAnyOrder("a@host", "b@host");
    }

    @Test
    void concurrentCallsFromManyThreadsEachGetTheirOwnReplies() throws Exception {
        startNode("a@host");
        int threads = 8;
        List<Thread> workers = new ArrayList<>();
        List<Object> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            int seq = i;
            Thread t = new Thread(() -> {
                CallResult r = mailbox.call(List.of("a@host"), "sleep", Map.of("ms", 50, "seq", seq), seconds(10));
                seen.add(((Map<?, ?>) r.replies().get(0).value()).get("seq"));
            });
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join(15000);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void aSecondNodeWithTheSameNameIsRefusedWithAClearMessage() throws Exception {
        startNode("dup@host");
        try (Connection other = RabbitMQ.connect("pidbox-it-dup")) {
            Mailbox otherMailbox = unbound.bind(other);
            assertThatThrownBy(() -> otherMailbox.node("dup@host").handler(TestNodes.ping()).build().listen())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dup@host")
                    .hasMessageContaining("already listening");
        }
        assertThatThrownBy(() -> mailbox.node("dup@host").handler(TestNodes.ping()).build().listen())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dup@host");

        CallResult stillThere = mailbox.call(List.of("dup@host"), "ping", Map.of(), seconds(5));
        assertThat(stillThere.replies()).hasSize(1);
    }

    @Test
    void nodesOfOneConnectionShareTwoChannelsAndARefusedListenDisturbsNone() {
        Node a = startNode("share-a@host");
        Node b = startNode("share-b@host");
        assertThat(a.channel()).as("one consume channel for the nodes of a connection").isSameAs(b.channel());

        // The namespace's exchange is fanout; a direct mailbox of the same name is refused by the broker
        // (PRECONDITION_FAILED), which closes the channel the refused declare ran on, and only that one.
        Mailbox clash = Mailbox.builder(unbound.namespace()).type(ExchangeType.DIRECT).build().bind(connection);
        assertThatThrownBy(() -> clash.node("share-c@host").handler(TestNodes.ping()).build().listen())
                .isInstanceOf(dev.pidbox.PidboxException.class)
                .hasMessageContaining("PRECONDITION_FAILED");
        clash.close();
        assertThat(a.isListening()).isTrue();
        assertThat(mailbox.call(Request.builder("ping").expect(2).timeout(seconds(5)).build(), null).byNode())
                .containsOnlyKeys("share-a@host", "share-b@host");

        // Closing one leaves the other answering on the shared channels; closing the last closes them.
        a.close();
        assertThat(mailbox.call(Request.builder("ping").timeout(seconds(1)).build(), null).byNode())
                .containsOnlyKeys("share-b@host");
        var shared = b.channel();
        b.close();
        assertThat(shared.isOpen()).as("the last node of the connection closed the shared channel").isFalse();
        Node again = startNode("share-d@host");
        assertThat(mailbox.call(List.of("share-d@host"), "ping", Map.of(), seconds(5)).byNode())
                .containsEntry("share-d@host", Map.of("ok", "pong"));
        assertThat(again.channel()).isNotSameAs(shared);
    }

    @Test
    void aNodeWhoseQueueIsDeletedListensAgain() throws Exception {
        Node node = startNode("phoenix@host");
        startNode("bystander@host");
        try (var admin = connection.createChannel()) {
            admin.queueDelete(node.getQueue().name()); // as an operator would, in the management UI
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> mailbox.call(List.of("phoenix@host"), "ping", Map.of(),
                seconds(1)).byNode().containsKey("phoenix@host"));
        assertThat(node.isListening()).isTrue();
        assertThat(sinkReports).anyMatch(r -> r.contains("phoenix@host") && r.contains("cancelled its consumer"))
                .anyMatch(r -> r.contains("phoenix@host") && r.contains("listening again"));
        assertThat(mailbox.call(Request.builder("ping").expect(2).timeout(seconds(5)).build(), null).byNode())
                .containsOnlyKeys("phoenix@host", "bystander@host");
    }

    @Test
    void aChannelErrorOnTheSharedConsumeChannelLeavesEveryNodeListeningAgain() throws Exception {
        Node a = startNode("relisten-a@host");
        startNode("relisten-b@host");
        var old = a.channel();
        // Any channel error closes the channel; here one provoked on purpose (consuming a queue that does not exist).
        assertThatThrownBy(() -> old.basicConsume("pbt-no-such-queue-" + System.nanoTime(), true,
                new com.rabbitmq.client.DefaultConsumer(old))).isInstanceOf(java.io.IOException.class);

        await().atMost(Duration.ofSeconds(15)).until(() -> mailbox.call(Request.builder("ping").expect(2)
                .timeout(seconds(1)).build(), null).byNode().size() == 2);
        assertThat(old.isOpen()).isFalse();
        assertThat(a.channel()).isNotSameAs(old);
        assertThat(a.channel().isOpen()).isTrue();
    }

    @Test
    void closingANodeRemovesItsQueue() throws Exception {
        Node node = startNode("gone@host");
        String queue = node.getQueue().name();

        node.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (var probe = connection.createChannel()) {
                probe.queueDeclarePassive(queue);
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        });
        assertThat(node.isListening()).isFalse();
    }
}
