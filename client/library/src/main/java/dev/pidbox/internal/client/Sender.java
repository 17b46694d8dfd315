package dev.pidbox.internal.client;

import com.rabbitmq.client.AMQP;
import java.io.IOException;

/** Where a mailbox's requests go: its channel on the broker, or a list in tests. */
@FunctionalInterface
public interface Sender {
    /**
     * Publishes {@code body} to {@code exchange} with {@code routingKey}.
     *
     * @param mandatory whether the broker returns the message when it reaches no queue
     * @throws IOException when the broker refused it
     */
    void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties props, byte[] body)
            throws IOException;
}
