package dev.pidbox.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.CallResult;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded broker carries pidbox traffic without RabbitMQ, and leaves nothing behind. */
class EmbeddedBrokerTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static HandlerDefinition ping() {
        return HandlerDefinition.builder("ping").handler((c, a) -> Map.of("ok", "pong")).build();
    }

    @Test
    void portZeroGivesAnEphemeralPortAndALocalUri() {
        assertThat(broker.port()).isPositive();
        assertThat(broker.uri()).isEqualTo("amqp://guest:guest@127.0.0.1:" + broker.port() + "/");
    }

    @Test
    void aCallToOneNodeIsAnswered() {
        try (Connection conn = Brokers.connect(broker.uri(), "embedded-test-call")) {
            Mailbox mailbox = Mailbox.builder("jvm").build().bind(conn);
            try (Node node = mailbox.node("n@h").handler(ping()).build().listen()) {
                CallResult r = mailbox.call(List.of("n@h"), "ping", Map.of(), Duration.ofSeconds(5));
                assertThat(r.byNode()).containsEntry("n@h", Map.of("ok", "pong"));
                assertThat(r.missing()).isEmpty();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMultiCallGathersEveryNode() throws Exception {
        try (Connection conn = Brokers.connect(broker.uri(), "embedded-test-multi")) {
            Mailbox mailbox = Mailbox.builder("multi").build().bind(conn);
            try (Node a = mailbox.node("a@h").handler(ping()).build().listen();
                 Node b = mailbox.node("b@h").handler(ping()).build().listen()) {
                CallResult r = mailbox.multiCall("ping", Map.of(), Duration.ofSeconds(2), 2);
                assertThat(r.byNode().keySet()).containsExactlyInAnyOrder("a@h", "b@h");
            }
        }
    }

    @Test
    void aCastReachesTheNodeWithoutAReply() throws Exception {
        CountDownLatch got = new CountDownLatch(1);
        try (Connection conn = Brokers.connect(broker.uri(), "embedded-test-cast")) {
            Mailbox mailbox = Mailbox.builder("cast").build().bind(conn);
            HandlerDefinition poke = HandlerDefinition.builder("poke").handler((c, a) -> {
                got.countDown();
                return null;
            }).build();
            try (Node node = mailbox.node("c@h").handler(poke).build().listen()) {
                mailbox.cast(List.of("c@h"), "poke", Map.of());
                assertThat(got.await(5, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aPortInUseGivesAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is in use")
                    .hasMessageContaining("PIDBOX_BROKER=amqp://guest:guest@localhost:" + port + "/");
        }
    }

    @Test
    void closeDeletesItsWorkDirectory() throws Exception {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        Set<Path> before = brokerDirs(tmp);
        EmbeddedBroker third = EmbeddedBroker.start("127.0.0.1", 0);
        Set<Path> during = brokerDirs(tmp);
        during.removeAll(before);
        third.close();
        assertThat(during).isNotEmpty();
        assertThat(during).allSatisfy(p -> assertThat(p).doesNotExist());
    }

    private static Set<Path> brokerDirs(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pidbox-broker-")).collect(Collectors.toSet());
        }
    }

    @Test
    void closeFreesThePortAndLeavesNoNonDaemonThread() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        EmbeddedBroker second = EmbeddedBroker.start("127.0.0.1", 0);
        int port = second.port();
        try (Connection conn = Brokers.connect(second.uri(), "embedded-test-close")) {
            assertThat(conn.isOpen()).isTrue();
        }
        second.close();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<Thread> left;
        do {
            left = nonDaemonThreads();
            left.removeAll(before);
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(left.stream().map(Thread::getName).collect(Collectors.toList())).isEmpty();
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }
}
