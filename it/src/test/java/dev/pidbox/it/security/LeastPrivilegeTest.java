package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.it.faults.Ctl;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two RabbitMQ users the README recommends, with exactly its permission regexes: a node user (declares and
 * reads its own queue, publishes replies, cannot publish to {@code NS.pidbox}) and a controller user. The shipped
 * agent runs as the node user, the shipped CLI as the controller; the node user's attempt to command the fleet is
 * refused by the broker.
 */
@RabbitMQ.Required
class LeastPrivilegeTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String NODE_USER = "pidbox-it-node-" + SUFFIX;
    private static final String CONTROLLER_USER = "pidbox-it-ctl-" + SUFFIX;
    private static final String PASSWORD = "pw-" + SUFFIX;
    private static String namespace;

    /** The node user's configure, write and read regexes for namespace {@code ns} (as the README gives them). */
    static String[] nodePermissions(String ns) {
        String n = ns.replace(".", "\\.");
        return new String[] {"^(" + n + "\\.pidbox|reply\\." + n + "\\.pidbox|.+\\." + n + "\\.pidbox)$",
                "^(reply\\." + n + "\\.pidbox|.+\\." + n + "\\.pidbox)$",
                "^(" + n + "\\.pidbox|.+\\." + n + "\\.pidbox)$"};
    }

    /** The controller user's configure, write and read regexes. */
    static String[] controllerPermissions(String ns) {
        String n = ns.replace(".", "\\.");
        return new String[] {"^(" + n + "\\.pidbox|reply\\." + n + "\\.pidbox|.+\\.reply\\." + n + "\\.pidbox)$",
                "^(" + n + "\\.pidbox|" + n + "\\.pidbox\\.routed|.+\\.reply\\." + n + "\\.pidbox)$",
                "^(reply\\." + n + "\\.pidbox|.+\\.reply\\." + n + "\\.pidbox)$"};
    }

    @BeforeAll
    static void createTheUsers() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("lp");
        Ctl.ok("add_user", NODE_USER, PASSWORD);
        Ctl.ok("add_user", CONTROLLER_USER, PASSWORD);
        List<String> node = new ArrayList<>(List.of("set_permissions", "-p", "/", NODE_USER));
        node.addAll(List.of(nodePermissions(namespace)));
        Ctl.ok(node.toArray(new String[0]));
        List<String> controller = new ArrayList<>(List.of("set_permissions", "-p", "/", CONTROLLER_USER));
        controller.addAll(List.of(controllerPermissions(namespace)));
        Ctl.ok(controller.toArray(new String[0]));
    }

    @AfterAll
    static void deleteTheUsers() throws Exception {
        Ctl.run("delete_user", NODE_USER);
        Ctl.run("delete_user", CONTROLLER_USER);
    }

    private static String uri(String user) {
        return "amqp://" + user + ":" + PASSWORD + "@127.0.0.1:5672/";
    }

    @Test
    void theAgentRunsAsTheNodeUserAndTheCliAsTheControllerUser() throws Exception {
        TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(), List.of(),
                "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady();
        try {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                    TargetJvm.agentJar().toString(), "attach", Long.toString(target.pid()), "broker=" + uri(NODE_USER),
                    "namespace=" + namespace, "node=least@it"));
            assertThat(attach.exitCode).as(attach.toString()).isZero();

            TargetJvm.Result call = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                    TargetJvm.cliJar().toString(), "--broker",
                    uri(CONTROLLER_USER), "--namespace", namespace, "call", "runtime", "--to", "least@it", "--timeout",
                    "10s"));
            assertThat(call.exitCode).as(call.toString()).isZero();
            assertThat(call.out).contains("least@it");
        } finally {
            target.close();
        }
    }

    @Test
    void theNodeUserCannotPublishACommandToTheMailboxExchange() throws Exception {
        try (Connection c = Brokers.connect(uri(NODE_USER), "pidbox-it-node-user")) {
            Channel ch = c.createChannel();
            byte[] body = ("{\"method\": \"ping\", \"arguments\": {}, \"destination\": null}")
                    .getBytes(StandardCharsets.UTF_8);
            ch.basicPublish(namespace + ".pidbox", "", new AMQP.BasicProperties.Builder()
                    .contentType("application/json").build(), body);
            // The refusal closes the channel; the next synchronous method sees why.
            assertThatThrownBy(() -> ch.queueDeclarePassive("no-such-queue-" + SUFFIX))
                    .hasStackTraceContaining("ACCESS_REFUSED")
                    .hasStackTraceContaining("exchange '" + namespace + ".pidbox'");
        }
    }
}
