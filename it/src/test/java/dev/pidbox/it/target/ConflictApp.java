package dev.pidbox.it.target;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host application that bundles its own, older Jackson, amqp-client and slf4j (run with the jars in
 * it/target/conflict-libs): it uses each of them while the agent runs beside it, and prints what it saw.
 * Arguments: broker URI, how long to keep working (ms).
 */
public final class ConflictApp {
    private ConflictApp() {
    }

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger(ConflictApp.class);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.println("JACKSON " + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        System.out.println("AMQP " + com.rabbitmq.client.impl.ClientVersion.VERSION);
        System.out.println("SLF4J " + LoggerFactory.getILoggerFactory().getClass().getName());
        System.out.flush();
        long end = System.currentTimeMillis() + Long.parseLong(args[1]);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[0]);
        int rounds = 0;
        while (System.currentTimeMillis() < end) {
            String json = new ObjectMapper().writeValueAsString(Map.of("round", rounds));
            try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
                String q = ch.queueDeclare().getQueue();
                ch.basicPublish("", q, null, json.getBytes("UTF-8"));
                if (ch.basicGet(q, true) == null) {
                    throw new IllegalStateException("host's own message was lost");
                }
            }
            log.info("round {} ok", rounds);
            rounds++;
            Thread.sleep(300);
        }
        System.out.println("HOST-OK rounds=" + rounds);
    }
}
