package dev.pidbox.internal.node;

import com.rabbitmq.client.AMQP;

/** Where a node publishes its replies and audit events: the broker while it listens, a list in tests. */
public interface Outbox {
    /**
     * Publishes {@code body} to {@code exchange} (of {@code exchangeType}, declared if needed) with {@code routingKey},
     * without waiting for the broker. The outcome goes to {@code done}: at once, on this thread, as a rule; later, on
     * another thread, when the publish must first wait for a broker round trip (opening the reply channel, declaring
     * an exchange new to it), which amqp-client's consumer thread, where quick handlers reply, must never wait for.
     *
     * @return false when there is nowhere to publish (the node does not listen, or is closed): nothing was sent, and
     *         {@code done} is not called
     */
    boolean publish(String exchange, String exchangeType, String routingKey, AMQP.BasicProperties props, byte[] body,
            Done done);

    /** The outcome of one publish. */
    @FunctionalInterface
    interface Done {
        /**
         * @param failure null when the message went to the broker; else why not (an {@link java.io.IOException} or
         *        amqp-client's {@link com.rabbitmq.client.AlreadyClosedException}, naming the broker's reason)
         */
        void done(Exception failure);
    }
}
