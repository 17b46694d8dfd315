package dev.pidbox.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.PidboxException;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The broker restarted ({@code rabbitmqctl stop_app} / {@code start_app}) during a stream of calls from a Java
 * mailbox to an agent node: every call returns (answered, or with the node missing) or fails with a clear
 * PidboxException / IllegalStateException, none outlives its deadline by more than a small margin, and the node
 * answers again within 10 s of the broker being back.
 */
@RabbitMQ.Required
class BrokerRestartDuringCallsTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MARGIN = Duration.ofMillis(1500);

    /** What one call did. */
    private static final class Outcome {
        final long startMs;
        final long tookMs;
        final String what;

        Outcome(long startMs, long tookMs, String what) {
            this.startMs = startMs;
            this.tookMs = tookMs;
            this.what = what;
        }

        @Override
        public String toString() {
            return "@" + startMs + "ms " + tookMs + "ms " + what;
        }
    }

    @Test
    void everyCallEndsInTimeAcrossABrokerRestartAndTheNodeAnswersAgain() throws Exception {
        String namespace = RabbitMQ.uniqueNamespace("restart-stream");
        String node = "stream@it";
        ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "restart-stream-caller");
            t.setDaemon(true);
            return t;
        });
        List<Outcome> outcomes = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Connection connection = RabbitMQ.connect("pidbox-it-restart-stream");
                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                        List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace="
                                + namespace + ",node=" + node), "dev.pidbox.it.target.SleeperApp", "stdin")) {
            target.awaitReady();
            Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());

            AtomicBoolean brokerBack = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            long[] backAtNanos = new long[1];
            long[] answeredAgainNanos = new long[1];
            // The stream: one call after another, each watched by its deadline plus the margin.
            Thread stream = new Thread(() -> {
                while (!stop.get()) {
                    long start = System.nanoTime();
                    Future<String> f = caller.submit(() -> {
                        try {
                            CallResult r = mailbox.call(List.of(node), "ping", Map.of(), CALL_TIMEOUT);
                            return r.byNode().containsKey(node) ? "answered" : "missing " + r.missing();
                        } catch (PidboxException | IllegalStateException e) {
                            return "failed " + e.getClass().getSimpleName() + ": " + e.getMessage();
                        } catch (RuntimeException e) {
                            return "UNEXPECTED " + e;
                        }
                    });
                    String what;
                    try {
                        what = f.get(CALL_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        what = "HUNG past deadline + margin";
                    } catch (Exception e) {
                        what = "UNEXPECTED " + e;
                    }
                    long took = (System.nanoTime() - start) / 1_000_000;
                    synchronized (outcomes) {
                        outcomes.add(new Outcome((start - t0) / 1_000_000, took, what));
                    }
                    if (what.startsWith("HUNG")) {
                        return; // the single caller thread is stuck; stop the stream
                    }
                    if (brokerBack.get() && what.equals("answered") && answeredAgainNanos[0] == 0) {
                        answeredAgainNanos[0] = System.nanoTime();
                    }
                    if (what.startsWith("failed")) {
                        try {
                            Thread.sleep(50); // no hot loop while the broker is away
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "restart-stream");
            stream.setDaemon(true);
            stream.start();
            Thread.sleep(1500);

            try {
                Ctl.ok("stop_app");
                Thread.sleep(3000);
            } finally {
                Ctl.ok("start_app");
                Ctl.run("await_startup");
            }
            backAtNanos[0] = System.nanoTime();
            brokerBack.set(true);

            // The node itself, asked through a mailbox bound afresh (on the same recovered connection).
            long freshAgainMs = -1;
            Mailbox fresh = Mailbox.builder(namespace).build().bind(connection);
            while (System.nanoTime() - backAtNanos[0] < TimeUnit.SECONDS.toNanos(15)) {
                try {
                    if (fresh.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).byNode().containsKey(node)) {
                        freshAgainMs = (System.nanoTime() - backAtNanos[0]) / 1_000_000;
                        break;
                    }
                } catch (RuntimeException e) {
                    Thread.sleep(200);
                }
            }
            long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (answeredAgainNanos[0] == 0 && stream.isAlive() && System.nanoTime() < waitEnd) {
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            stop.set(true);
            stream.join(10_000);

            Map<String, Integer> summary = new LinkedHashMap<>();
            long longest = 0;
            synchronized (outcomes) {
                for (Outcome o : outcomes) {
                    String key = o.what.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>");
                    key = key.length() > 160 ? key.substring(0, 160) + "..." : key;
                    summary.merge(key, 1, Integer::sum);
                    longest = Math.max(longest, o.tookMs);
                }
            }
            long againMs = answeredAgainNanos[0] == 0 ? -1 : (answeredAgainNanos[0] - backAtNanos[0]) / 1_000_000;
            synchronized (outcomes) {
                String last = "";
                for (Outcome o : outcomes) { // the transitions only
                    String kind = o.what.length() > 40 ? o.what.substring(0, 40) : o.what;
                    if (!kind.equals(last)) {
                        System.err.println("broker restart: call " + o);
                        last = kind;
                    }
                }
            }
            System.err.printf("broker restart: %d calls, longest %d ms (deadline %d ms + margin %d ms); node answered"
                    + " again %d ms after the broker was back to a fresh mailbox, %d ms to the mailbox that streamed"
                    + " calls through the restart (-1: never); outcomes: %s%n", outcomes.size(), longest,
                    CALL_TIMEOUT.toMillis(), MARGIN.toMillis(), freshAgainMs, againMs, summary);

            synchronized (outcomes) {
                assertThat(outcomes).as("calls made").hasSizeGreaterThan(5);
                assertThat(outcomes).noneMatch(o -> o.what.startsWith("HUNG") || o.what.startsWith("UNEXPECTED"));
                assertThat(outcomes).allSatisfy(o -> assertThat(o.tookMs).isLessThanOrEqualTo(CALL_TIMEOUT.plus(MARGIN)
                        .toMillis()));
                assertThat(outcomes).filteredOn(o -> o.what.startsWith("failed"))
                        .allSatisfy(o -> assertThat(o.what).doesNotEndWith(": null").doesNotContain("guest:guest"));
            }
            assertThat(freshAgainMs).as("ms until the node answered a fresh mailbox after the broker was back")
                    .isBetween(0L, 10_000L);
            assertThat(againMs).as("ms until the node answered the mailbox that made calls during the outage")
                    .isBetween(0L, 10_000L);
            fresh.close();
            assertThat(target.isAlive()).isTrue();
            mailbox.close();
        } finally {
            caller.shutdownNow();
            Ctl.deleteExchangesOf(namespace);
        }
    }
}
