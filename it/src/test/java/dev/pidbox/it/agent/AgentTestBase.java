package dev.pidbox.it.agent;

import com.rabbitmq.client.Connection;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the agent test classes share: a connection and a mailbox in a namespace of the class's own, and the
 * target JVMs a test started, ended after it.
 */
@RabbitMQ.Required
abstract class AgentTestBase {
    static final String SLEEPER = "dev.pidbox.it.target.SleeperApp";
    static Connection connection;
    static String namespace;
    static Mailbox mailbox;
    final List<TargetJvm> targets = new ArrayList<>();

    @BeforeAll
    static void connect() {
        connection = RabbitMQ.connect("pidbox-it-agent");
        namespace = RabbitMQ.uniqueNamespace("agent");
        mailbox = Mailbox.builder(namespace).build().bind(connection);
    }

    @AfterAll
    static void disconnect() throws Exception {
        mailbox.close();
        connection.close();
    }

    @AfterEach
    void stopTargets() {
        targets.forEach(TargetJvm::close);
    }
}
