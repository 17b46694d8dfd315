package dev.pidbox.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TestNodes;
import dev.pidbox.jmx.JmxHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that never returns (and ignores interrupts) on a node with {@code handlerTimeout(2s)}: each call to
 * it gets {@code TimeoutError(...)} close to the limit, and ping is served meanwhile, even with more hung calls
 * than handler threads.
 */
@RabbitMQ.Required
class HungHandlerTest {
    private static final String NODE = "hung@it";
    private static final int HANDLER_THREADS = 2;
    /** jmx-handlers' basic group: ping, clock, hello and describe. */
    private static final List<String> BASIC = List.of("ping", "clock", "hello", "describe");
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    private final java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newCachedThreadPool();
    private Connection connection;
    private Mailbox mailbox;
    private Node node;
    private String namespace;

    /** Sleeps until the test ends, whatever interrupts it gets: a handler stuck for good. */
    private HandlerDefinition hang() {
        return HandlerDefinition.builder("hang").description("Never returns")
                .handler((ctx, args) -> {
                    entered.incrementAndGet();
                    while (true) {
                        try {
                            if (release.await(1, TimeUnit.HOURS)) {
                                return "released";
                            }
                        } catch (InterruptedException e) {
                            // a stuck handler ignores interrupts
                        }
                    }
                }).build();
    }

    @BeforeEach
    void start() {
        namespace = RabbitMQ.uniqueNamespace("hung");
        connection = RabbitMQ.connect("pidbox-it-hung");
        mailbox = Mailbox.builder(namespace).build().bind(connection);
        // The built-in ping, as the agent ships it (jmx-handlers' basic group), plus a plain pooled handler (echo).
        List<HandlerDefinition> basic = new JmxHandlers().handlers(k -> null).stream()
                .filter(d -> BASIC.contains(d.name())).toList();
        node = mailbox.node(NODE).handlers(basic)
                .handler(TestNodes.echo()).handler(hang())
                .handlerThreads(HANDLER_THREADS).handlerTimeout(Duration.ofSeconds(2)).build().listen();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        callers.shutdownNow();
        node.close();
        mailbox.close();
        connection.close();
        Ctl.deleteExchangesOf(namespace);
    }

    @Test
    void aHungCallGetsATimeoutErrorAndPingIsServedMeanwhile() throws Exception {
        CompletableFuture<CallResult> hung = CompletableFuture.supplyAsync(
                () -> mailbox.call(List.of(NODE), "hang", Map.of(), Duration.ofSeconds(6)), callers);
        await(() -> entered.get() >= 1);

        CallResult ping = mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofSeconds(3));
        CallResult result = hung.get(10, TimeUnit.SECONDS);

        System.err.printf("hung handler: ping answered in %d ms while hung; the hung call returned in %d ms: %s%n",
                ping.elapsed().toMillis(), result.elapsed().toMillis(), result.byNode());
        assertThat(ping.byNode()).containsEntry(NODE, Map.of("ok", "pong"));
        assertThat(errorOf(result)).startsWith("TimeoutError(");
        assertThat(result.elapsed()).isBetween(Duration.ofMillis(1900), Duration.ofMillis(4000));
    }

    @Test
    void pingIsServedWhenMoreCallsHangThanThereAreHandlerThreads() throws Exception {
        int hungCalls = HANDLER_THREADS * 3;
        List<CompletableFuture<CallResult>> calls = new ArrayList<>();
        for (int i = 0; i < hungCalls; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> mailbox.call(List.of(NODE), "hang", Map.of(), Duration.ofSeconds(8)), callers));
        }
        await(() -> entered.get() >= HANDLER_THREADS);

        List<Long> pingMs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CallResult ping = mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofSeconds(3));
            pingMs.add(ping.elapsed().toMillis());
            assertThat(ping.byNode()).as("ping %d while %d calls hang", i, hungCalls).containsEntry(NODE, Map.of("ok", "pong"));
            // Served while every handler thread is stuck, not only once the stuck calls time out (2 s).
            assertThat(ping.elapsed()).as("ping %d latency while %d calls hang on %d threads (pings so far %s ms)", i,
                    hungCalls, HANDLER_THREADS, pingMs).isLessThan(Duration.ofMillis(1000));
        }
        // A pooled handler asked while every thread is stuck: answered once the stuck calls are given up on.
        CompletableFuture<CallResult> echoCall = CompletableFuture.supplyAsync(
                () -> mailbox.call(List.of(NODE), "echo", Map.of("x", 1), Duration.ofSeconds(8)), callers);
        List<String> errors = new ArrayList<>();
        List<Long> hungMs = new ArrayList<>();
        for (CompletableFuture<CallResult> c : calls) {
            CallResult r = c.get(15, TimeUnit.SECONDS);
            errors.add(errorOf(r));
            hungMs.add(r.elapsed().toMillis());
        }
        CallResult echo = echoCall.get(15, TimeUnit.SECONDS);
        // A second round after every thread was given up on: the node still serves.
        CallResult after = mailbox.call(List.of(NODE), "ping", Map.of(), Duration.ofSeconds(3));

        System.err.printf("hung handler: %d hung calls on %d threads (%d entered the handler); ping took %s ms meanwhile;"
                + " the hung calls returned after %s ms with %s; echo %s in %d ms; ping afterwards %d ms; node stats %s%n",
                hungCalls, HANDLER_THREADS, entered.get(), pingMs, hungMs, errors, echo.byNode(), echo.elapsed().toMillis(),
                after.elapsed().toMillis(), node.stats());
        assertThat(echo.byNode()).containsEntry(NODE, Map.of("ok", Map.of("x", 1)));
        assertThat(errors).allSatisfy(e -> assertThat(e).startsWith("TimeoutError("));
        assertThat(hungMs).allSatisfy(ms -> assertThat(ms).isLessThan(8000));
        assertThat(after.byNode()).containsEntry(NODE, Map.of("ok", "pong"));
    }

    @Test
    void aPerHandlerTimeoutOverridesTheNodes() throws Exception {
        node.handler(HandlerDefinition.builder("hang_short").handler((ctx, args) -> {
            release.await();
            return "released";
        }).timeout(Duration.ofMillis(500)).build());

        CallResult r = mailbox.call(List.of(NODE), "hang_short", Map.of(), Duration.ofSeconds(5));

        assertThat(errorOf(r)).startsWith("TimeoutError(");
        assertThat(r.elapsed()).isLessThan(Duration.ofMillis(1900));
    }

    @SuppressWarnings("unchecked")
    private static String errorOf(CallResult r) {
        Object v = r.byNode().get(NODE);
        assertThat(v).as("reply of %s", r).isInstanceOf(Map.class);
        return String.valueOf(((Map<String, Object>) v).get("error"));
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(20);
        }
    }
}
