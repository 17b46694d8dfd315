package dev.pidbox.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.BrokerBlockedException;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.Request;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.it.support.TestNodes;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ's resource alarms (memory, disk) block every connection that publishes (AMQP {@code connection.blocked}).
 * A call then returns by its deadline saying the broker is blocking publishes, never "no node answered"; the CLI
 * exits with its own code and never hangs on close; once the alarm clears, the node answers again. The alarm is
 * raised with {@code rabbitmqctl} on the test broker and always cleared again (also by a shutdown hook, should this
 * JVM be killed meanwhile).
 */
@RabbitMQ.Required
class BrokerAlarmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** What a call may take beyond its deadline: reply bookkeeping, a busy 2-core machine. */
    private static final Duration BOUND = Duration.ofMillis(1500);

    private final List<AutoCloseable> open = new ArrayList<>();
    private String namespace;
    private Mailbox controller;
    private Node node;
    private final String nodeName = "alarmed@it";

    @BeforeEach
    void startANodeAndAController() {
        namespace = RabbitMQ.uniqueNamespace("alarm");
        Connection nodeConnection = RabbitMQ.connect("pidbox-it-alarm-node");
        Connection controllerConnection = RabbitMQ.connect("pidbox-it-alarm-controller");
        open.add(nodeConnection);
        open.add(controllerConnection);
        node = Mailbox.builder(namespace).build().bind(nodeConnection).node(nodeName)
                .handlers(TestNodes.standard(new CopyOnWriteArrayList<>())).handler(TestNodes.sleep()).build().listen();
        open.add(0, node::close);
        controller = Mailbox.builder(namespace).build().bind(controllerConnection);
        open.add(0, controller::close);
        assertThat(ping().answered()).containsExactly(nodeName);
    }

    @AfterEach
    void closeAll() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    @Test
    void duringAMemoryAlarmCallsSayTheBrokerBlocksAndTheNodeAnswersOnceItClears() throws Exception {
        String original = Ctl.ok("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").out.trim();
        assertThat(original).as("a relative watermark to restore").matches("[0-9.]+");
        duringAnAlarm("memory", new String[] {"set_vm_memory_high_watermark", "0.00001"},
                new String[] {"set_vm_memory_high_watermark", original}, "low on memory");
    }

    @Test
    void duringADiskAlarmCallsSayTheBrokerBlocksAndTheNodeAnswersOnceItClears() throws Exception {
        String original = Ctl.ok("eval", "rabbit_disk_monitor:get_disk_free_limit().").out.trim();
        assertThat(original).as("a disk free limit in bytes to restore").matches("[0-9]+");
        duringAnAlarm("disk", new String[] {"set_disk_free_limit", "1000000000000000"},
                new String[] {"set_disk_free_limit", original}, "low on disk");
    }

    private void duringAnAlarm(String kind, String[] raise, String[] clear, String reason) throws Exception {
        Thread restore = new Thread(() -> {
            try {
                Ctl.run(clear);
            } catch (Exception e) {
                // best effort at exit
            }
        }, "clear-" + kind + "-alarm");
        Runtime.getRuntime().addShutdownHook(restore);
        int threadsBefore = Thread.activeCount();
        // Four slow calls reach the node before the alarm; it answers them during the alarm, so its own connection
        // is blocked too, with replies waiting in it.
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<CallResult>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(callers.submit(() -> controller.call(List.of(nodeName), "sleep", Map.of("ms", 2000),
                    Duration.ofSeconds(60))));
        }
        Thread.sleep(500);
        try {
            Ctl.ok(raise);
            awaitAlarm(kind, true);

            // A stream of calls: each returns by its deadline (plus a small bound), and says why nothing came back.
            List<CallResult> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                CallResult r = ping();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("call %d while blocked", i)
                        .isLessThanOrEqualTo(TIMEOUT.plus(BOUND));
                results.add(r);
            }
            assertThat(results).allSatisfy(r -> assertThat(r.brokerBlocked()).isEqualTo(reason));
            assertThat(controller.isBlocked()).isTrue();
            try {
                controller.cast(Request.builder("echo").destination(List.of(nodeName)).build());
                throw new AssertionError("cast should refuse while the broker blocks publishes");
            } catch (BrokerBlockedException e) {
                assertThat(e.reason()).isEqualTo(reason);
                assertThat(e.getMessage()).contains("the broker is blocking publishes (" + reason + ")");
            }

            // The shipped CLI, twice: exits 5 within its deadline plus start-up, and says what is going on.
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                TargetJvm.Result cli = TargetJvm.run(Duration.ofSeconds(60), List.of(
                        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        TargetJvm.cliJar().toString(),
                        "--broker", RabbitMQ.uri(), "--namespace", namespace, "call", "ping", "--to", nodeName,
                        "--timeout", "2s"));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.println(kind + " alarm: pidbox call ping --timeout 2s exited " + cli.exitCode + " after "
                        + took.toMillis() + " ms");
                assertThat(cli.exitCode).as(cli.toString()).isEqualTo(5);
                assertThat(cli.err).contains("the broker is blocking publishes (" + reason + ")");
                assertThat(took).as("the CLI never hangs on a blocked connection").isLessThan(Duration.ofSeconds(20));
            }

            // The node tried to reply while blocked: it knows, and holds its replies without piling up threads.
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!node.mailbox().isBlocked() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertThat(node.mailbox().blockedReason()).as("the node's own connection").isEqualTo(reason);
            assertThat(Thread.activeCount()).as("threads after the blocked calls (4 callers of ours included)")
                    .isLessThanOrEqualTo(threadsBefore + 4 + 3);
        } finally {
            Ctl.ok(clear);
            Runtime.getRuntime().removeShutdownHook(restore);
        }
        awaitAlarm(kind, false);

        // Unblocked: the controller and the node publish again; the node answers within 10 s.
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        CallResult after = ping();
        while (after.answered().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(200);
            after = ping();
        }
        assertThat(after.answered()).containsExactly(nodeName);
        assertThat(after.brokerBlocked()).isNull();
        assertThat(controller.isBlocked()).isFalse();
        // The replies the node held during the alarm arrive once it clears: none lost.
        for (java.util.concurrent.Future<CallResult> f : slow) {
            assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS).byNode()).containsKey(nodeName);
        }
        callers.shutdown();
        assertThat(node.mailbox().isBlocked()).isFalse();
    }

    private CallResult ping() {
        return controller.call(List.of(nodeName), "ping", Map.of(), TIMEOUT);
    }

    /** Waits until RabbitMQ reports (or no longer reports) a resource alarm of this kind. */
    private static void awaitAlarm(String kind, boolean present) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(30), List.of("rabbitmq-diagnostics", "-q", "alarms"));
            last = r.out + r.err;
            boolean has = last.toLowerCase(java.util.Locale.ROOT).contains(kind) && !last.contains("reported no alarms");
            if (has == present) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the " + kind + " alarm is " + (present ? "not raised" : "still raised") + ": " + last);
    }
}
