package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.pidbox.Brokers;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Request;
import dev.pidbox.it.faults.Ctl;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.security.ReplyUsers;
import dev.pidbox.spi.JsonValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forged-reply attack: a process with nothing but a node's broker credentials binds a queue to the mailbox
 * exchange, sees every request, and answers for another node with the request's ticket, once at once and once after
 * the real node. With replies checked against the broker users that may answer for each node (RabbitMQ-validated
 * {@code user_id}), the library and the shipped CLI report the forgeries, keep the real node's answer, and a
 * rollout decides on real answers only. Without the check, the forged answer counts, which is what makes the attack
 * worth defending.
 */
@RabbitMQ.Required
class ForgedReplyTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String VICTIM_USER = "pidbox-it-victim-" + SUFFIX;
    private static final String ATTACKER_USER = "pidbox-it-attacker-" + SUFFIX;
    private static final String PASSWORD = "pw-" + SUFFIX;
    private static final String VICTIM = "victim@web1";
    private static final String FORGED = "{\"error\": \"forged failure\"}";

    @TempDir
    static Path dir;
    private static String namespace;
    private static TargetJvm victimJvm;
    private static Connection attacker;
    private static ScheduledExecutorService later;
    private static Path replyUsers;

    @BeforeAll
    static void startTheVictimAndTheAttacker() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("forge");
        for (String user : List.of(VICTIM_USER, ATTACKER_USER)) {
            Ctl.ok("add_user", user, PASSWORD);
            List<String> perms = new ArrayList<>(List.of("set_permissions", "-p", "/", user));
            perms.addAll(List.of(LeastPrivilegeTest.nodePermissions(namespace)));
            Ctl.ok(perms.toArray(new String[0]));
        }
        replyUsers = dir.resolve("reply-users.properties");
        Files.writeString(replyUsers, VICTIM_USER + " = victim@*\n" + ATTACKER_USER + " = attacker@*\n");

        victimJvm = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(), List.of(),
                "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady();
        TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java(), "-jar",
                TargetJvm.agentJar().toString(), "attach", Long.toString(victimJvm.pid()),
                "broker=amqp://" + VICTIM_USER + ":" + PASSWORD + "@127.0.0.1:5672/", "namespace=" + namespace,
                "node=" + VICTIM, "reply-user-id=auto"));
        assertThat(attach.exitCode).as(attach.toString()).isZero();

        // The attacker: only a node's credentials. It answers every request as the victim, at once and 300 ms later.
        later = Executors.newSingleThreadScheduledExecutor();
        attacker = Brokers.connect("amqp://" + ATTACKER_USER + ":" + PASSWORD + "@127.0.0.1:5672/", "attacker");
        Channel ch = attacker.createChannel();
        String queue = "attacker@evil." + namespace + ".pidbox";
        ch.queueDeclare(queue, false, true, true, null);
        ch.queueBind(queue, namespace + ".pidbox", "");
        ch.basicConsume(queue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                try {
                    Map<?, ?> request = (Map<?, ?>) JsonValues.decode(new String(body, StandardCharsets.UTF_8));
                    Map<?, ?> replyTo = (Map<?, ?>) request.get("reply_to");
                    Object ticket = request.get("ticket");
                    if (replyTo == null || ticket == null) {
                        return;
                    }
                    byte[] forged = ("{\"" + VICTIM + "\": " + FORGED + "}").getBytes(StandardCharsets.UTF_8);
                    AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().contentType("application/json")
                            .contentEncoding("utf-8").headers(Map.of("ticket", ticket.toString(), "clock", 1)).build();
                    String exchange = replyTo.get("exchange").toString();
                    String key = replyTo.get("routing_key").toString();
                    getChannel().basicPublish(exchange, key, p, forged);
                    later.schedule(() -> {
                        try {
                            // This time claiming its own user: RabbitMQ lets it, and it is still not the victim's.
                            getChannel().basicPublish(exchange, key, p.builder().userId(ATTACKER_USER).build(), forged);
                        } catch (Exception e) {
                            // the test ended
                        }
                    }, 300, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    // not a request the attacker understands
                }
            }
        });
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (attacker != null) {
            attacker.close();
        }
        if (later != null) {
            later.shutdownNow();
        }
        if (victimJvm != null) {
            victimJvm.close();
        }
        Ctl.run("delete_user", VICTIM_USER);
        Ctl.run("delete_user", ATTACKER_USER);
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A broadcast ping that waits its whole deadline, so forgeries before and after the real reply both arrive. */
    private static CallResult broadcast(Mailbox m) {
        return m.call(Request.builder("ping").timeout(Duration.ofSeconds(2)).build(), null);
    }

    @Test
    void withoutCheckingRepliesTheForgedFailureCountsAsTheVictimsAnswer() {
        try (Connection c = RabbitMQ.connect("pidbox-it-forge-unchecked")) {
            Mailbox m = Mailbox.builder(namespace).build().bind(c);
            CallResult r = broadcast(m);
            assertThat(r.replies()).anySatisfy(reply -> {
                assertThat(reply.node()).isEqualTo(VICTIM);
                assertThat(reply.isError()).isTrue();
            });
            assertThat(r.forgeries()).isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theLibraryReportsTheForgeriesAndKeepsTheRealAnswer() throws Exception {
        try (Connection c = RabbitMQ.connect("pidbox-it-forge-checked")) {
            Mailbox m = Mailbox.builder(namespace).replyUsers(ReplyUsers.load(replyUsers)).build().bind(c);
            CallResult r = broadcast(m);
            assertThat(r.replies()).singleElement().satisfies(reply -> {
                assertThat(reply.node()).isEqualTo(VICTIM);
                assertThat(reply.value()).isEqualTo(Map.of("ok", "pong"));
            });
            assertThat(r.forgeries()).hasSize(2).allSatisfy(f -> assertThat(f.node()).isEqualTo(VICTIM));
            assertThat(r.forgeries()).anySatisfy(f -> assertThat(f.userId()).isNull());
            assertThat(r.forgeries()).anySatisfy(f -> {
                assertThat(f.userId()).isEqualTo(ATTACKER_USER);
                assertThat(f.reason()).contains("may answer only for [attacker@*]");
            });
            // A call to the victim by name ends with the real answer, whichever came first.
            CallResult named = m.call(List.of(VICTIM), "ping", Map.of(), Duration.ofSeconds(5));
            assertThat(named.byNode()).containsEntry(VICTIM, Map.of("ok", "pong"));
        }
    }

    @Test
    void theBrokerRefusesAReplyThatClaimsTheVictimsUserId() throws Exception {
        Channel ch = attacker.createChannel();
        ch.exchangeDeclare("reply." + namespace + ".pidbox", "direct", false, false, false, Map.of());
        ch.basicPublish("reply." + namespace + ".pidbox", "nobody", new AMQP.BasicProperties.Builder()
                .userId(VICTIM_USER).build(), FORGED.getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.queueDeclarePassive("no-such-" + SUFFIX))
                .hasStackTraceContaining("PRECONDITION_FAILED")
                .hasStackTraceContaining("user_id property set to '" + VICTIM_USER + "'");
    }

    @Test
    void theShippedCliReportsTheForgeriesShowsTheRealAnswerAndARolloutGoesOnRealAnswers() throws Exception {
        TargetJvm.Result ping = cli("ping", "--timeout", "2s");
        assertThat(ping.exitCode).as(ping.toString()).isZero();
        assertThat(ping.out).contains(VICTIM).contains("pong").doesNotContain("forged failure");
        assertThat(ping.err).contains("FORGED reply claiming to be " + VICTIM + " ignored");

        TargetJvm.Result rollout = cli("call", "ping", "--to", VICTIM, "--canary", "1", "--timeout", "3s");
        assertThat(rollout.exitCode).as(rollout.toString()).isZero();
        assertThat(rollout.out).containsPattern(VICTIM + "\\s+canary\\s+ok");
    }

    private static TargetJvm.Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar",
                TargetJvm.cliJar().toString(), "--broker",
                RabbitMQ.uri(), "--namespace", namespace, "--reply-users", replyUsers.toString()));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }
}
