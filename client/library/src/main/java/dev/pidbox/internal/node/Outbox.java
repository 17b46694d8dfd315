package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;
import java.io.IOException;

/** Where a node publishes its replies and audit events: the broker while it listens, a list in tests. */
public interface Outbox {
    /**
     * Publishes {@code body} to {@code exchange} (of {@code exchangeType}, declared if needed) with {@code routingKey}.
     *
     * @return false when there is nowhere to publish (the node does not listen, or is closed): nothing was sent
     * @throws IOException when the broker refused it
     */
    boolean publish(String exchange, String exchangeType, String routingKey, AMQP.BasicProperties props, byte[] body)
            throws IOException;
}
